"""Word tracked changes: read a .docx's main part, mark content as revised, accept or reject.

A revision here is what Word writes when it tracks changes: runs wrapped in ``w:ins`` or
``w:del`` (deleted text in ``w:delText``), a paragraph mark marked in ``w:pPr/w:rPr``, a
table row marked in ``w:trPr``. :func:`accept_all` and :func:`reject_all` resolve them
the way Word does for text; formatting changes (``w:rPrChange`` and the like) are
dropped either way, for only text is compared.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from iscg_docs.docx.package import normalize_package
from iscg_docs.errors import InputError

__all__ = [
    "EPOCH",
    "Document",
    "Revisions",
    "accept_all",
    "document_text",
    "mark_paragraph",
    "mark_tree",
    "old_content",
    "paragraph_text",
    "read_document",
    "reject_all",
    "resolve",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_OFFICE_DOCUMENT = "/officeDocument"

#: The date revisions carry unless told otherwise: fixed, so equal inputs give equal bytes.
EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def w(name: str) -> str:
    """The qualified name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{name}"


P, R, T, TBL, TR, TC = w("p"), w("r"), w("t"), w("tbl"), w("tr"), w("tc")
PPR, RPR, TRPR, INS, DEL = w("pPr"), w("rPr"), w("trPr"), w("ins"), w("del")
DEL_TEXT, INSTR, DEL_INSTR = w("delText"), w("instrText"), w("delInstrText")
_MOVE_FROM, _MOVE_TO = w("moveFrom"), w("moveTo")
_WRAPPERS = frozenset({INS, DEL, _MOVE_FROM, _MOVE_TO})
# Property changes hold formatting only: both accepting and rejecting drop them.
_PROPERTY_CHANGES = frozenset(
    w(name)
    for name in (
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblPrExChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
    )
)
# Range markers and references that point into OLD's own bookkeeping (its bookmarks,
# comments, notes, sections): copied into NEW they would clash or dangle, so deleted
# content goes without them.
_OLD_ONLY = frozenset(
    w(name)
    for name in (
        "bookmarkStart",
        "bookmarkEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "commentReference",
        "footnoteReference",
        "endnoteReference",
        "permStart",
        "permEnd",
        "proofErr",
        "lastRenderedPageBreak",
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
        "sectPr",
    )
)
_HYPERLINK = w("hyperlink")
# Drawings and objects carry ids of their own (``wp:docPr``) that OLD's copy would repeat.
_PICTURES = frozenset(
    {
        w("drawing"),
        w("pict"),
        w("object"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
    }
)
# Characters a run holds besides its text, as the text they show.
_RUN_CHARACTERS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "\u2011"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)


class Document:
    """A .docx's bytes with its main part, headers and footers parsed.

    Args:
        data: the .docx file's bytes.
        side: what the document is called in an error, e.g. « l'ancien document ».
        source: its file name, for the error's ``source``.

    Raises:
        InputError: not a zip, a damaged zip, no main part, or a main part that is not
            WordprocessingML.
    """

    def __init__(self, data: bytes, side: str, source: str | None = None) -> None:
        self.data = data
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self._read(archive)
        except _Refused as refused:
            raise InputError(f"{side} {refused.args[0]}.", source) from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
            reason = "n'est pas un fichier .docx (pas une archive zip, ou une archive tronquée)"
            raise InputError(f"{side} {reason}.", source) from None
        self.root = self.parts[self.part]
        if self.root.tag != w("document") or self.root.find(w("body")) is None:
            reason = "n'est pas un document Word (son corps n'a pas d'élément w:body)"
            raise InputError(f"{side} {reason}.", source)

    def _read(self, archive: zipfile.ZipFile) -> None:
        """Read the main part, headers and footers, or say in French what is wrong."""
        for member in archive.infolist():
            try:
                with archive.open(member) as stream:
                    while stream.read(1 << 20):  # checks the CRC at the end
                        pass
            except (zlib.error, OSError, zipfile.BadZipFile, EOFError):
                raise _Refused(
                    f"est endommagé (la partie {member.filename} est illisible)"
                ) from None
        self.part = _main_part(_xml(archive, "_rels/.rels"))
        #: The headers and footers, by part name, in the order the body names them.
        self.stories = _stories(archive, self.part)
        self.parts = {name: _xml(archive, name) for name in (self.part, *self.stories)}

    @property
    def body(self) -> Any:
        """The ``w:body`` element."""
        return self.root.find(w("body"))

    def package(self) -> bytes:
        """The package with the parsed parts as they are now, written by the one writer."""
        replace = {
            name: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            for name, root in self.parts.items()
        }
        return normalize_package(self.data, replace=replace)


class _Refused(Exception):
    """Why a package cannot be read, in French (a message for :class:`InputError`)."""


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    """The parsed part ``name`` of ``archive``."""
    try:
        data = archive.read(name)
    except KeyError:
        raise _Refused(f"n'est pas un document Word (il n'a pas de partie {name})") from None
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise _Refused(f"est endommagé (XML invalide dans {name}, ligne {error.lineno})") from None


def _main_part(rels: Any) -> str:
    """The main document part's name, from the package relationships."""
    for rel in rels.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
        if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
            target: str = rel.get("Target", "")
            return target.lstrip("/")
    raise _Refused("n'est pas un document Word (aucune partie principale)")


def _stories(archive: zipfile.ZipFile, main: str) -> tuple[str, ...]:
    """The header and footer parts the main part refers to."""
    folder, name = posixpath.split(main)
    rels_name = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_name not in archive.namelist():
        return ()
    rels = _xml(archive, rels_name)
    found = []
    for rel in rels.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in ("header", "footer") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found.append(posixpath.normpath(path))
    return tuple(dict.fromkeys(found))


def read_document(data: bytes, side: str = "le document", source: str | None = None) -> Document:
    """Parse a .docx's main part, headers and footers (see :class:`Document`)."""
    return Document(data, side, source)


class Revisions:
    """Makes ``w:ins`` / ``w:del`` elements with one author, one date and unique ids.

    Args:
        roots: the parts the revisions go into; ids start above every ``w:id`` in them.
        author: the revisions' author.
        date: their date, written in UTC.
    """

    def __init__(self, roots: Iterable[Any], author: str, date: dt.datetime) -> None:
        ids = [i for root in roots for i in root.xpath("//@w:id", namespaces={"w": W})]
        numbers = [int(i) for i in ids if str(i).isdigit()]
        self._next = max(numbers, default=0) + 1
        self.author = author
        when = date if date.tzinfo is None else date.astimezone(dt.UTC)
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.count = 0

    def make(self, tag: str) -> Any:
        """A new revision element ``tag`` (``w:ins`` or ``w:del``), counted."""
        element = etree.Element(tag, nsmap={"w": W})
        element.set(w("id"), str(self._next))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        self._next += 1
        self.count += 1
        return element


def element(tag: str) -> Any:
    """A new element in the ``w`` namespace, declared with Word's own prefix."""
    return etree.Element(tag, nsmap={"w": W})


def paragraph_text(paragraph: Any) -> str:
    """The text a paragraph shows: its ``w:t``, tabs and breaks, not nested paragraphs'."""
    out = []
    for item in paragraph.iter(T, *_RUN_CHARACTERS):
        if _owner(item) is paragraph:
            out.append(item.text or "" if item.tag == T else _RUN_CHARACTERS[item.tag])
    return "".join(out)


def _owner(item: Any) -> Any:
    """The paragraph ``item`` stands in."""
    parent = item.getparent()
    while parent is not None and parent.tag != P:
        parent = parent.getparent()
    return parent


def document_text(docx: bytes) -> list[str]:
    """The text of every paragraph of a .docx's body, table cells included, in order.

    Deleted text (``w:delText``) is not shown, inserted text is: the text as it reads
    with its revisions shown but not yet decided.

    Raises:
        InputError: ``docx`` is not a readable .docx.
    """
    body = read_document(docx).body
    return [paragraph_text(p) for p in body.iter(P)]


def mark_paragraph(paragraph: Any, revision: Any) -> None:
    """Mark ``paragraph``'s mark with ``revision``, first in ``w:pPr/w:rPr``."""
    properties = paragraph.find(PPR)
    if properties is None:
        properties = element(PPR)
        paragraph.insert(0, properties)
    mark = properties.find(RPR)
    if mark is None:
        mark = element(RPR)
        after = [c for c in properties if c.tag in (w("sectPr"), w("pPrChange"))]
        if after:
            after[0].addprevious(mark)
        else:
            properties.append(mark)
    mark.insert(0, revision)


def _mark_row(row: Any, revision: Any) -> None:
    """Mark a table row inserted or deleted, in ``w:trPr`` after its other properties."""
    properties = row.find(TRPR)
    if properties is None:
        properties = element(TRPR)
        exceptions = row.find(w("tblPrEx"))
        row.insert(0 if exceptions is None else 1, properties)
    change = properties.find(w("trPrChange"))
    if change is None:
        properties.append(revision)
    else:
        change.addprevious(revision)


def _in_revision(item: Any) -> bool:
    return any(a.tag in _WRAPPERS for a in item.iterancestors())


def mark_tree(root: Any, tag: str, revisions: Revisions) -> None:
    """Mark everything in ``root`` (itself included) inserted or deleted.

    Runs are wrapped in ``tag`` (consecutive sibling runs share one wrapper), paragraph
    marks and table rows are marked; in deleted runs text becomes ``w:delText``.

    Args:
        root: an element already in its place (or a detached copy).
        tag: ``INS`` or ``DEL``.
        revisions: where the revision elements come from.
    """
    for paragraph in _iter_self(root, P):
        mark_paragraph(paragraph, revisions.make(tag))
    for row in _iter_self(root, TR):
        _mark_row(row, revisions.make(tag))
    wrapper = None
    for run in list(_iter_self(root, R)):
        if _in_revision(run) or run.getparent() is None:
            continue
        if wrapper is None or run.getprevious() is not wrapper:
            wrapper = revisions.make(tag)
            run.addprevious(wrapper)
        wrapper.append(run)
        if tag == DEL:
            to_deleted(run)


def _iter_self(root: Any, tag: str) -> Iterator[Any]:
    yield from root.iter(tag)


def to_deleted(run: Any) -> None:
    """Turn a run's text and field codes into their deleted forms."""
    for item in run.iter(T, INSTR):
        item.tag = DEL_TEXT if item.tag == T else DEL_INSTR


def old_content(item: Any) -> list[Any]:
    """A copy of OLD's ``item`` that can stand in NEW's document as deleted content.

    What points into OLD's package or bookkeeping goes: range markers, note and comment
    references, section properties, paragraph ids; a hyperlink keeps its runs without
    its link; drawings, pictures and objects are left out.
    """
    holder = element(w("holder"))
    holder.append(copy.deepcopy(item))
    for node in list(holder.iter()):
        if node.getparent() is None and node is not holder:
            continue
        for name in (f"{{{_W14}}}paraId", f"{{{_W14}}}textId"):
            node.attrib.pop(name, None)
        if node.tag in _OLD_ONLY:
            _drop(node)
        elif node.tag == _HYPERLINK:
            _unwrap(node)
        elif node.tag in _PICTURES or any(name.startswith(f"{{{_R}}}") for name in node.attrib):
            _drop(_run_item(node))
    return list(holder)


def _run_item(node: Any) -> Any:
    """The outermost ancestor of ``node`` (or itself) that is a run's child."""
    for ancestor in (node, *node.iterancestors()):
        parent = ancestor.getparent()
        if parent is not None and parent.tag == R:
            return ancestor
    return node


def _drop(node: Any) -> None:
    parent = node.getparent()
    if parent is not None:
        parent.remove(node)


def _unwrap(node: Any) -> None:
    """Put ``node``'s children in its place."""
    parent = node.getparent()
    if parent is None:
        return
    for child in list(node):
        node.addprevious(child)
    parent.remove(node)


def resolve(root: Any, *, accept: bool) -> None:
    """Accept (or reject) every revision in ``root``, in place.

    Args:
        root: a document, or any part of one.
        accept: accept the revisions (keep insertions, drop deletions), or reject them.
    """
    gone, kept = (
        ({DEL, _MOVE_FROM}, {INS, _MOVE_TO}) if accept else ({INS, _MOVE_TO}, {DEL, _MOVE_FROM})
    )
    for change in list(root.iter(*_PROPERTY_CHANGES)):
        _drop(change)
    for row in list(root.iter(TR)):
        marks = [m for m in row.findall(f"{TRPR}/*") if m.tag in gone | kept]
        if any(m.tag in gone for m in marks):
            _drop(row)
        for mark in marks:
            _drop(mark)
    merged = []
    for properties in list(root.iter(PPR)):
        for mark in list(properties.findall(f"{RPR}/*")):
            if mark.tag in gone:
                merged.append(properties.getparent())
            if mark.tag in gone | kept:
                _drop(mark)
    for wrapper in list(root.iter(*gone)):
        _drop(wrapper)
    for wrapper in list(root.iter(*kept)):
        if not accept:
            for item in wrapper.iter(DEL_TEXT, DEL_INSTR):
                item.tag = T if item.tag == DEL_TEXT else INSTR
        _unwrap(wrapper)
    for paragraph in merged:
        _merge_forward(paragraph)
    for table in list(root.iter(TBL)):
        if table.find(TR) is None:
            _drop(table)


def _merge_forward(paragraph: Any) -> None:
    """Join a paragraph whose mark is gone to the next one, as Word does."""
    following = paragraph.getnext()
    content = [c for c in paragraph if c.tag != PPR]
    if following is not None and following.tag == P:
        anchor = following.find(PPR)
        for child in reversed(content):
            if anchor is None:
                following.insert(0, child)
            else:
                anchor.addnext(child)
        _drop(paragraph)
    elif not paragraph_text(paragraph):
        _drop(paragraph)


def _resolved(docx: bytes, *, accept: bool) -> bytes:
    document = read_document(docx)
    for root in document.parts.values():
        resolve(root, accept=accept)
    return document.package()


def accept_all(docx: bytes) -> bytes:
    """The .docx with every tracked change in its body, headers and footers accepted.

    Raises:
        InputError: ``docx`` is not a readable .docx.
    """
    return _resolved(docx, accept=True)


def reject_all(docx: bytes) -> bytes:
    """The .docx with every tracked change in its body, headers and footers rejected.

    Raises:
        InputError: ``docx`` is not a readable .docx.
    """
    return _resolved(docx, accept=False)
