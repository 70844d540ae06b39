"""Check a Word template before a batch run, and say in French what is wrong and where.

The document is read as Word shows it (the text of each paragraph, in the body, table
cells, headers, footers, footnotes and core properties) and as docxtpl will see it (each
paragraph patched by ``DocxTemplate.patch_xml``). The tags of each part are then laid
out one per line and parsed by the same sandboxed Jinja environment that renders, so a
syntax error, a variable or a filter is placed on the tag, hence on its paragraph. Names
and filters are checked against the :class:`Vocabulary` the caller hands in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from attrs import frozen

from iscg_docs.docx.lint.checks import Linter
from iscg_docs.docx.lint.document import parts, read
from iscg_docs.docx.lint.findings import ERROR, MAPPING, NOTE, Finding, Variable, Vocabulary
from iscg_docs.docx.renderer import Renderer
from iscg_docs.errors import TemplateError

__all__ = [
    "ERROR",
    "MAPPING",
    "NOTE",
    "Checked",
    "Finding",
    "Variable",
    "Vocabulary",
    "check",
    "format_report",
    "lint",
]

R = TypeVar("R", bound=Renderer)


@frozen
class Checked(Generic[R]):
    """What :func:`check` found in a template, and the template compiled if it can be.

    Attributes:
        findings: errors first then notes, each group in document order.
        used: the vocabulary's names the template uses (``posts[].site`` for
            ``post.site`` in a loop over ``posts``).
        renderer: the template compiled, when the lint found no error; None otherwise.
    """

    findings: list[Finding]
    used: frozenset[str]
    renderer: R | None


def check(
    source: str | os.PathLike[str] | bytes, vocabulary: Vocabulary, compile: Callable[..., R]
) -> Checked[R]:
    """Check a template against ``vocabulary``: every error and note, each once, at its place.

    Args:
        source: a .docx path or its bytes.
        vocabulary: the names and filters the template may use.
        compile: builds the renderer, as ``compile(data, name=name)``: the lint
            compiles the template with it once no error is found (the lint reads tags in
            text; docxtpl also compiles what hides elsewhere, in attributes or deleted
            text, so a clean lint must mean a template that compiles), and hands it back.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """
    name, data, document = read(source)
    linter = Linter(vocabulary)
    for part in parts(document):
        linter.part(part)
    renderer = None
    if not any(f.severity == ERROR for f in linter.findings):
        try:
            renderer = compile(data, name=name)
        except TemplateError as e:
            linter.add(ERROR, "compilation", e.message, e.where or "modèle")
    linter.unused()
    errors = [f for f in linter.findings if f.severity == ERROR]
    findings = errors + [f for f in linter.findings if f.severity != ERROR]
    return Checked(findings, frozenset(linter.used), renderer)


def lint(source: str | os.PathLike[str] | bytes, vocabulary: Vocabulary) -> list[Finding]:
    """Check a template against ``vocabulary`` (see :func:`check`).

    Returns:
        Errors first then notes, each group in document order.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """

    def compile(data: bytes, *, name: str) -> Renderer:
        return Renderer(data, filters=vocabulary.filters, name=name)

    return check(source, vocabulary, compile).findings


def format_report(findings: Sequence[Finding], *, name: str = "") -> str:
    """The findings as a jurist reads them, with a closing count.

    Args:
        findings: from :func:`lint`.
        name: the template's file name, for the heading.
    """
    errors = sum(f.severity == ERROR for f in findings)
    notes = len(findings) - errors
    lines = [str(f) for f in findings]
    head = f"{name} : " if name else ""
    count = f"{errors} erreur{'s' if errors > 1 else ''}, {notes} note{'s' if notes > 1 else ''}"
    verdict = "modèle utilisable" if not errors else "modèle à corriger avant toute génération"
    return "\n".join([*lines, f"{head}{count} — {verdict}."]) + "\n"
