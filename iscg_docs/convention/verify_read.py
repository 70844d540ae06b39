"""A .docx read as the checks of :mod:`iscg_docs.convention.verify` read it, in one pass.

The text is exactly what python-docx's ``Paragraph.text`` gives (the runs and hyperlinks
directly under the paragraph; in a run ``w:t``, tabs, line breaks, non-breaking hyphens),
read straight from the package with lxml: building python-docx's objects for every part of
the package cost about ten times the rendering of the document.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree

__all__ = ["Cell", "Table", "read_package"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_RUN, _LINK = f"{_W}r", f"{_W}hyperlink"
_T, _TAB, _BR, _CR, _HYPHEN, _PTAB = (
    f"{_W}t",
    f"{_W}tab",
    f"{_W}br",
    f"{_W}cr",
    f"{_W}noBreakHyphen",
    f"{_W}ptab",
)
_TYPE = f"{_W}type"
#: The text a run's content element stands for, apart from ``w:t`` and ``w:br``.
_SIGNS = {_TAB: "\t", _PTAB: "\t", _CR: "\n", _HYPHEN: "-"}
#: The parser python-docx uses: same blank-text handling, hence the same texts.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
#: Section properties in the order python-docx lists its sections.
_SECTIONS = etree.XPath(
    "./w:body/w:p/w:pPr/w:sectPr | ./w:body/w:sectPr", namespaces={"w": _W[1:-1]}
)

Cell = tuple[int, int, tuple[str, ...]]
"""(row, column, paragraph texts) of a table cell, a spanning cell once."""
Table = tuple[Cell, ...]


def paragraph_text(p: Any) -> str:
    """The text of a ``w:p`` element, as python-docx's ``Paragraph.text``."""
    parts: list[str] = []
    for child in p.iterchildren(_RUN, _LINK):
        for run in child.iterchildren(_RUN) if child.tag == _LINK else (child,):
            for e in run.iterchildren(_T, _TAB, _BR, _CR, _HYPHEN, _PTAB):
                tag = e.tag
                if tag == _T:
                    parts.append(e.text or "")
                elif tag == _BR:
                    if e.get(_TYPE, "textWrapping") == "textWrapping":
                        parts.append("\n")
                else:
                    parts.append(_SIGNS[tag])
    return "".join(parts)


def table_cells(tbl: Any) -> Table:
    """Each cell of a ``w:tbl`` with its paragraphs' texts, rows and cells counted from 1.

    Read from the rows' own ``w:tc`` elements: a cell spanning columns is listed once.
    """
    return tuple(
        (r, c, tuple(paragraph_text(p) for p in tc.iterchildren(_P)))
        for r, tr in enumerate(tbl.iterchildren(_TR), 1)
        for c, tc in enumerate(tr.iterchildren(_TC), 1)
    )


def body_items(body: Any) -> Iterator[str | Table]:
    """The body's paragraphs (their text) and tables (their cells), in order."""
    for child in body.iterchildren(_P, _TBL):
        yield paragraph_text(child) if child.tag == _P else table_cells(child)


class _Package:
    """The parts of a .docx package, read by name from its zip file."""

    def __init__(self, source: str | os.PathLike[str] | bytes) -> None:
        stream: Any = io.BytesIO(source) if isinstance(source, bytes) else os.fspath(source)
        self.zip = zipfile.ZipFile(stream)
        types = self.xml("/[Content_Types].xml")
        self.defaults = {
            e.get("Extension", "").lower(): e.get("ContentType")
            for e in types.iterchildren(f"{_TYPES}Default")
        }
        self.overrides = {
            e.get("PartName", "").lower(): e.get("ContentType")
            for e in types.iterchildren(f"{_TYPES}Override")
        }

    def xml(self, partname: str) -> Any:
        return etree.fromstring(self.zip.read(partname.lstrip("/")), _PARSER)

    def content_type(self, partname: str) -> str | None:
        name = partname.lower()
        return self.overrides.get(name) or self.defaults.get(posixpath.splitext(name)[1][1:])

    def relationships(self, partname: str) -> dict[str, tuple[str, str]]:
        """rId → (type, target partname) of the part's internal relationships."""
        base, name = posixpath.split(partname)
        rels = posixpath.join(base, "_rels", f"{name}.rels")
        if rels.lstrip("/") not in self.zip.NameToInfo:
            return {}
        return {
            e.get("Id"): (e.get("Type"), posixpath.abspath(posixpath.join(base, e.get("Target"))))
            for e in self.xml(rels).iterchildren(_RELS)
            if e.get("TargetMode") != "External"
        }


def read_package(
    source: str | os.PathLike[str] | bytes,
) -> tuple[Any, list[tuple[str, list[str]]]]:
    """The main document's ``w:body``, and each header and footer part's paragraph texts.

    The margins come section by section, headers (default, first page, even pages) then
    footers, each part once, as python-docx's ``document.sections`` lists them.

    Raises:
        ValueError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError: the file
            cannot be read as a Word document.
    """
    package = _Package(source)
    main = next(
        (
            target
            for kind, target in package.relationships("/").values()
            if kind == _OFFICE_DOCUMENT
        ),
        None,
    )
    if main is None:
        raise KeyError("aucune partie principale")
    if package.content_type(main) != _DOCUMENT_TYPE:
        raise ValueError(f"ce n'est pas un document Word ({package.content_type(main)})")
    document = package.xml(main)
    related = package.relationships(main)
    margins: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for sect in _SECTIONS(document):
        for where, kind in (("en-tête", "headerReference"), ("pied de page", "footerReference")):
            for use in ("default", "first", "even"):
                ref = next(
                    (e for e in sect.iterchildren(f"{_W}{kind}") if e.get(_TYPE) == use), None
                )
                if ref is None or related[ref.get(f"{_R}id")][1] in seen:
                    continue
                partname = related[ref.get(f"{_R}id")][1]
                seen.add(partname)
                part = package.xml(partname)
                margins.append((where, [paragraph_text(p) for p in part.iterchildren(_P)]))
    return document.find(f"{_W}body"), margins
