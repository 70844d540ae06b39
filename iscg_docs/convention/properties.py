"""What a convention's file says about itself: core document properties and a file name."""

from __future__ import annotations

import re
import unicodedata

from iscg_docs.convention.wording import convention_title
from iscg_docs.french.dates import long_date
from iscg_docs.french.parties import noun_phrase
from iscg_docs.french.text import capitalize
from iscg_docs.model.records import Convention, Framework

__all__ = ["document_properties", "file_stem"]

#: Words a search in a document store should find the convention by.
_KEYWORDS = (
    "ISCG",
    "intervenant social",
    "commissariat",
    "gendarmerie",
    "violences intrafamiliales",
)

#: Anything a file name should not hold.
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def document_properties(framework: Framework, convention: Convention) -> dict[str, str]:
    """The core properties of the rendered document (title, subject, author…).

    Args:
        framework: the framework, whose Département is the author.
        convention: the convention.

    Returns:
        Plain-text values for the ``properties`` of :meth:`iscg_docs.docx.renderer.Renderer.render`.
    """
    departement = framework.party(framework.departement)
    return {
        "title": convention_title(convention),
        "subject": f"Convention {convention.reference} ({convention.territory}), "
        f"sous la convention cadre approuvée le {long_date(framework.approved_on)}",
        "author": capitalize(noun_phrase(departement)),
        "keywords": "; ".join((*_KEYWORDS, convention.reference, convention.territory)),
        "language": "fr-FR",
    }


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
