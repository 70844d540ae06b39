"""What a convention's file says about itself: core document properties and a file name."""

from __future__ import annotations

from iscg_docs.convention.wording import convention_title
from iscg_docs.french.dates import long_date
from iscg_docs.french.parties import noun_phrase
from iscg_docs.french.text import NBSP, capitalize
from iscg_docs.model.file_names import amendment_stem, file_stem
from iscg_docs.model.records import Avenant, Convention, Framework

__all__ = [
    "avenant_file_stem",
    "avenant_properties",
    "comparison_file_stem",
    "consolidated_file_stem",
    "consolidated_properties",
    "document_properties",
    "file_stem",
]

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


def consolidated_properties(framework: Framework, state: Convention, number: int) -> dict[str, str]:
    """The core properties of the convention consolidated after avenant ``number``.

    Args:
        framework: the framework.
        state: the convention as amended (:meth:`Convention.state_after`).
        number: the last avenant taken into account.
    """
    properties = document_properties(framework, state)
    properties["title"] += f" – version consolidée après l’avenant n°{NBSP}{number}"
    return properties


def avenant_properties(framework: Framework, state: Convention, avenant: Avenant) -> dict[str, str]:
    """The core properties of an avenant's document.

    Args:
        framework: the framework, whose Département is the author.
        state: the convention as the avenant leaves it.
        avenant: the avenant.
    """
    properties = document_properties(framework, state)
    properties["title"] = (
        f"Avenant n°{NBSP}{avenant.number} à la convention n°{NBSP}{state.reference}"
    )
    properties["subject"] = f"{capitalize(avenant.object)} ({state.territory})"
    return properties


def avenant_file_stem(convention: Convention, number: int) -> str:
    """The file name (without extension) of avenant ``number``: "CD71-ISCG-2021-03-avenant-1"."""
    return amendment_stem(convention, "avenant", number)


def consolidated_file_stem(convention: Convention, number: int) -> str:
    """The file name (without extension) of the convention consolidated after avenant
    ``number``: "CD71-ISCG-2021-03-consolidee-1"."""
    return amendment_stem(convention, "consolidee", number)


def comparison_file_stem(convention: Convention, number: int) -> str:
    """The file name (without extension) of the consolidated convention after avenant
    ``number`` with its changes as tracked changes: "CD71-ISCG-2021-03-comparaison-1"."""
    return amendment_stem(convention, "comparaison", number)
