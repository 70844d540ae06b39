"""Render a Word template with docxtpl, safely and reproducibly.

Safety: templates run in a Jinja :class:`~jinja2.sandbox.SandboxedEnvironment` with no
globals, autoescaping on (``&``, ``<`` and ``>`` in user text come out literally) and
:class:`~jinja2.StrictUndefined` (a misspelt variable is an error that names it, never
empty text). Text holding characters XML cannot carry is refused with its place in the
context.

Reproducibility: the same template and context give byte-identical files: zip members in
a fixed order with a fixed timestamp, and core properties set from the caller's values
rather than from the clock. docxtpl would render the core properties through the
autoescaping environment, and python-docx would escape them again, so they are set here,
after rendering, as plain text.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iscg_docs._resources import bundled_file
from iscg_docs.errors import TemplateError, os_reason

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from iscg_docs.model.records import Convention, Framework

__all__ = [
    "CORE_PROPERTIES",
    "TEMPLATE_NAME",
    "Renderer",
    "check_context",
    "core_properties_xml",
    "default_template",
    "make_environment",
    "normalize_package",
    "render_convention",
    "render_docx",
]

#: Core properties a caller may set; anything else in ``properties`` is an error.
CORE_PROPERTIES = frozenset(
    {"title", "subject", "author", "keywords", "comments", "category", "language"}
)

#: The zip timestamp of every member: the earliest a zip can hold, so it says nothing.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# XML 1.0 forbids these; U+FFFE/U+FFFF are not characters at all.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_PART_NAMES = {"word/document.xml": "corps du document"}

#: File name of the framework template, at the repository root and in the package.
TEMPLATE_NAME = "convention_cadre.docx"


def default_template() -> Path:
    """The bundled framework template (see :func:`bundled_file`).

    Raises:
        FileNotFoundError: neither place has it (a broken installation).
    """
    found = bundled_file("templates", TEMPLATE_NAME)
    if found is None:
        raise FileNotFoundError(f"bundled template {TEMPLATE_NAME} not found; reinstall iscg-docs")
    return found


def make_environment(filters: Mapping[str, Any] | None = None) -> SandboxedEnvironment:
    """The Jinja environment every template runs in.

    Args:
        filters: extra filters (the French formatting functions, usually).

    Returns:
        A sandboxed environment with autoescaping, strict undefined and no globals.
    """
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    # No range/cycler/joiner/lipsum/namespace/dict: a convention template needs none, and
    # each is one more object a hostile template could poke at.
    env.globals.clear()
    if filters:
        env.filters.update(filters)
    return env


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
        match = _ILLEGAL_XML.search(value)
        if match:
            raise TemplateError(
                f"le texte contient un caractère de contrôle interdit "
                f"(U+{ord(match.group()):04X}) à la position {match.start() + 1} : "
                f"supprimez-le des données ({value[:40]!r}).",
                where=path,
            )
    return plain  # pragma: no cover - _scan and _strings reach the same strings


_PLAIN_SCALARS = (int, float, Decimal, dt.date, type(None))


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
    return _ILLEGAL_XML.search("\n".join(suspect)) is not None, plain


_PLAIN_TYPES = frozenset({bool, int, Decimal, dt.date, dt.datetime, type(None)})


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

    The template is patched and compiled once (:mod:`iscg_docs.docx.engine.compiled`); each document
    then renders only its Jinja parts and copies every other member of the package as it
    is. The output equals stock docxtpl's for the same template, context and environment.

    An instance holds nothing that changes after construction, so threads may share it;
    it pickles as its template bytes and recompiles in the receiving process.

    Args:
        template: a .docx path or its bytes; the bundled template when omitted.
        filters: filters for the templates (the French formatting functions by default).

    Raises:
        TemplateError: the template cannot be read or has a Jinja syntax error.
    """

    def __init__(
        self,
        template: str | os.PathLike[str] | bytes | None = None,
        *,
        filters: Mapping[str, Any] | None = None,
    ) -> None:
        from iscg_docs.docx.engine.compiled import CompiledTemplate

        if filters is None:
            from iscg_docs.french import FILTERS

            filters = FILTERS
        source = template if template is not None else default_template()
        self.template_name = "<bytes>" if isinstance(source, bytes) else str(source)
        try:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
        except OSError as e:
            raise TemplateError(f"modèle illisible ({os_reason(e)}).", self.template_name) from None
        self.env = make_environment(filters)
        with translate_template_errors(), _bad_package(self.template_name):
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
            with translate_template_errors():
                return self._compiled.render(
                    context, replace={self._core_name: core}, scan=not plain
                )
        except TemplateError as e:
            if e.where is None and e.name:
                raise TemplateError(e.message, self._locate(e.name), e.name) from e
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

    def render_convention(
        self, framework: Framework, convention: Convention, *, draft: bool = False
    ) -> bytes:
        """Render one convention of ``framework`` (assumed valid) into .docx bytes.

        Args:
            framework: the framework the convention falls under.
            convention: the convention.
            draft: mark every page "PROJET" and leave the signature date blank.
        """
        from iscg_docs.convention.context import build_context
        from iscg_docs.convention.properties import document_properties

        return self.render(
            build_context(framework, convention, draft=draft),
            properties=document_properties(framework, convention),
        )

    def render_parts(self, context: Mapping[str, Any]) -> dict[str, str]:
        """Only the Jinja stage of each templated part: the floor of what rendering costs."""
        with translate_template_errors():
            return self._compiled.render_parts(context)


def render_convention(
    framework: Framework,
    convention: Convention,
    *,
    template: str | os.PathLike[str] | bytes | None = None,
    draft: bool = False,
) -> bytes:
    """Render one convention into .docx bytes (for many, build one :class:`Renderer`).

    Args:
        framework: a validated framework.
        convention: one of its conventions.
        template: another .docx template; the bundled one by default.
        draft: mark every page "PROJET" and leave the signature date blank.

    Raises:
        TemplateError: the template cannot be used.
    """
    return Renderer(template).render_convention(framework, convention, draft=draft)


def render_docx(
    template: str | os.PathLike[str] | bytes,
    context: Mapping[str, Any],
    *,
    properties: Mapping[str, str] | None = None,
    env: SandboxedEnvironment | None = None,
) -> bytes:
    """Render ``template`` with ``context`` with stock docxtpl, as a reference.

    :class:`Renderer` gives the same bytes faster; this path exists for comparisons and
    for callers who want docxtpl itself.

    Args:
        template: a .docx path or its bytes.
        context: the template's variables.
        properties: core properties to set (title, subject, author…), as plain text.
        env: the Jinja environment; :func:`make_environment` when omitted.

    Returns:
        The document, reproducible byte for byte.

    Raises:
        TemplateError: the template has a syntax error, uses an unknown variable or
            filter, tries something the sandbox forbids, or the context holds
            characters XML cannot carry.
    """
    from docxtpl import DocxTemplate

    check_context(context)
    data = template if isinstance(template, bytes) else Path(template).read_bytes()
    tpl = DocxTemplate(io.BytesIO(data))
    environment = env if env is not None else make_environment()
    with translate_template_errors():
        tpl.render(dict(context), environment, autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    core_name = tpl.docx.part.package._core_properties_part.partname.membername
    with zipfile.ZipFile(io.BytesIO(data)) as original:
        core_blob = original.read(core_name) if core_name in original.namelist() else None
    return normalize_package(
        buffer.getvalue(),
        replace={core_name: core_properties_xml(core_blob, properties or {})},
    )


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
    return value.isprintable() or (_ILLEGAL_XML.search(value) is None and "\r" not in value)


def _placeholder(name: str) -> bytes:
    """A text standing for ``name``, between private-use characters no value may hold."""
    return f"\ue000{name}\ue001".encode()


@functools.lru_cache(maxsize=16)
def _core_with_placeholders(blob: bytes, names: tuple[str, ...]) -> bytes:
    """The core properties part with a placeholder for each of ``names``, in that order."""
    placeholders = {name: _placeholder(name).decode("utf-8") for name in names}
    return _core_properties_xml(blob, placeholders)


def _core_properties_xml(blob: bytes, properties: Mapping[str, str]) -> bytes:
    """:func:`core_properties_xml` through python-docx."""
    from docx.opc.packuri import PackURI
    from docx.opc.parts.coreprops import CorePropertiesPart

    # The part is serialised on its own: it needs no package around it.
    no_package: Any = None
    part = CorePropertiesPart.load(PackURI("/docProps/core.xml"), _CORE_TYPE, blob, no_package)
    core = part.core_properties
    for name, value in properties.items():
        setattr(core, name, value)
    core.last_modified_by = properties.get("author", "")
    core.revision = 1
    return bytes(part.blob)


_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
    b'"http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)


def normalize_package(data: bytes, *, replace: Mapping[str, bytes] | None = None) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and attributes, members in the same order.

    Args:
        data: a .docx file's bytes.
        replace: members whose content to replace, by name.

    Returns:
        The same members, deflated, dated 1980-01-01, so equal content gives equal bytes.
    """
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            zout.writestr(info, replace.get(item.filename) or zin.read(item.filename))
    return out.getvalue()


@contextmanager
def _bad_package(name: str) -> Iterator[None]:
    """A file that is not a .docx package is a TemplateError, not a zipfile traceback."""
    try:
        yield
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise TemplateError(
            f"ce fichier n'est pas un document Word (.docx) utilisable ({e}).", name
        ) from None


@contextmanager
def translate_template_errors() -> Iterator[None]:
    """Turn Jinja's errors into :class:`TemplateError` with a French message and a place."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from jinja2.exceptions import TemplateError as JinjaError

    try:
        yield
    except SecurityError as exc:
        raise TemplateError(
            f"construction interdite dans le modèle ({exc}) : un modèle ne peut qu'afficher "
            "des variables et utiliser les filtres fournis.",
            _where(exc),
        ) from exc
    except UndefinedError as exc:
        name = _undefined_name(str(exc))
        raise TemplateError(
            f"variable ou attribut inconnu « {name} » : vérifiez son orthographe dans le "
            "catalogue des variables (iscg-docs variables).",
            _where(exc),
            name,
        ) from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(
            f"erreur de syntaxe dans le modèle : {exc.message}.", _where(exc)
        ) from exc
    except JinjaError as exc:
        raise TemplateError(f"le modèle n'a pas pu être rendu : {exc}.", _where(exc)) from exc


def _undefined_name(message: str) -> str:
    # Jinja says "'foo' is undefined" or "'dict object' has no attribute 'bar'".
    m = re.search(r"has no attribute '([^']+)'", message) or re.match(r"'([^']+)'", message)
    return m.group(1) if m else message


def _where(exc: BaseException) -> str | None:
    lines = getattr(exc, "docx_context", None)
    if lines is None:
        return None
    text = " ".join(s.strip() for s in lines if s.strip())
    text = re.sub(r"\s+", " ", text)
    return f"près de « {text[:120]} »" if text else None
