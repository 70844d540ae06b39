"""A convention's file name: safe on every system, and one file per convention.

The name is made from the reference (the territory if nothing of the reference is left),
in letters, digits, "-" and "_" only, so no path separator, colon, wildcard, quote or
trailing dot or space gets through. What the characters alone cannot rule out is ruled
out by :func:`problems`, at validation: a name Windows keeps for a device (« CON »,
« NUL », « COM1 »…, which neither Windows nor an SMB share can hold as a file), and two
conventions whose references would give the same name (« CD71/01 » and « CD71-01 »,
or names that differ only by case, which Windows and macOS do not tell apart).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from iscg_docs.errors import Problem, format_path
from iscg_docs.model.records import Convention, Framework

__all__ = ["RESERVED", "file_stem", "problems", "reserved"]

#: Names Windows keeps for devices, whatever their case and extension.
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10))}
)

#: Anything a file name should not hold.
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def file_stem(convention: Convention) -> str:
    """A safe file name (without extension) for the convention: "CD71-ISCG-2021-01".

    Accents are dropped, anything but ASCII letters, digits, "-" and "_" becomes "-";
    an empty result falls back to the territory, then to "convention".

    Args:
        convention: the convention.

    Returns:
        At most 100 characters from ``[A-Za-z0-9_-]``, never empty.
    """
    for source in (convention.reference, convention.territory):
        ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode("ascii")
        stem = _UNSAFE.sub("-", ascii_text).strip("-_")[:100].strip("-_")
        if stem:
            return stem
    return "convention"


def reserved(name: str) -> str | None:
    """The device name Windows keeps that ``name`` would stand for, if any: « NUL » for
    « nul », « COM1 » for « Com1.txt », « LPT1 » for « LPT¹ »."""
    base = unicodedata.normalize("NFKC", name).split(".")[0].strip(" .").upper()
    return base if base in RESERVED else None


def problems(framework: Framework) -> Iterator[Problem]:
    """A reference that names a device, or whose file name another convention has.

    Two conventions with the same reference are already reported as such
    (``duplicate-reference``): their shared file name is not reported again.
    """
    first: dict[str, int] = {}
    for i, convention in enumerate(framework.conventions):
        path = format_path(("conventions", i, "reference"))
        stem = file_stem(convention)
        device = reserved(convention.reference) or reserved(stem)
        if device:
            yield Problem(
                "reserved-name",
                path,
                f"la référence « {convention.reference} » ne peut pas nommer un fichier : "
                f"« {device} » est un nom que Windows réserve à un périphérique (comme CON, "
                "PRN, AUX, NUL, COM1 à COM9 et LPT1 à LPT9), qu'aucun poste Windows ni "
                "dossier partagé ne peut enregistrer ; choisissez une autre référence.",
            )
        other = first.setdefault(stem.casefold(), i)
        if other != i and framework.conventions[other].reference != convention.reference:
            yield Problem(
                "file-name-clash",
                path,
                f"la référence « {convention.reference} » donnerait le fichier « {stem}.docx », "
                f"déjà celui de la convention « {framework.conventions[other].reference} » "
                f"(conventions[{other}]) : un nom de fichier ne garde que les lettres sans "
                "accent, les chiffres, « - » et « _ », sans distinguer majuscules et "
                "minuscules ; choisissez des références qui diffèrent autrement.",
            )
