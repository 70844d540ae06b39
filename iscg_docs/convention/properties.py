"""What a convention's file says about itself: core document properties and a file name."""

from __future__ import annotations

from iscg_docs.convention.wording import convention_title
from iscg_docs.french.dates import long_date
from iscg_docs.french.parties import noun_phrase
from iscg_docs.french.text import capitalize
from iscg_docs.model.file_names import file_stem
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
