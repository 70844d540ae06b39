"""Compiled docxtpl engine: patch and compile a template once, render it many times."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import jinja2
from docx.opc.constants import CONTENT_TYPE
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import XmlPart
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from iscg_docs.docx.engine import direct as _direct
from iscg_docs.docx.engine.stock import (
    Capture,
    Part,
    bound_template,
    effective_env,
    render_part,
    render_stock,
    scratch,
    stock_reason,
)
from iscg_docs.docx.engine.superscript import superscripts
from iscg_docs.docx.engine.tables import regrid
from iscg_docs.docx.package import Entry, Member, layout, read_members, write_zip

__all__ = ["CompiledTemplate"]

logger = logging.getLogger(__name__)

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
# python-docx refuses to set a longer core property (CT_CoreProperties._set_element_text).
_CORE_TEXT_LIMIT = 255


class CompiledTemplate:
    """A .docx template read, patched and compiled once, rendered like stock docxtpl.

    The output of :meth:`render` equals ``DocxTemplate.render`` followed by
    ``DocxTemplate.save`` (every zip member, after decompression), for the same
    template, context and Jinja environment. Contexts the engine cannot render alone
    (images, sub-documents, hyperlinks: anything that adds relationships or media to
    the package) fall back to stock docxtpl; :meth:`fallback_reason` says why.

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
        self._env = effective_env(jinja_env, autoescape)
        self._compile()

    # -- construction -----------------------------------------------------------------

    def _compile(self) -> None:
        """Load the package once, capture every part's Jinja source and the baseline."""
        tpl = DocxTemplate(io.BytesIO(self._source))
        tpl.render_init()
        document = tpl.docx
        self._compile_body(tpl)
        self._headers_footers = [
            self._compile_part(tpl, part, tpl.get_part_xml(part), body=False)
            for uri in (tpl.HEADER_URI, tpl.FOOTER_URI)
            for _rel_key, part in tpl.get_headers_footers(uri)
        ]
        self._footnotes = [
            self._compile_part(
                tpl, part, _text(part.blob), body="stock writes footnotes as rendered"
            )
            for part in document.part.package.parts
            if part.content_type == _FOOTNOTES_CONTENT_TYPE
        ]
        self._compile_core(document)

        # Every other member is what python-docx writes for the unrendered package.
        baseline = io.BytesIO()
        document.save(baseline)
        self._members: tuple[Member, ...] = tuple(read_members(baseline.getvalue()))
        self._layout: tuple[Entry, ...] = layout(self._members)
        names = {member.name for member in self._members}
        missing = sorted(set(self.routes) - names)
        if self._core_membername not in names:  # pragma: no cover - python-docx writes it
            missing.append(self._core_membername)
        if missing:  # pragma: no cover - python-docx writes every related part
            raise ValueError(f"templated parts absent from the package: {missing}")

    def _compile_body(self, tpl: Any) -> None:
        """Compile the body, and keep the document element around it.

        Stock renders ``get_xml()`` (the ``w:body`` element) and puts the result back in
        the document element; that element is kept with an empty body to put it in.
        """
        document = tpl.docx
        self._body = self._compile_part(tpl, document.part, tpl.get_xml(), body=True)
        root = parse_xml(serialize_part_xml(document.element))
        root.body.clear()
        self._skeleton: bytes = serialize_part_xml(root)
        self._body_frame = (
            None if self._body.direct is None else _body_frame(self._skeleton, self._body.direct)
        )
        if self._body.direct is not None and self._body_frame is None:
            self._body = self._body._replace(direct=None, reason="its frame differs")
            logger.debug("the body goes through lxml when rendered: its frame differs")
        # What python-docx writes before a part's root element.
        self._declaration = serialize_part_xml(etree.Element("x")).partition(b"<x")[0]

    def _compile_core(self, document: Any) -> None:
        """Compile the core properties docxtpl renders as templates."""
        # Accessing them creates the part when missing, as stock render_properties does,
        # so the baseline package has the same members.
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

    def _compile_part(self, tpl: Any, part: Any, xml: str, *, body: bool | str) -> Part:
        """Patch ``xml`` as docxtpl does and compile the source it would compile.

        ``body`` tells whether the part is the document's body (which stock runs through
        ``fix_tables``), a header or footer (False), or why the part never goes through
        lxml in stock docxtpl, so that direct serialisation does not apply.
        """
        # Stock reads headers and footers in the encoding they declare, the rest in UTF-8.
        encoding = "utf-8" if body is not False else tpl.get_headers_footers_encoding(xml)
        capture = Capture(self._env)
        patched = tpl.patch_xml(xml)
        tpl.render_xml_part(patched, part, {}, capture)
        assert capture.template is not None
        # The template itself may hold references; only new ones signal a fallback.
        known = frozenset(part.rels) | frozenset(_REL_REFERENCE.findall(capture.source))
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
        return Part(
            membername=membername,
            partname=part.partname,
            content_type=part.content_type,
            encoding=encoding,
            patched=patched,
            source=capture.source,
            template=capture.template,
            rel_ids=known,
            direct=None if isinstance(direct, str) else direct,
            reason=direct if isinstance(direct, str) else "",
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

    @property
    def routes(self) -> dict[str, _direct.Direct | str]:
        """How each templated part is written, by zip member name.

        Returns:
            What writing the part without lxml needs (:class:`~iscg_docs.docx.engine.
            direct.Direct`), or why rendering must parse and re-serialise it as stock does.
        """
        parts = [self._body, *self._headers_footers, *self._footnotes]
        return {part.membername: part.direct or part.reason for part in parts}

    def can_compile(self, context: Mapping[str, Any]) -> str | None:
        """Tell whether the compiled path can render ``context``, from the context alone.

        The context is walked through mappings, lists, tuples, sets, dataclasses and
        attrs instances; objects reached otherwise are not inspected, but a rendering
        that references a relationship the package lacks still falls back
        (:meth:`fallback_reason`).

        Args:
            context: The template context.

        Returns:
            None if the compiled path applies, else why stock docxtpl must render.
        """
        return stock_reason(context)

    def fallback_reason(self, context: Mapping[str, Any]) -> str | None:
        """Why :meth:`render` gives ``context`` to stock docxtpl, or None if it does not.

        Unlike :meth:`can_compile`, this renders the templated parts, so it also finds
        a rendering that references a relationship the package lacks.

        Raises:
            jinja2.TemplateError: Rendering failed.
        """
        reason = self.can_compile(context)
        if reason is None:
            rendered = self._render_compiled(context)
            reason = rendered if isinstance(rendered, str) else None
        return reason

    def render(
        self,
        context: Mapping[str, Any],
        *,
        replace: Mapping[str, bytes] | None = None,
        scan: bool = True,
    ) -> bytes:
        """Render the template with ``context`` into .docx bytes, dated :data:`~iscg_docs.docx.package.ZIP_EPOCH`.

        Args:
            context: The template context.
            replace: Members to write instead of what rendering gives, by zip member
                name (e.g. ``docProps/core.xml`` set by the caller); applied to the
                stock fallback too.
            scan: Look through the context for objects only stock docxtpl renders
                (:meth:`can_compile`). A caller that knows its context holds plain data
                only (text, numbers, lists, mappings) may skip the walk; a rendering that
                references a missing relationship still falls back.

        Returns:
            The .docx file content: the same context gives the same bytes.

        Raises:
            jinja2.TemplateError: Rendering failed; carries ``docx_context`` like stock.
            ValueError: Context objects are bound to several DocxTemplate objects, or to
                one made from another template.
        """
        replace = replace or {}
        reason = self.can_compile(context) if scan else None
        if reason is None:
            rendered = self._render_compiled(context, frozenset(replace))
            if not isinstance(rendered, str):
                raised = {name: superscripts(xml) for name, xml in rendered.items()}
                return write_zip(self._members, {**raised, **replace}, self._layout)
            reason = rendered
        logger.debug("stock docxtpl rendering: %s", reason)
        tpl = bound_template(context, self._source)
        return render_stock(tpl, context, self._env, replace)

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, str]:
        """Render only the Jinja stage of each templated XML part: what rendering costs at
        the least (the benchmarks' floor).

        This is docxtpl's ``render_xml_part`` output, before table fixing, XML
        re-serialisation and packaging; core properties are left out. In the parts
        written directly (:mod:`iscg_docs.docx.engine.direct`), quotes in values come out
        as characters rather than markupsafe's references: the same XML.

        Returns:
            Rendered XML text by zip member name.

        Raises:
            jinja2.TemplateError: Rendering failed.
        """
        work = scratch()
        parts = [self._body, *self._headers_footers, *self._footnotes]
        return {part.membername: render_part(work, part, context) for part in parts}

    # -- rendering ----------------------------------------------------------------

    def _render_compiled(
        self, context: Mapping[str, Any], replaced: frozenset[str] = frozenset()
    ) -> dict[str, bytes] | str:
        """Render the templated members, or say why the result cannot be trusted.

        Members in ``replaced`` are rendered only as far as stock could fail on them.
        """
        work = scratch()
        rendered: dict[str, bytes] = {}
        root = self._render_body(work, context, rendered)
        if isinstance(root, str):
            return root
        # Headers and footers: rendered, then reloaded as a new XmlPart (map_headers_footers_xml).
        for part in self._headers_footers:
            xml = render_part(work, part, context)
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
        self._render_core(context, replaced, rendered)
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
            xml = render_part(work, part, context)
            for _ in range(passes - 1):
                xml = work.render_xml_part(work.patch_xml(xml), None, context, self._env)
            if set(_REL_REFERENCE.findall(xml)) - part.rel_ids:
                return _DANGLING
            rendered[part.membername] = xml.encode("utf-8")
        return rendered

    def _render_body(
        self, work: Any, context: Mapping[str, Any], rendered: dict[str, bytes]
    ) -> Any:
        """Render the body into ``rendered``, as DocxTemplate.render does.

        That is build_xml, fix_tables, fix_docpr_ids and map_tree; or the body written as
        rendered when that is provably what those steps would give.

        Returns:
            The document element when the body went through lxml, None when written
            directly, or why the result cannot be trusted.
        """
        body_xml = render_part(work, self._body, context)
        direct = self._direct_body(body_xml)
        if direct is not None:
            rendered[self._body.membername] = direct
            return None
        if set(_REL_REFERENCE.findall(body_xml)) - self._body.rel_ids:
            return _DANGLING
        tree = work.fix_tables(body_xml)
        work.fix_docpr_ids(tree)
        root = parse_xml(self._skeleton)
        root.replace(root.body, tree)
        rendered[self._body.membername] = serialize_part_xml(root)
        return root

    def _render_core(
        self, context: Mapping[str, Any], replaced: frozenset[str], rendered: dict[str, bytes]
    ) -> None:
        """Render the core properties (render_properties) into ``rendered``.

        When the caller replaces the part, only its templates are rendered, for the
        errors stock would raise: Jinja's, and python-docx's refusal of a text over 255
        characters (about 0.3 ms saved).
        """
        if self._core_membername in replaced:
            for template in self._core_checks:
                if len(template.render(context)) > _CORE_TEXT_LIMIT:
                    raise ValueError("exceeded 255 char limit for property")
            return
        core_part = CorePropertiesPart.load(
            self._core_partname, self._core_content_type, self._core_blob, _NO_PACKAGE
        )
        core_properties = core_part.core_properties
        for name, template in self._core_templates:
            setattr(core_properties, name, template.render(context))
        rendered[self._core_membername] = core_part.blob

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
            data = regrid(data, direct.grids, direct.cells)
        end = len(data) - len(frame.end)
        return b"".join((frame.before, memoryview(data)[start:end], frame.after))


def _text(blob: bytes | str) -> str:
    """A part's blob as text."""
    return blob.decode("utf-8") if isinstance(blob, bytes) else blob


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
