"""What a template may use, for the jurist who edits it: variables and filters, with examples.

The variables come from :data:`iscg_docs.convention.context.CATALOGUE` and their example values from
the context actually built for the first convention of the Saône-et-Loire example, so
the list cannot drift from the code. ``iscg-docs variables`` prints them. The avenant
template's variables (``document="avenant"``) come the same way from
:data:`iscg_docs.convention.avenant_context.AVENANT_CATALOGUE` and the example's first
avenant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import frozen

from iscg_docs._resources import bundled_file
from iscg_docs.convention.context import CATALOGUE, build_context
from iscg_docs.convention.variables import Variable, example_values, paths
from iscg_docs.french import FILTERS
from iscg_docs.model.records import Gender, Party, PartyKind, Role, Signatory

__all__ = [
    "DOCUMENTS",
    "EXAMPLE_FILE",
    "UNAVAILABLE",
    "Entry",
    "FilterEntry",
    "entries",
    "filter_entries",
]

#: The example the values are taken from: shipped in the package, or in a checkout.
EXAMPLE_FILE = bundled_file("examples", "saone-et-loire.toml") or Path(
    "examples/saone-et-loire.toml"
)

#: What stands for an example when the example file is missing or invalid.
UNAVAILABLE = "(exemple indisponible)"

#: The kinds of document whose template variables can be listed.
DOCUMENTS = ("convention", "avenant")


@frozen
class Entry:
    """One variable a template may print or test.

    Attributes:
        name: its path in the context: ``reference``, ``parties[].designation``.
        description: what it holds, in French.
        type: "texte", "booléen", "liste" or "dictionnaire".
        example: its value in the example (a list shows its first item), or a hint.
    """

    name: str
    description: str
    type: str
    example: str


@frozen
class FilterEntry:
    """One filter a template may apply: ``{{ valeur|nom }}``.

    Attributes:
        name: the filter's name.
        description: what it does, in French (its docstring's summary, in English, for a
            filter without a written example).
        call: an example call, as a template would write it.
        output: what that call gives, computed now.
    """

    name: str
    description: str
    call: str
    output: str


def _example_context(path: Path, document: str = "convention") -> dict[str, Any] | None:
    """The context of the example's first convention (or first avenant), or None if it
    cannot be had."""
    from iscg_docs.errors import IscgError
    from iscg_docs.inputs.loading import load

    if not path.is_file():
        return None
    try:
        framework = load(path)
    except IscgError:
        return None
    if document == "avenant":
        from iscg_docs.convention.avenant import avenant_context

        amended = [c for c in framework.conventions if c.avenants]
        return avenant_context(framework, amended[0], 1) if amended else None
    if not framework.conventions:
        return None
    return build_context(framework, framework.conventions[0])


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "vrai" if value else "faux"
    if isinstance(value, str):
        return f"« {value} »" if value else "(vide)"
    if isinstance(value, list):
        if not value:
            return "(liste vide)"
        if isinstance(value[0], Mapping):
            return f"{len(value)} élément{'s' if len(value) > 1 else ''}"
        return _show(value[0])
    if isinstance(value, Mapping):
        return "—"
    return str(value)


def entries(example: str | Path | None = None, document: str = "convention") -> tuple[Entry, ...]:
    """Every catalogue entry with its example value.

    Args:
        example: the data file to take examples from; the Saône-et-Loire example by default.
        document: "convention" or "avenant" (:data:`DOCUMENTS`): whose template.

    Returns:
        The entries in catalogue order; examples read :data:`UNAVAILABLE` when the file
        is missing or invalid.
    """
    catalogue = _catalogue(document)
    context = _example_context(Path(example) if example is not None else EXAMPLE_FILE, document)
    firsts: dict[str, Any] = {}
    if context is not None:
        firsts = example_values(context)
        for name, value in paths(context):
            firsts.setdefault(name, value)
    return tuple(
        Entry(
            v.name,
            v.description,
            v.type,
            _show(firsts[v.name]) if v.name in firsts else UNAVAILABLE,
        )
        for v in catalogue
    )


def _catalogue(document: str) -> tuple[Variable, ...]:
    if document == "avenant":
        from iscg_docs.convention.avenant_context import AVENANT_CATALOGUE

        return AVENANT_CATALOGUE
    if document != "convention":
        raise ValueError(f"unknown document {document!r}; expected one of {', '.join(DOCUMENTS)}")
    return CATALOGUE


# --------------------------------------------------------------------------- filters

_SIGNER = Signatory(role=Role.MAIRE, full_name="Paul Exemple", gender=Gender.MASCULINE)
_BLANZY = Party(id="blanzy", kind=PartyKind.COMMUNE, name="Blanzy", signatory=_SIGNER)
_AUTUN = Party(id="autun", kind=PartyKind.COMMUNE, name="Autun")
_START, _END = dt.date(2021, 1, 1), dt.date(2023, 12, 31)

# Filter name → (what it does, the call as a template writes it, the arguments it stands
# for). The output is computed from the arguments, so only the words are written by hand.
# The context holds text already formatted; the filters that take a party or a date serve
# a template given other data, and the call says what the value stands for.
_PARTY_NOTE = "partie : la commune de Blanzy"
_PARTIES_NOTE = "parties : les communes de Blanzy et d'Autun"
_EXAMPLES: dict[str, tuple[str, str, tuple[Any, ...], dict[str, Any]]] = {
    "article_number": ("intitulé d'article numéroté", "{{ n|article_number }}  (n : 1)", (1,), {}),
    "designation": (
        "une partie avec son article",
        f"{{{{ partie|designation }}}}  ({_PARTY_NOTE})",
        (_BLANZY,),
        {},
    ),
    "designation_all": (
        "plusieurs parties groupées, avec l'article",
        f"{{{{ parties|designation_all }}}}  ({_PARTIES_NOTE})",
        ([_BLANZY, _AUTUN],),
        {},
    ),
    "fte": (
        "une quotité en ETP, en lettres et en chiffres",
        "{{ q|fte }}  (q : 0,5)",
        (Decimal("0.5"),),
        {},
    ),
    "in_words_and_figures": (
        "un nombre en lettres et en chiffres avec son unité accordée",
        '{{ n|in_words_and_figures("an") }}  (n : 3)',
        (3, "an"),
        {},
    ),
    "join": (
        "une énumération à la française",
        '{{ ["A", "B", "C"]|join }}',
        (["A", "B", "C"],),
        {},
    ),
    "long_date": (
        "une date en toutes lettres",
        "{{ d|long_date }}  (d : 1er janvier 2021)",
        (_START,),
        {},
    ),
    "money": (
        "un montant en chiffres, en euros",
        "{{ montant|money }}  (montant : 25000)",
        (Decimal(25000),),
        {},
    ),
    "money_full": (
        "un montant en lettres puis en chiffres",
        "{{ montant|money_full }}  (montant : 25000)",
        (Decimal(25000),),
        {},
    ),
    "money_in_words": (
        "un montant en lettres",
        "{{ montant|money_in_words }}  (montant : 25000)",
        (Decimal(25000),),
        {},
    ),
    "number": (
        "un nombre en chiffres, à la française",
        "{{ x|number }}  (x : 1234,5)",
        (Decimal("1234.5"),),
        {},
    ),
    "number_in_words": (
        "un nombre entier en lettres",
        "{{ n|number_in_words }}  (n : 21)",
        (21,),
        {},
    ),
    "of": (
        "une partie après « de », contractée",
        f"{{{{ partie|of }}}}  ({_PARTY_NOTE})",
        (_BLANZY,),
        {},
    ),
    "of_all": (
        "plusieurs parties après « de »",
        f"{{{{ parties|of_all }}}}  ({_PARTIES_NOTE})",
        ([_BLANZY, _AUTUN],),
        {},
    ),
    "ordinal": (
        "un ordinal, en chiffres ou en lettres, au masculin ou au féminin",
        "{{ n|ordinal(feminine=true) }}  (n : 1)",
        (1,),
        {"feminine": True},
    ),
    "percent": ("un pourcentage", "{{ x|percent }}  (x : 12,5)", (Decimal("12.5"),), {}),
    "period": (
        "une période « du … au … »",
        "{{ debut|period(fin) }}  (du 1er janvier 2021 au 31 décembre 2023)",
        (_START, _END),
        {},
    ),
    "represented_by": (
        "comment la partie est représentée, accordé",
        f"{{{{ partie|represented_by }}}}  ({_PARTY_NOTE})",
        (_BLANZY,),
        {},
    ),
    "signatory_block": (
        "les lignes au-dessus d'une signature : titre, puis nom",
        "{{ signataire|signatory_block }}  (le maire de Blanzy)",
        (_SIGNER,),
        {},
    ),
    "signatory_title": (
        "le titre du signataire avec son article, accordé",
        "{{ signataire|signatory_title }}  (le maire de Blanzy)",
        (_SIGNER,),
        {},
    ),
    "to": (
        "une partie après « à », contractée",
        f"{{{{ partie|to }}}}  ({_PARTY_NOTE})",
        (_BLANZY,),
        {},
    ),
    "to_all": (
        "plusieurs parties après « à »",
        f"{{{{ parties|to_all }}}}  ({_PARTIES_NOTE})",
        ([_BLANZY, _AUTUN],),
        {},
    ),
    "typography": (
        "les espaces insécables de la typographie française (avant ; : ! ?, dans « »)",
        '{{ texte|typography }}  (texte : "Objet : voir l\'annexe ; « A »")',
        ("Objet : voir l'annexe ; « A »",),
        {},
    ),
}


def _summary(function: Callable[..., Any]) -> str:
    doc = (function.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def filter_entries(
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> tuple[FilterEntry, ...]:
    """Every filter with a one-line description, an example call and its output.

    Args:
        filters: the filters to describe; :data:`iscg_docs.french.FILTERS` by default.

    Returns:
        One entry per filter, sorted by name; a filter without a written example reads
        :data:`UNAVAILABLE` (a test keeps that from happening).
    """
    filters = FILTERS if filters is None else filters
    out = []
    for name in sorted(filters):
        function = filters[name]
        if name in _EXAMPLES:
            description, call, args, kwargs = _EXAMPLES[name]
            output = _show_output(function(*args, **kwargs))
        else:
            description, call, output = _summary(function), f"{{{{ valeur|{name} }}}}", UNAVAILABLE
        out.append(FilterEntry(name, description, call, output))
    return tuple(out)


def _show_output(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " / ".join(f"« {v} »" for v in value)
    return f"« {value} »"
