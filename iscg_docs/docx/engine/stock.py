"""What the compiled engine borrows from stock docxtpl: its rewriting, and its fallback."""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import jinja2
from docxtpl import DocxTemplate, InlineImage, RichText, RichTextParagraph

from iscg_docs.docx.engine import direct as _direct
from iscg_docs.docx.engine.superscript import superscripts
from iscg_docs.docx.package import compress, write_zip

try:  # docxtpl only exposes Subdoc when docxcompose is installed
    from docxtpl import Subdoc
except ImportError:  # pragma: no cover - docxcompose is a docxtpl dependency
    Subdoc = None

__all__ = [
    "Capture",
    "Part",
    "Replay",
    "bound_template",
    "effective_env",
    "render_part",
    "render_stock",
    "scratch",
    "stock_reason",
]

# The only characters docxtpl's resolve_listing rewrites.
_LISTING_CHARACTER = re.compile(r"[\t\a\n\f]")
# The members a rendering writes (the compiled engine's): where superscripts are written.
_RENDERED = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml")
_LEAVES = frozenset({str, bytes, int, float, bool, decimal.Decimal})


class Part(NamedTuple):
    """A templated XML part: its member name, patched source and compiled template.

    ``patched`` is what stock hands to ``render_xml_part``; ``source`` is what that
    method then compiles; ``direct`` is what writing it without lxml needs
    (:mod:`iscg_docs.docx.engine.direct`), and ``reason`` why it cannot be.
    """

    membername: str
    partname: Any
    content_type: str
    encoding: str
    patched: str
    source: str
    template: jinja2.Template
    rel_ids: frozenset[str]
    direct: _direct.Direct | None
    reason: str  # why the part goes through lxml when ``direct`` is None


class Capture:
    """Stand-in Jinja environment that records the source docxtpl would compile.

    Passed to ``DocxTemplate.render_xml_part`` at compile time so that the exact string
    stock docxtpl hands to ``from_string`` (after its own last-minute rewrites) is the
    one compiled, without copying any of docxtpl's rewriting code.
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self.source = ""
        self.template: jinja2.Template | None = None

    def from_string(self, source: str) -> _Silent:
        self.source = source
        self.template = self._env.from_string(source)
        return _Silent()


class _Silent:
    """Template stand-in whose rendering yields nothing (compile-time dry run)."""

    def render(self, context: Mapping[str, Any]) -> str:
        return ""


class Replay:
    """Stand-in Jinja environment returning an already compiled template.

    Lets the render path go through ``DocxTemplate.render_xml_part`` unchanged, so the
    post-rendering steps (paragraph joins, ``{_{`` unescaping, listings, error context)
    are docxtpl's own.
    """

    def __init__(self, template: jinja2.Template) -> None:
        self._template = template

    def from_string(self, source: str) -> jinja2.Template:
        return self._template


def effective_env(env: jinja2.Environment | None, autoescape: bool) -> jinja2.Environment:
    """The environment stock docxtpl ends up compiling with, without mutating ``env``."""
    if env is None:
        # Stock uses Template() (the default environment) for parts and Environment()
        # for properties and footnotes; both compile alike.
        return jinja2.Environment(autoescape=autoescape)
    if autoescape and env.autoescape is not True:
        return env.overlay(autoescape=True)
    return env


class _Scratch(DocxTemplate):  # type: ignore[misc]
    """A DocxTemplate whose listing pass skips parts that hold no listing character."""

    trusted = False

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's ``resolve_listing``, skipped when it cannot change anything.

        Its three nested regex passes only ever rewrite a tab, ``\\a``, newline or form
        feed inside ``<w:t>``; without any of them it returns its input unchanged, yet
        costs ten times the Jinja rendering of the bundled template's body. A part
        rendered directly (``trusted``) holds none unless a value was flagged.
        """
        if (self.trusted and not _direct.was_flagged()) or _LISTING_CHARACTER.search(xml) is None:
            return xml
        result: str = super().resolve_listing(xml)
        return result


def scratch() -> Any:
    """A DocxTemplate holding only the per-render state render_init() would set."""
    tpl = _Scratch(io.BytesIO())
    tpl.docx_ids_index = 1000
    tpl.current_rendering_part = None
    return tpl


def render_part(scratch: Any, part: Part, context: Mapping[str, Any]) -> str:
    """What ``render_xml_part`` gives with the part's compiled template, as stock renders it.

    The method rewrites its source before compiling it, and quotes it only in the
    ``docx_context`` of an error that has a line number; the compiled template makes the
    source unneeded, and rewriting the body's each time cost twice its Jinja rendering.
    So the source is handed over only to render such a failure again, for the
    ``docx_context`` stock would give.
    """
    scratch.trusted = part.direct is not None
    scratch.current_rendering_part = None
    _direct.reset()
    try:
        rendered = part.template.render(context)
    except jinja2.TemplateError as error:
        if getattr(error, "lineno", None) is not None:
            try:
                scratch.render_xml_part(part.patched, None, context, Replay(part.template))
            except jinja2.TemplateError as again:
                if hasattr(again, "docx_context"):
                    error.docx_context = again.docx_context  # type: ignore[attr-defined]
        raise
    return _after_rendering(scratch, rendered)


def _after_rendering(scratch: Any, xml: str) -> str:
    """What ``render_xml_part`` does to the text Jinja rendered, to the same characters.

    Stock removes the newline it put before each paragraph with ``re.sub(r"\\n<w:p([ >])",
    r"<w:p\\1", ...)``; two ``str.replace`` give the same text (neither pattern can
    overlap itself, the other, or what either writes) in half the time: the regex calls
    a Python function per paragraph to expand its replacement.
    """
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    result: str = scratch.resolve_listing(xml)
    return result


def stock_reason(context: Mapping[str, Any]) -> str | None:
    """Why only stock docxtpl can render ``context``, or None.

    The context is walked through mappings, lists, tuples, sets, dataclasses and attrs
    instances; objects reached otherwise are not inspected.
    """
    for value in _walk(context):
        if isinstance(value, InlineImage):
            return "InlineImage adds an image part and relationship to the package"
        if Subdoc is not None and isinstance(value, Subdoc):
            return "Subdoc merges styles, numbering and media into the package"
        if isinstance(value, RichText | RichTextParagraph) and "<w:hyperlink" in value.xml:
            return "RichText hyperlink refers to a relationship added by build_url_id"
    return None


def bound_template(context: Mapping[str, Any], source: bytes) -> Any:
    """The DocxTemplate the context's images and sub-documents are bound to, or a fresh one.

    Raises:
        ValueError: objects are bound to several DocxTemplate objects, or to one made
            from another template than ``source``.
    """
    bound = {
        id(value.tpl): value.tpl
        for value in _walk(context)
        if isinstance(value, InlineImage) or (Subdoc is not None and isinstance(value, Subdoc))
    }
    if len(bound) > 1:
        raise ValueError("context objects are bound to several DocxTemplate objects")
    if not bound:
        return DocxTemplate(io.BytesIO(source))
    tpl = next(iter(bound.values()))
    if _digest(tpl.template_file) != hashlib.sha256(source).digest():
        raise ValueError("context objects are bound to a DocxTemplate of another template")
    return tpl


def _digest(template_file: Any) -> bytes | None:
    """The SHA-256 of what a DocxTemplate was made from: a path or an in-memory file."""
    if isinstance(template_file, str | os.PathLike):
        with open(template_file, "rb") as stream:
            return hashlib.sha256(stream.read()).digest()
    if isinstance(template_file, io.BytesIO):
        return hashlib.sha256(template_file.getvalue()).digest()
    return None


def render_stock(
    tpl: Any, context: Mapping[str, Any], env: jinja2.Environment, replace: Mapping[str, bytes]
) -> bytes:
    """Render with stock docxtpl and write the result through the one zip writer."""
    # The effective environment already carries autoescape, so stock never mutates
    # the caller's environment.
    tpl.render(dict(context), env, autoescape=False)
    buffer = io.BytesIO()
    tpl.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        members = tuple(
            compress(i.filename, _raised(i.filename, package.read(i))) for i in package.infolist()
        )
    return write_zip(members, replace)


def _raised(name: str, data: bytes) -> bytes:
    """A member with its superscripts written, if it is one the compiled engine renders."""
    return superscripts(data) if _RENDERED.fullmatch(name) else data


def _walk(root: object) -> Iterator[object]:
    """Yield every value reachable from ``root`` through containers and records."""
    stack: list[object] = [root]
    seen: set[int] = set()
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind in _LEAVES or value is None or id(value) in seen:
            continue
        seen.add(id(value))
        yield value
        if isinstance(value, Mapping):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend(value)
        elif (fields := getattr(kind, "__attrs_attrs__", None)) is not None:
            stack.extend(getattr(value, field.name) for field in fields)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(getattr(value, field.name) for field in dataclasses.fields(value))
