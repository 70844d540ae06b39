"""``iscg-docs variables``: the catalogue of variables and filters as text, Markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["FORMATS", "render"]

#: The output formats of :func:`render`, offered by ``--format``.
FORMATS = ("text", "markdown", "json")

_TITLES = {
    "convention": "Variables et filtres disponibles dans un modèle de convention",
    "avenant": "Variables et filtres disponibles dans un modèle d'avenant",
}
_INTRO = (
    "Chaque variable s'écrit {{ nom }} dans le modèle ; un champ d'un élément de liste "
    "s'écrit dans une boucle : {%p for partie in parties %}{{ partie.designation }}"
    "{%p endfor %}. Exemples tirés de la première convention de l'exemple de Saône-et-Loire."
)


def render(
    fmt: str = "text", example: str | Path | None = None, document: str = "convention"
) -> str:
    """The catalogue of variables and filters, ready to print.

    Args:
        fmt: one of :data:`FORMATS`.
        example: the data file to take examples from; the Saône-et-Loire example by default.
        document: whose template: "convention" or "avenant".

    Raises:
        ValueError: an unknown format.
    """
    # Imported here: the parser reads FORMATS, and the other commands need no catalogue.
    from iscg_docs.convention.catalogue import entries, filter_entries

    variables = entries(example, document=document)
    title = _TITLES[document]
    filters = filter_entries()
    if fmt == "json":
        payload = {
            "variables": [
                {"name": e.name, "description": e.description, "type": e.type, "example": e.example}
                for e in variables
            ],
            "filters": [
                {"name": f.name, "description": f.description, "call": f.call, "output": f.output}
                for f in filters
            ],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        lines = [f"# {title}", "", _md(_INTRO), "", "## Variables", ""]
        lines += ["| Nom | Type | Description | Exemple |", "| --- | --- | --- | --- |"]
        lines += [
            f"| `{e.name}` | {e.type} | {_md(e.description)} | {_md(e.example)} |"
            for e in variables
        ]
        lines += ["", "## Filtres", "", "| Filtre | Description | Exemple | Résultat |"]
        lines += ["| --- | --- | --- | --- |"]
        lines += [
            f"| `{f.name}` | {_md(f.description)} | `{f.call}` | {_md(f.output)} |" for f in filters
        ]
        return "\n".join(lines) + "\n"
    if fmt == "text":
        lines = [title, "=" * len(title), "", _INTRO, "", "VARIABLES", ""]
        for e in variables:
            lines += [f"{e.name}  ({e.type})", f"    {e.description}", f"    exemple : {e.example}"]
        lines += ["", "FILTRES", ""]
        for f in filters:
            lines += [f"{f.name}", f"    {f.description}", f"    {f.call}  →  {f.output}"]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def _md(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
