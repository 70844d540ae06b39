"""Compiled docxtpl engine: patch and compile a template once, render it many times."""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import io
import logging
import os
import re
import struct
import time
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import jinja2
from docx.opc.constants import CONTENT_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import XmlPart
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate, InlineImage, RichText, RichTextParagraph
from isal import isal_zlib
from lxml import etree

from iscg_docs.docx.engine import direct as _direct

try:  # docxtpl only exposes Subdoc when docxcompose is installed
    from docxtpl import Subdoc
except ImportError:  # pragma: no cover - docxcompose is a docxtpl dependency
    Subdoc = None

__all__ = ["CompiledTemplate"]

logger = logging.getLogger("iscg_docs.docx.renderer")

# The core properties docxtpl 0.20.2 renders (DocxTemplate.render_properties).
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES_CONTENT_TYPE = CONTENT_TYPE.WML_FOOTNOTES
# Relationship references a rendered part may carry; an unknown one means rendering
# needed a relationship that only a stock DocxTemplate can add.
# No word boundary in the pattern: it would make the scan 20 times slower, and a false
# match only costs a needless (still correct) fallback.
_REL_REFERENCE = re.compile(r'r:(?:id|embed|link|pict)="([^"]*)"')
_DANGLING = "rendering referenced a relationship the package lacks (hyperlink or image?)"
# Loading a part needs no package; python-docx types the argument as required.
_NO_PACKAGE: Any = None
_FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
# Rendered members are deflated with ISA-L (isal) at its fastest level: 20 times faster
# than zlib's default level, which took as long as a third of rendering the body, for
# members a quarter larger (1.5 kB of a 43 kB document). Members the template holds
# unchanged keep the compression python-docx gave them.
_LEVEL = 0
_ZIP_LIMIT = 0xFFFFFFFF
# python-docx refuses to set a longer core property (CT_CoreProperties._set_element_text).
_CORE_TEXT_LIMIT = 255


class _Member(NamedTuple):
    """A zip member kept in compressed form: what the central directory needs."""

    name: str
    method: int
    crc: int
    compressed: bytes
    size: int


class _Part(NamedTuple):
    """A templated XML part: its member name, patched source and compiled template.

    ``patched`` is what stock hands to ``render_xml_part``; ``source`` is what that
    method then compiles.
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


class _Capture:
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


class _Replay:
    """Stand-in Jinja environment returning an already compiled template.

    Lets the render path go through ``DocxTemplate.render_xml_part`` unchanged, so the
    post-rendering steps (paragraph joins, ``{_{`` unescaping, listings, error context)
    are docxtpl's own.
    """

    def __init__(self, template: jinja2.Template) -> None:
        self._template = template

    def from_string(self, source: str) -> jinja2.Template:
        return self._template


class CompiledTemplate:
    """A .docx template read, patched and compiled once, rendered like stock docxtpl.

    The output of :meth:`render` equals ``DocxTemplate.render`` followed by
    ``DocxTemplate.save`` (every zip member, after decompression), for the same
    template, context and Jinja environment. Contexts the engine cannot render alone
    (images, sub-documents, hyperlinks: anything that adds relationships or media to
    the package) fall back to stock docxtpl, logged at DEBUG on ``iscg_docs.docx.renderer``.

    Thread safety: an instance holds no mutable state after construction; each render
    works on its own objects, and compiled Jinja templates are safe to render
    concurrently, so one instance may serve many threads. The one piece of state a
    render leaves behind, whether a part met a value that sends it through lxml
    (:mod:`iscg_docs.docx.engine.direct`), is kept per thread and reset before each part.

    Processes: an instance pickles as its source bytes, its Jinja environment and its
    autoescape flag, and recompiles on unpickling (about the cost of one stock render).
    This needs the environment to pickle; one holding lambdas or other unpicklable
    filters does not, and each worker process should then build its own instance.

    Unlike stock ``DocxTemplate.render(..., autoescape=True)``, the caller's environment
    is never mutated: autoescaping is switched on in an overlay of it. A template without
    ``docProps/core.xml`` gets python-docx's default one, stamped ``dcterms:modified``
    when compiled rather than when rendered.
    """

    def __init__(
        self,
        source: str | os.PathLike[str] | bytes,
        jinja_env: jinja2.Environment | None = None,
        *,
        autoescape: bool = False,
    ) -> None:
        """Read the template once, apply docxtpl's patching and compile every part.

        Args:
            source: Path of the .docx template, or its content.
            jinja_env: Environment to compile with, as given to ``DocxTemplate.render``;
                configure it (filters, globals) before compiling.
            autoescape: docxtpl's ``autoescape`` flag: escape rendered values even if
                ``jinja_env`` does not.

        Raises:
            OSError: The template file cannot be read.
            jinja2.TemplateSyntaxError: A part of the template is not valid Jinja;
                as with stock docxtpl, it carries ``docx_context``.
            zipfile.BadZipFile: The source is not a .docx package.
        """
        if isinstance(source, bytes):
            data = source
        else:
            with open(source, "rb") as stream:
                data = stream.read()
        self._source = data
        self._jinja_env = jinja_env
        self._autoescape = autoescape
        self._fingerprint = hashlib.sha256(data).hexdigest()
        self._env = _effective_env(jinja_env, autoescape)
        self._compile()

    # -- construction -----------------------------------------------------------------

    def _compile(self) -> None:
        """Load the package once, capture every part's Jinja source and the baseline."""
        tpl = DocxTemplate(io.BytesIO(self._source))
        tpl.render_init()
        document = tpl.docx
        main_part = document.part
        main_rel_ids = frozenset(main_part.rels)

        # Body: stock renders get_xml() (the w:body element) and puts the result back
        # in the document element; keep that element with an empty body to put it in.
        self._body = self._compile_part(
            tpl,
            main_part,
            tpl.get_xml(),
            "utf-8",
            main_rel_ids,
            main_part.content_type,
            body=True,
        )
        root = parse_xml(serialize_part_xml(document.element))
        root.body.clear()
        self._skeleton: bytes = serialize_part_xml(root)
        self._body_frame = (
            None if self._body.direct is None else _body_frame(self._skeleton, self._body.direct)
        )
        if self._body.direct is not None and self._body_frame is None:
            logger.debug("the body goes through lxml when rendered: its frame differs")
        # What python-docx writes before a part's root element.
        self._declaration = serialize_part_xml(etree.Element("x")).partition(b"<x")[0]

        self._headers_footers: list[_Part] = []
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _rel_key, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                encoding = tpl.get_headers_footers_encoding(xml)
                self._headers_footers.append(
                    self._compile_part(
                        tpl,
                        part,
                        xml,
                        encoding,
                        frozenset(part.rels),
                        part.content_type,
                        body=False,
                    )
                )

        self._footnotes: list[_Part] = []
        for part in document.part.package.parts:
            if part.content_type == _FOOTNOTES_CONTENT_TYPE:
                blob = part.blob
                xml = blob.decode("utf-8") if isinstance(blob, bytes) else blob
                self._footnotes.append(
                    self._compile_part(
                        tpl,
                        part,
                        xml,
                        "utf-8",
                        frozenset(part.rels),
                        part.content_type,
                        body="stock writes footnotes as rendered",
                    )
                )

        # Core properties: accessing them creates the part when missing, as stock
        # render_properties does, so the baseline package below has the same members.
        core_properties = document.core_properties
        core_part = document.part.package._core_properties_part
        self._core_membername: str = core_part.partname.membername
        self._core_partname = core_part.partname
        self._core_content_type: str = core_part.content_type
        self._core_blob: bytes = core_part.blob
        sources = {name: getattr(core_properties, name) for name in _CORE_PROPERTIES}
        self._core_templates: tuple[tuple[str, jinja2.Template], ...] = tuple(
            (name, self._env.from_string(source)) for name, source in sources.items()
        )
        # The templates that can fail: a property without Jinja tags renders its text.
        self._core_checks = tuple(
            template
            for name, template in self._core_templates
            if any(kind != "data" for _, kind, _ in self._env.lex(sources[name]))
            or len(template.render()) > _CORE_TEXT_LIMIT
        )

        # Every other member is what python-docx writes for the unrendered package.
        baseline = io.BytesIO()
        document.save(baseline)
        self._members: tuple[_Member, ...] = tuple(_read_members(baseline.getvalue()))
        self._layout = _layout(self._members, _FIXED_DATE_TIME)
        names = {member.name for member in self._members}
        templated = [self._body.membername, self._core_membername]
        templated += [part.membername for part in self._headers_footers]
        templated += [part.membername for part in self._footnotes]
        missing = sorted(set(templated) - names)
        if missing:  # pragma: no cover - python-docx writes every related part
            raise ValueError(f"templated parts absent from the package: {missing}")

    def _compile_part(
        self,
        tpl: Any,
        part: Any,
        xml: str,
        encoding: str,
        rel_ids: frozenset[str],
        content_type: str,
        *,
        body: bool | str,
    ) -> _Part:
        """Patch ``xml`` as docxtpl does and compile the source it would compile.

        ``body`` tells whether the part is the document's body (which stock runs through
        ``fix_tables``), a header or footer (False), or why the part never goes through
        lxml in stock docxtpl, so that direct serialisation does not apply.
        """
        capture = _Capture(self._env)
        patched = tpl.patch_xml(xml)
        tpl.render_xml_part(patched, part, {}, capture)
        assert capture.template is not None
        # The template itself may hold references; only new ones signal a fallback.
        known = rel_ids | frozenset(_REL_REFERENCE.findall(capture.source))
        membername = part.partname.membername
        if isinstance(body, str):
            direct: _direct.Direct | str = body
        elif encoding.lower() not in ("utf-8", "utf8"):
            direct = f"the part declares the {encoding} encoding"
        else:
            direct = _direct.analyse(self._env, capture.source, blanks_removed=not body, body=body)
        if not isinstance(direct, str):
            direct = _direct.hook(capture.template, direct)
        if isinstance(direct, str):
            logger.debug("%s goes through lxml when rendered: %s", membername, direct)
        return _Part(
            membername=membername,
            partname=part.partname,
            content_type=content_type,
            encoding=encoding,
            patched=patched,
            source=capture.source,
            template=capture.template,
            rel_ids=known,
            direct=None if isinstance(direct, str) else direct,
        )

    # -- pickling -----------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        """Keep what rebuilds the instance: compiled templates do not pickle.

        Returns:
            The source bytes, the caller's Jinja environment and the autoescape flag.
        """
        return {
            "source": self._source,
            "jinja_env": self._jinja_env,
            "autoescape": self._autoescape,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Recompile from the pickled source.

        Args:
            state: What :meth:`__getstate__` returned.
        """
        self.__init__(  # type: ignore[misc]
            state["source"], state["jinja_env"], autoescape=state["autoescape"]
        )

    # -- public API ---------------------------------------------------------------

    @property
    def source(self) -> bytes:
        """The template's .docx content."""
        return self._source

    @property
    def core_member(self) -> tuple[str, bytes]:
        """The zip member name and unrendered content of the core properties part."""
        return self._core_membername, self._core_blob

    def stock_template(self) -> Any:
        """Return a fresh stock ``DocxTemplate`` over this template.

        Build ``InlineImage`` and ``Subdoc`` objects with it, or call its
        ``replace_pic``/``replace_media``/``replace_embedded``/``replace_zipname``/
        ``build_url_id`` methods and pass it to :meth:`render` as ``stock``.

        Returns:
            A ``docxtpl.DocxTemplate`` that :meth:`render` accepts as a fallback.
        """
        tpl = DocxTemplate(io.BytesIO(self._source))
        tpl._iscg_origin = self._fingerprint
        return tpl

    def can_compile(self, context: Mapping[str, Any]) -> str | None:
        """Tell whether the compiled path can render ``context``.

        The context is walked through mappings, lists, tuples, sets, dataclasses and
        attrs instances; objects reached otherwise are not inspected, but a rendering
        that references a relationship the package lacks still falls back.

        Args:
            context: The template context.

        Returns:
            None if the compiled path applies, else why stock docxtpl must render.
        """
        for value in _walk(context):
            if isinstance(value, InlineImage):
                return "InlineImage adds an image part and relationship to the package"
            if Subdoc is not None and isinstance(value, Subdoc):
                return "Subdoc merges styles, numbering and media into the package"
            if isinstance(value, RichText | RichTextParagraph) and "<w:hyperlink" in value.xml:
                return "RichText hyperlink refers to a relationship added by build_url_id"
        return None

    def render(
        self,
        context: Mapping[str, Any],
        *,
        deterministic: bool = True,
        stock: Any = None,
        replace: Mapping[str, bytes] | None = None,
        scan: bool = True,
    ) -> bytes:
        """Render the template with ``context`` into .docx bytes.

        Args:
            context: The template context.
            scan: Look through the context for objects only stock docxtpl renders
                (:meth:`can_compile`). A caller that knows its context holds plain data
                only (text, numbers, lists, mappings) may skip the walk; a rendering that
                references a missing relationship still falls back.
            replace: Members to write instead of what rendering gives, by zip member
                name (e.g. ``docProps/core.xml`` set by the caller); applied to the
                stock fallback too.
            deterministic: Stamp every zip member 1980-01-01 00:00:00, so the same
                context gives byte-identical files; else stamp the current local time.
            stock: A ``DocxTemplate`` from :meth:`stock_template` to render with instead
                (needed after calling its ``replace_*`` or ``build_url_id`` methods).

        Returns:
            The .docx file content.

        Raises:
            jinja2.TemplateError: Rendering failed; carries ``docx_context`` like stock.
            ValueError: A stock template not made by :meth:`stock_template` was given,
                or context objects are bound to several of them.
        """
        date_time = _FIXED_DATE_TIME if deterministic else time.localtime(time.time())[:6]
        if stock is not None:
            logger.debug("stock docxtpl rendering: a stock DocxTemplate was supplied")
            return self._render_stock(context, self._check_stock(stock), date_time, replace or {})
        reason = self.can_compile(context) if scan else None
        if reason is None:
            rendered = self._render_compiled(context, frozenset(replace or ()))
            if isinstance(rendered, str):
                reason = rendered
            else:
                layout = self._layout if date_time == _FIXED_DATE_TIME else None
                return _write_zip(self._members, {**rendered, **(replace or {})}, date_time, layout)
        logger.debug("stock docxtpl rendering: %s", reason)
        return self._render_stock(context, self._bound_template(context), date_time, replace or {})

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, str]:
        """Render only the Jinja stage of each templated XML part.

        This is docxtpl's ``render_xml_part`` output, before table fixing, XML
        re-serialisation and packaging; core properties are left out. In the parts
        written directly (:mod:`iscg_docs.docx.engine.direct`), quotes in values come out as
        characters rather than markupsafe's references: the same XML.

        Args:
            context: The template context.

        Returns:
            Rendered XML text by zip member name.

        Raises:
            jinja2.TemplateError: Rendering failed.
        """
        scratch = _scratch()
        parts = [self._body, *self._headers_footers, *self._footnotes]
        return {part.membername: _render_part(scratch, part, context) for part in parts}

    # -- rendering ----------------------------------------------------------------

    def _render_compiled(
        self, context: Mapping[str, Any], replaced: frozenset[str] = frozenset()
    ) -> dict[str, bytes] | str:
        """Render the templated members, or say why the result cannot be trusted.

        Members in ``replaced`` are rendered only as far as stock could fail on them.
        """
        scratch = _scratch()
        rendered: dict[str, bytes] = {}

        # Body, as DocxTemplate.render: build_xml, fix_tables, fix_docpr_ids, map_tree;
        # or written as rendered when that is provably what those steps would give.
        body_xml = _render_part(scratch, self._body, context)
        root = None
        direct = self._direct_body(body_xml)
        if direct is not None:
            rendered[self._body.membername] = direct
        else:
            if set(_REL_REFERENCE.findall(body_xml)) - self._body.rel_ids:
                return _DANGLING
            tree = scratch.fix_tables(body_xml)
            scratch.fix_docpr_ids(tree)
            root = parse_xml(self._skeleton)
            root.replace(root.body, tree)
            rendered[self._body.membername] = serialize_part_xml(root)

        # Headers and footers: rendered, then reloaded as a new XmlPart (map_headers_footers_xml).
        for part in self._headers_footers:
            xml = _render_part(scratch, part, context)
            if part.direct is not None and not _direct.was_flagged():
                canonical = _direct.canonical(xml.encode("utf-8"), part.direct)
                rendered[part.membername] = self._declaration + canonical
                continue
            if set(_REL_REFERENCE.findall(xml)) - part.rel_ids:
                return _DANGLING
            new_part = XmlPart.load(
                part.partname, part.content_type, xml.encode(part.encoding), _NO_PACKAGE
            )
            rendered[part.membername] = new_part.blob

        # Core properties (render_properties). When the caller replaces the part, only
        # its templates are rendered, for the errors stock would raise: Jinja's, and
        # python-docx's refusal of a text over 255 characters (about 0.3 ms saved).
        if self._core_membername in replaced:
            for template in self._core_checks:
                if len(template.render(context)) > _CORE_TEXT_LIMIT:
                    raise ValueError("exceeded 255 char limit for property")
        else:
            core_part = CorePropertiesPart.load(
                self._core_partname, self._core_content_type, self._core_blob, _NO_PACKAGE
            )
            core_properties = core_part.core_properties
            for name, template in self._core_templates:
                setattr(core_properties, name, template.render(context))
            rendered[self._core_membername] = core_part.blob

        # Footnotes (render_footnotes): stock renders them once per section of the
        # rendered document; passes after the first recompile, as stock does. (A body
        # written directly has as many sections whatever the context.)
        if root is not None:
            passes = len(root.sectPr_lst)
        else:
            assert self._body.direct is not None  # only a direct body leaves no tree
            passes = self._body.direct.sections
        for part in self._footnotes:
            if passes == 0:
                continue
            xml = _render_part(scratch, part, context)
            for _ in range(passes - 1):
                xml = scratch.render_xml_part(scratch.patch_xml(xml), None, context, self._env)
            if set(_REL_REFERENCE.findall(xml)) - part.rel_ids:
                return _DANGLING
            rendered[part.membername] = xml.encode("utf-8")
        return rendered

    def _direct_body(self, xml: str) -> bytes | None:
        """The document part for a body rendered as ``xml``, if it can skip lxml."""
        frame = self._body_frame
        if frame is None or self._body.direct is None or _direct.was_flagged():
            return None
        data = xml.encode("utf-8")
        start, end = len(frame.start), len(data) - len(frame.end)
        if not (data.startswith(frame.start) and data.endswith(frame.end)) or start == end:
            return None  # an empty body is written as an empty-element tag
        direct = self._body.direct
        data = _direct.canonical(data, direct)  # leaves the body's own tags alone
        if direct.grids:
            data = _direct.regrid(data, direct)
        end = len(data) - len(frame.end)
        return b"".join((frame.before, memoryview(data)[start:end], frame.after))

    def _check_stock(self, stock: Any) -> Any:
        """Refuse a DocxTemplate that may hold another template."""
        if getattr(stock, "_iscg_origin", None) != self._fingerprint:
            raise ValueError(
                "the stock DocxTemplate must come from this CompiledTemplate.stock_template()"
            )
        return stock

    def _bound_template(self, context: Mapping[str, Any]) -> Any:
        """The stock template context objects are bound to, or a fresh one."""
        bound = {
            id(value.tpl): value.tpl
            for value in _walk(context)
            if isinstance(value, InlineImage) or (Subdoc is not None and isinstance(value, Subdoc))
        }
        if len(bound) > 1:
            raise ValueError("context objects are bound to several DocxTemplate objects")
        if bound:
            return self._check_stock(next(iter(bound.values())))
        return self.stock_template()

    def _render_stock(
        self,
        context: Mapping[str, Any],
        tpl: Any,
        date_time: tuple[int, ...],
        replace: Mapping[str, bytes],
    ) -> bytes:
        """Render with stock docxtpl and re-zip the result with the requested dates."""
        # The effective environment already carries autoescape, so stock never
        # mutates the caller's environment.
        tpl.render(dict(context), self._env, autoescape=False)
        buffer = io.BytesIO()
        tpl.save(buffer)
        members = []
        with zipfile.ZipFile(buffer) as package:
            for info in package.infolist():
                members.append((info.filename, package.read(info)))
        return _write_zip(
            tuple(_compress(name, data) for name, data in members), replace, date_time
        )


def _effective_env(env: jinja2.Environment | None, autoescape: bool) -> jinja2.Environment:
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


# The only characters docxtpl's resolve_listing rewrites.
_LISTING_CHARACTER = re.compile(r"[\t\a\n\f]")


def _render_part(scratch: Any, part: _Part, context: Mapping[str, Any]) -> str:
    """``render_xml_part`` with the part's compiled template, as stock renders the part.

    The method rewrites its source before compiling it, and quotes it only in the
    ``docx_context`` of an error that has a line number; the compiled template makes the
    source unneeded, and rewriting the body's each time cost twice its Jinja rendering.
    So the source is handed over only to render such a failure again, for the
    ``docx_context`` stock would give.
    """
    scratch.trusted = part.direct is not None
    _direct.reset()
    try:
        result: str = scratch.render_xml_part("", None, context, _Replay(part.template))
    except jinja2.TemplateError as error:
        if getattr(error, "lineno", None) is not None:
            try:
                scratch.render_xml_part(part.patched, None, context, _Replay(part.template))
            except jinja2.TemplateError as again:
                if hasattr(again, "docx_context"):
                    error.docx_context = again.docx_context  # type: ignore[attr-defined]
        raise
    return result


def _scratch() -> Any:
    """A DocxTemplate holding only the per-render state render_init() would set."""
    tpl = _Scratch(io.BytesIO())
    tpl.docx_ids_index = 1000
    tpl.current_rendering_part = None
    return tpl


class _Frame(NamedTuple):
    """A directly written body's tags as rendered, and the document around its content
    as stock writes it."""

    start: bytes
    end: bytes
    before: bytes
    after: bytes


def _body_frame(skeleton: bytes, direct: _direct.Direct) -> _Frame | None:
    """What surrounds a directly written body: its tags as rendered, and the document
    around its content as stock writes it.

    Stock parses the rendered body and puts it in the document element, where lxml drops
    the namespace declarations the body repeats. Checked on the body's static text: if
    stock would write that text otherwise, there is no frame and the body keeps the lxml
    path.
    """
    match = re.match(r"<([^\s<>/!?]+)[^<>]*>", direct.probe)
    if match is None:  # pragma: no cover - the probe parsed as a document
        return None
    start, end = match.group(), f"</{match.group(1)}>"
    if not direct.probe.endswith(end):  # pragma: no cover - idem
        return None
    recover = etree.XMLParser(recover=True)  # fix_tables' parser
    holder = etree.fromstring(start + end, recover)
    marker = etree.PI("iscg-body", "content")
    holder.append(marker)
    root = parse_xml(skeleton)
    root.replace(root.body, holder)
    before, _, after = serialize_part_xml(root).partition(etree.tostring(marker))
    root = parse_xml(skeleton)
    root.replace(root.body, etree.fromstring(direct.probe, recover))
    inner = direct.probe[len(start) : len(direct.probe) - len(end)]
    if (
        serialize_part_xml(root)
        != before + _direct.canonical(inner.encode("utf-8"), direct) + after
    ):
        return None
    return _Frame(start.encode("utf-8"), end.encode("utf-8"), before, after)


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


_LEAVES = frozenset({str, bytes, int, float, bool, decimal.Decimal})


# -- zip writing --------------------------------------------------------------------


def _read_members(package: bytes) -> Iterator[_Member]:
    """Yield the members of a zip file with their compressed bytes, in order."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        for info in archive.infolist():
            offset = info.header_offset
            name_length, extra_length = struct.unpack("<HH", package[offset + 26 : offset + 30])
            start = offset + 30 + name_length + extra_length
            yield _Member(
                name=info.filename,
                method=info.compress_type,
                crc=info.CRC,
                compressed=package[start : start + info.compress_size],
                size=info.file_size,
            )


def _compress(name: str, data: bytes) -> _Member:
    """Deflate ``data`` for a zip member."""
    compressed = isal_zlib.compress(data, _LEVEL, -15)
    return _Member(name, zipfile.ZIP_DEFLATED, isal_zlib.crc32(data), compressed, len(data))


class _Entry(NamedTuple):
    """A zip member laid out for a given date: what does not change between documents."""

    name: str
    local: bytes  # local file header, then the compressed data
    central: bytes  # central directory record up to its offset field
    encoded_name: bytes


def _headers(member: _Member, dos_time: int, dos_date: int) -> tuple[bytes, bytes, bytes]:
    """The local header, central record (up to the offset) and encoded name of a member."""
    if max(member.size, len(member.compressed)) >= _ZIP_LIMIT:
        raise ValueError("package too large for a zip without ZIP64")
    name = member.name.encode("utf-8")
    flags = 0 if member.name.isascii() else 0x800
    common = struct.pack(
        "<HHHHHIII",
        20,
        flags,
        member.method,
        dos_time,
        dos_date,
        member.crc,
        len(member.compressed),
        member.size,
    )
    local = b"PK\x03\x04" + common + struct.pack("<HH", len(name), 0) + name
    central = (
        b"PK\x01\x02"
        + struct.pack("<H", 3 << 8 | 20)
        + common
        + struct.pack("<HHHHHI", len(name), 0, 0, 0, 0, 0o600 << 16)
    )
    return local, central, name


def _dos(date_time: tuple[int, ...]) -> tuple[int, int]:
    """MS-DOS time and date fields for ``date_time``."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def _layout(members: tuple[_Member, ...], date_time: tuple[int, ...]) -> tuple[_Entry, ...]:
    """Lay ``members`` out once: headers and data of those a document keeps unchanged."""
    dos_time, dos_date = _dos(date_time)
    entries = []
    for member in members:
        local, central, name = _headers(member, dos_time, dos_date)
        entries.append(_Entry(member.name, local + member.compressed, central, name))
    return tuple(entries)


def _write_zip(
    members: tuple[_Member, ...],
    replaced: Mapping[str, bytes],
    date_time: tuple[int, ...],
    layout: tuple[_Entry, ...] | None = None,
) -> bytes:
    """Write a zip of ``members``, compressing afresh those named in ``replaced``.

    Members keep their order; unreplaced ones are copied compressed, as stored, from
    ``layout`` when given (it must be ``_layout(members, date_time)``).
    """
    if layout is None:
        layout = _layout(members, date_time)
    dos_time, dos_date = _dos(date_time)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in layout:
        if entry.name in replaced:
            member = _compress(entry.name, replaced[entry.name])
            local, head, name = _headers(member, dos_time, dos_date)
            local += member.compressed
        else:
            local, head, name = entry.local, entry.central, entry.encoded_name
        if offset >= _ZIP_LIMIT:
            raise ValueError("package too large for a zip without ZIP64")
        out.append(local)
        central.append(head + struct.pack("<I", offset) + name)
        offset += len(local)
    directory = b"".join(central)
    out.append(directory)
    out.append(
        b"PK\x05\x06"
        + struct.pack("<HHHHIIH", 0, 0, len(layout), len(layout), len(directory), offset, 0)
    )
    return b"".join(out)
