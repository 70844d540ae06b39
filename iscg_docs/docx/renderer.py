"""Render a Word template with docxtpl, safely and reproducibly.

Safety: templates run in the sandboxed environment of :mod:`iscg_docs.docx.environment`.
Text holding characters XML cannot carry is refused with its place in the context.

Reproducibility: the same template and context give byte-identical files: zip members in
a fixed order with a fixed timestamp (:mod:`iscg_docs.docx.package`), and core properties
set from the caller's values rather than from the clock. docxtpl would render the core
properties through the autoescaping environment, and python-docx would escape them
again, so they are set here, after rendering, as plain text.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import threading
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from iscg_docs._characters import FORBIDDEN
from iscg_docs.docx.environment import bad_package, make_environment, translate_template_errors
from iscg_docs.docx.package import template_bytes
from iscg_docs.docx.sandbox import budget
from iscg_docs.errors import TemplateError

__all__ = ["CORE_PROPERTIES", "Renderer", "check_context", "core_prefix", "core_properties_xml"]

#: Core properties a caller may set; anything else in ``properties`` is an error.
CORE_PROPERTIES = frozenset(
    {"title", "subject", "author", "keywords", "comments", "category", "language"}
)

# What a template's parts are called in an error a jurist reads.
_PART_NAMES = {"word/document.xml": "corps du document"}
_PLAIN_SCALARS = (int, float, Decimal, dt.date, type(None))
_PLAIN_TYPES = frozenset({bool, int, Decimal, dt.date, dt.datetime, type(None)})
_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
    b'"http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)


def check_context(context: Mapping[str, Any]) -> bool:
    """Refuse text that XML cannot hold, saying where it is in the context.

    Returns:
        Whether the context holds plain data only (text, numbers, dates, lists,
        mappings): then no object in it needs stock docxtpl (images, sub-documents).

    Raises:
        TemplateError: a string holds a control character; ``where`` is its key path.
    """
    # Paths are spelt out only once a bad string is known to be there: building one
    # for every value cost more than the search itself.
    illegal, plain = _scan(context)
    if not illegal:
        return plain
    for path, value in _strings(context, ""):
        match = FORBIDDEN.search(value)
        if match:
            raise TemplateError(
                f"le texte contient un caractère de contrôle interdit "
                f"(U+{ord(match.group()):04X}) à la position {match.start() + 1} : "
                f"supprimez-le des données ({value[:40]!r}).",
                where=path,
            )
    return plain  # pragma: no cover - _scan and _strings reach the same strings


def _scan(context: Mapping[str, Any]) -> tuple[bool, bool]:
    """Whether a string :func:`_strings` reaches holds a character XML forbids, and
    whether every value is plain data."""
    plain = True
    # isprintable() is a fast C loop, false for controls but also for the no-break
    # spaces of French text: only those strings are searched, all in one go.
    suspect: list[str] = []
    stack: list[Any] = [context]
    while stack:
        value = stack.pop()
        kind = type(value)
        # Exact types first: a context is mostly str, dict, list and bool, and these
        # tests cost a fraction of the isinstance chain below (Mapping is an ABC).
        if kind is str:
            if not value.isprintable():
                suspect.append(value)
        elif kind is dict:
            stack.extend(value.values())
        elif kind is list or kind is tuple:
            stack.extend(value)
        elif kind in _PLAIN_TYPES:
            continue
        elif isinstance(value, str):
            suspect.append(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif not isinstance(value, _PLAIN_SCALARS):
            plain = False
    return FORBIDDEN.search("\n".join(suspect)) is not None, plain


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


class Renderer:
    """A template read and compiled once, rendering any number of documents.

    The template is patched and compiled once (:mod:`iscg_docs.docx.engine.compiled`);
    each document then renders only its Jinja parts and copies every other member of the
    package as it is. The output equals stock docxtpl's for the same template, context
    and environment.

    An instance holds nothing that changes after construction, so threads may share it;
    it pickles as its template bytes and recompiles in the receiving process.

    Args:
        template: a .docx path or its bytes.
        filters: the filters templates may use, by name (none by default).
        name: the template's name in errors and :attr:`template_name`; its path when
            read from one, ``<bytes>`` otherwise.

    Raises:
        TemplateError: the template cannot be read or has a Jinja syntax error.
    """

    def __init__(
        self,
        template: str | os.PathLike[str] | bytes,
        *,
        filters: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> None:
        from iscg_docs.docx.engine.compiled import CompiledTemplate

        if name is None:
            name = "<bytes>" if isinstance(template, bytes) else str(template)
        self.template_name = name
        data = template_bytes(template, name)
        self.env = make_environment(filters)
        # Compiling renders the core properties once: bounded as a render is.
        with translate_template_errors(), bad_package(name), budget():
            self._compiled = CompiledTemplate(data, self.env, autoescape=True)
        self._core_name, self._core_blob = self._compiled.core_member

    @property
    def source(self) -> bytes:
        """The template's bytes."""
        return self._compiled.source

    def render(
        self, context: Mapping[str, Any], *, properties: Mapping[str, str] | None = None
    ) -> bytes:
        """Render one document.

        Args:
            context: the template's variables.
            properties: core properties (title, subject, author…), as plain text.

        Returns:
            The .docx bytes, reproducible byte for byte.

        Raises:
            TemplateError: an unknown variable or filter, a forbidden construct, or text
                that XML cannot carry.
        """
        plain = check_context(context)
        core = core_properties_xml(self._core_blob, properties or {})
        try:
            with translate_template_errors(), budget():
                return self._compiled.render(
                    context, replace={self._core_name: core}, scan=not plain
                )
        except TemplateError as e:
            if e.where is None and e.name:
                raise TemplateError(e.message, self._locate(e.name), e.name) from e
            if e.where is None:
                raise TemplateError(e.message, self.template_name, e.name) from e
            raise

    def _locate(self, name: str) -> str | None:
        """Where a name first appears inside a tag of the template, as surrounding text.

        Jinja reports an undefined name at render time without its place; the template's
        paragraphs are searched for a tag that mentions it.
        """
        tag = re.compile(r"\{[{%][^}]*\b" + re.escape(name) + r"\b[^}]*[}%]\}")
        with zipfile.ZipFile(io.BytesIO(self.source)) as package:
            for member in package.namelist():
                if not (member.startswith("word/") and member.endswith(".xml")):
                    continue
                xml = package.read(member).decode("utf-8", "replace")
                for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                    text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", paragraph))
                    if tag.search(text):
                        return f"{_PART_NAMES.get(member, member)}, près de « {text[:120]} »"
        return None


def core_properties_xml(blob: bytes | None, properties: Mapping[str, str]) -> bytes:
    """The core properties part with ``properties`` set, and nothing from the clock.

    Args:
        blob: the template's ``docProps/core.xml``, or ``None`` for an empty one.
        properties: title, subject, author, keywords, comments, category, language.

    Raises:
        ValueError: a property name that is not one of :data:`CORE_PROPERTIES`, or a
            value python-docx refuses (over 255 characters, control characters).
    """
    unknown = set(properties) - CORE_PROPERTIES
    if unknown:
        raise ValueError(f"unknown core properties: {sorted(unknown)}")
    if blob is None:
        blob = _EMPTY_CORE
    values = list(properties.values())
    if not all(
        type(v) is str and 0 < len(v) <= 255 and "\ue000" not in v and _plain_text(v)
        for v in values
    ):
        return _core_properties_xml(blob, properties)
    # python-docx writes the same part for any values but for the values themselves:
    # it is written once per set of names, with placeholders, which are then replaced
    # by each value escaped as lxml escapes text. Ten times faster, for every document.
    xml = _core_with_placeholders(blob, tuple(properties))
    for name, value in zip(properties, values, strict=True):
        text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        xml = xml.replace(_placeholder(name), text.encode("utf-8"))
    return xml


def _plain_text(value: str) -> bool:
    """Whether lxml writes ``value`` in text as escaping gives it: no \\r, no controls."""
    return value.isprintable() or (FORBIDDEN.search(value) is None and "\r" not in value)


def _placeholder(name: str) -> bytes:
    """A text standing for ``name``, between private-use characters no value may hold."""
    return f"\ue000{name}\ue001".encode()


@functools.lru_cache(maxsize=16)
def _core_with_placeholders(blob: bytes, names: tuple[str, ...]) -> bytes:
    """The core properties part with a placeholder for each of ``names``, in that order."""
    placeholders = {name: _placeholder(name).decode("utf-8") for name in names}
    return _core_properties_xml(blob, placeholders)


#: The namespace of the core properties' own elements (``cp:keywords``…).
_CORE_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_PREFIXES = threading.Lock()


@contextmanager
def core_prefix() -> Iterator[None]:
    """python-docx's « cp » prefix bound to the core properties' namespace meanwhile.

    docxcompose (docxtpl's ``subdoc`` extra), once imported, rebinds « cp » in
    python-docx's prefix table to the custom properties' namespace, for every user of
    python-docx in the process: ``cp:keywords``, ``cp:lastModifiedBy`` and
    ``cp:revision`` were then written in the wrong namespace, a part the schema refuses,
    and the documents' bytes depended on whether docxcompose was installed.
    """
    from docx.oxml.ns import nsmap

    with _PREFIXES:
        bound = nsmap.get("cp")
        nsmap["cp"] = _CORE_NAMESPACE
        try:
            yield
        finally:
            if bound is not None:
                nsmap["cp"] = bound


def _core_properties_xml(blob: bytes, properties: Mapping[str, str]) -> bytes:
    """:func:`core_properties_xml` through python-docx."""
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart

    # The part is serialised on its own: it needs no package around it.
    no_package: Any = None
    with core_prefix():
        part = CorePropertiesPart.load(PackURI("/docProps/core.xml"), _CORE_TYPE, blob, no_package)
        core = part.core_properties
        for name, value in properties.items():
            setattr(core, name, value)
        core.last_modified_by = properties.get("author", "")
        core.revision = 1
        return bytes(part.blob)
