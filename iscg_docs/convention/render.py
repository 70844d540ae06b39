"""A convention rendered into .docx bytes: the convention's context, template and filters
handed to the .docx engine.

:class:`ConventionRenderer` is the engine's :class:`~iscg_docs.docx.renderer.Renderer`
with the convention's defaults (the bundled template, the French filters) and one more
method, :meth:`~ConventionRenderer.render_convention`. It subclasses the engine's
renderer rather than wrapping it, so that it is one: ``render`` with any context,
``source``, ``template_name`` and pickling behave the same, and code written for the
engine's renderer takes it unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iscg_docs._resources import bundled_file
from iscg_docs.convention.context import CATALOGUE, build_context
from iscg_docs.convention.properties import document_properties
from iscg_docs.docx.lint import Checked, Vocabulary, check
from iscg_docs.docx.renderer import Renderer
from iscg_docs.french import FILTERS
from iscg_docs.french.text import superscript_ordinals

if TYPE_CHECKING:
    from iscg_docs.model.records import Convention, Framework

__all__ = [
    "TEMPLATE_NAME",
    "ConventionRenderer",
    "FrenchRenderer",
    "check_template",
    "default_template",
    "render_convention",
    "superscripted",
    "vocabulary",
]

#: File name of the framework template, at the repository root and in the package.
TEMPLATE_NAME = "convention_cadre.docx"


def default_template() -> Path:
    """The bundled framework template (see :func:`~iscg_docs._resources.bundled_file`).

    Raises:
        FileNotFoundError: neither place has it (a broken installation).
    """
    found = bundled_file("templates", TEMPLATE_NAME)
    if found is None:
        raise FileNotFoundError(f"bundled template {TEMPLATE_NAME} not found; reinstall iscg-docs")
    return found


_MAYBE_ORDINAL = re.compile(r"\d[er]").search


def superscripted(value: Any) -> Any:
    """A context (or any value in it) copied, the ordinals of every text marked as superscripts
    (:func:`~iscg_docs.french.text.superscript_ordinals`)."""
    kind = type(value)
    if kind is str:
        # Most texts hold no ordinal: one C-level search rules them out.
        return superscript_ordinals(value) if _MAYBE_ORDINAL(value) else value
    if kind is dict:
        return {key: superscripted(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [superscripted(item) for item in value]
    return value


class _Raised:
    """A French filter whose text comes out with its ordinals marked as superscripts.

    A class, not a closure, so that a renderer's environment still pickles.
    """

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.__wrapped__ = function  # inspect.unwrap and the docs find the filter

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.function(*args, **kwargs)
        return superscript_ordinals(result) if isinstance(result, str) else result


#: The French filters as a template calls them: their ordinals in superscript.
_DOCUMENT_FILTERS = {name: _Raised(function) for name, function in FILTERS.items()}


class FrenchRenderer(Renderer):
    """The engine's renderer with the French filters, writing ordinals as French prints
    them: "1er", "1re", "2e" with their suffix in superscript, in the context's texts
    and the filters' results alike.

    Raises:
        TemplateError: the template cannot be read or has a Jinja syntax error.
    """

    def __init__(
        self, template: str | os.PathLike[str] | bytes, *, name: str | None = None
    ) -> None:
        super().__init__(template, filters=_DOCUMENT_FILTERS, name=name)

    def render(
        self, context: Mapping[str, Any], *, properties: Mapping[str, str] | None = None
    ) -> bytes:
        """Render one document (see :meth:`Renderer.render`), ordinals in superscript."""
        return super().render(superscripted(context), properties=properties)


class ConventionRenderer(FrenchRenderer):
    """A convention template read and compiled once, rendering any number of conventions.

    Args:
        template: a .docx path or its bytes; the bundled template when omitted.
        name: the template's name in errors; its path when read from one.

    Raises:
        TemplateError: the template cannot be read or has a Jinja syntax error.
    """

    def __init__(
        self, template: str | os.PathLike[str] | bytes | None = None, *, name: str | None = None
    ) -> None:
        source = template if template is not None else default_template()
        super().__init__(source, name=name)

    def render_convention(
        self, framework: Framework, convention: Convention, *, draft: bool = False
    ) -> bytes:
        """Render one convention of ``framework`` (assumed valid) into .docx bytes.

        Args:
            framework: the framework the convention falls under.
            convention: the convention.
            draft: mark every page "PROJET" and leave the signature date blank.
        """
        return self.render(
            build_context(framework, convention, draft=draft),
            properties=document_properties(framework, convention),
        )


def render_convention(
    framework: Framework,
    convention: Convention,
    *,
    template: str | os.PathLike[str] | bytes | None = None,
    draft: bool = False,
) -> bytes:
    """Render one convention into .docx bytes (for many, build one :class:`ConventionRenderer`).

    Args:
        framework: a validated framework.
        convention: one of its conventions.
        template: another .docx template; the bundled one by default.
        draft: mark every page "PROJET" and leave the signature date blank.

    Raises:
        TemplateError: the template cannot be used.
    """
    return ConventionRenderer(template).render_convention(framework, convention, draft=draft)


def vocabulary() -> Vocabulary:
    """What a convention template may use: the catalogue's names and the French filters."""
    return Vocabulary(
        names=CATALOGUE,
        filters=FILTERS,
        data="les données de la convention",
        listing="iscg-docs variables",
    )


def check_template(source: str | os.PathLike[str] | bytes) -> Checked[ConventionRenderer]:
    """Lint a convention template and, when it has no error, compile it once for rendering.

    Args:
        source: a .docx path or its bytes.

    Returns:
        The findings (:func:`iscg_docs.docx.lint.lint`) and, without errors, the
        renderer to render with.

    Raises:
        TemplateError: the file cannot be read or is not a Word document.
    """
    return check(source, vocabulary(), compile=ConventionRenderer)
