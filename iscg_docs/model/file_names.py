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

__all__ = ["AMENDMENT_KINDS", "RESERVED", "amendment_stem", "file_stem", "problems", "reserved"]

#: Names Windows keeps for devices, whatever their case and extension.
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10))}
)

#: The documents an avenant gives, by the word its file name carries after the
#: convention's: the avenant itself, the convention consolidated after it, and that
#: consolidated text with the avenant's changes as tracked changes.
AMENDMENT_KINDS = ("avenant", "consolidee", "comparaison")

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


def amendment_stem(convention: Convention, kind: str, number: int) -> str:
    """The file name (without extension) of one of avenant ``number``'s documents:
    "CD71-ISCG-2021-03-avenant-1", "…-consolidee-1", "…-comparaison-1".

    It starts with :func:`file_stem`, so a convention's files sort together.
    """
    if kind not in AMENDMENT_KINDS:
        raise ValueError(f"unknown amendment document {kind!r}")
    return f"{file_stem(convention)}-{kind}-{number}"


def reserved(name: str) -> str | None:
    """The device name Windows keeps that ``name`` would stand for, if any: « NUL » for
    « nul », « COM1 » for « Com1.txt », « LPT1 » for « LPT¹ »."""
    base = unicodedata.normalize("NFKC", name).split(".")[0].strip(" .").upper()
    return base if base in RESERVED else None


def problems(framework: Framework) -> Iterator[Problem]:
    """A reference that names a device, or whose file name another convention has.

    Two conventions with the same reference are already reported as such
    (``duplicate-reference``): their shared file name is not reported again. A
    convention's file name may also be one of another convention's avenant documents
    (« CD71-03-avenant-1 » beside « CD71-03 » and its avenant n° 1).
    """
    yield from _reference_problems(framework)
    yield from _amendment_clashes(framework)


def _reference_problems(framework: Framework) -> Iterator[Problem]:
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


def _amendment_clashes(framework: Framework) -> Iterator[Problem]:
    """A convention whose file name is that of an avenant document of another one.

    Only a convention's own name can meet an avenant document's: two avenant documents'
    names, read from the right (number, kind, then the convention's name), are equal
    only when their conventions' names are.
    """
    stems: dict[str, int] = {}
    for k, convention in enumerate(framework.conventions):
        stems.setdefault(file_stem(convention).casefold(), k)
    for j, convention in enumerate(framework.conventions):
        for avenant in convention.avenants:
            for kind in AMENDMENT_KINDS:
                stem = amendment_stem(convention, kind, avenant.number)
                i = stems.get(stem.casefold())
                if i is None or i == j:
                    continue
                other = framework.conventions[i]
                yield Problem(
                    "file-name-clash",
                    format_path(("conventions", i, "reference")),
                    f"la référence « {other.reference} » donnerait le fichier « {stem}.docx », "
                    f"déjà celui d'un document de l'avenant n° {avenant.number} à la "
                    f"convention « {convention.reference} » (conventions[{j}]) ; choisissez "
                    "une autre référence.",
                )
