"""Avenants in a batch: each avenant, the convention consolidated after it, and the two
states compared with tracked changes, written beside the convention they amend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from iscg_docs.model.records import Framework
from iscg_docs.output.manifest import sha256

if TYPE_CHECKING:
    from iscg_docs.convention.render import ConventionRenderer

__all__ = ["KINDS", "Amendment", "render_amendments"]

#: What each avenant brings into the folder, in the order they are written.
KINDS = ("avenant", "consolidee", "comparaison")


@frozen
class Amendment:
    """One document an avenant brings, rendered and ready to write.

    Attributes:
        index: the convention's index in the framework.
        reference: the convention's reference.
        number: the avenant's number.
        kind: ``avenant``, ``consolidee`` (the convention as amended) or ``comparaison``
            (the consolidated convention with the changes as tracked changes).
        file: its file name, which sorts after the convention's.
        data: its .docx bytes.
        amends_sha256: the SHA-256 of the document the avenant amends, as rendered (the
            convention as signed, or the version consolidated after the avenant before).
    """

    index: int
    reference: str
    number: int
    kind: str
    file: str
    data: bytes
    amends_sha256: str


def render_amendments(
    framework: Framework,
    selected: Sequence[int],
    renderer: ConventionRenderer,
    *,
    draft: bool = False,
) -> list[Amendment]:
    """Render every avenant of the selected conventions, with its consolidated version and
    its comparison, in the framework's order.

    Raises:
        TemplateError: a template cannot be used.
    """
    from iscg_docs.convention.avenant import AvenantRenderer
    from iscg_docs.convention.properties import (
        avenant_file_stem,
        comparison_file_stem,
        consolidated_file_stem,
    )
    from iscg_docs.docx.compare import compare

    stems = (avenant_file_stem, consolidated_file_stem, comparison_file_stem)

    found: list[Amendment] = []
    if not any(framework.conventions[i].avenants for i in selected):
        return found  # the avenant template is not compiled for nothing
    avenants = AvenantRenderer(convention=renderer)
    for i in selected:
        convention = framework.conventions[i]
        for number in range(1, len(convention.avenants) + 1):
            previous = avenants.render_previous(framework, convention, number, draft=draft)
            avenant, consolidated = avenants.render_both(framework, convention, number, draft=draft)
            documents = (avenant, consolidated, compare(previous, consolidated))
            found += [
                Amendment(
                    i,
                    convention.reference,
                    number,
                    kind,
                    stem(convention, number) + ".docx",
                    data,
                    sha256(previous),
                )
                for kind, stem, data in zip(KINDS, stems, documents, strict=True)
            ]
    return found
