"""A Word template read as Word shows it, paragraph by paragraph, and the tags in it."""

from __future__ import annotations

import html
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from iscg_docs.docx.environment import package_reason
from iscg_docs.docx.package import template_bytes
from iscg_docs.docx.renderer import core_prefix
from iscg_docs.errors import TemplateError

__all__ = [
    "BLOCKS",
    "CURLY",
    "MISTYPED",
    "PREFIX",
    "STRAY",
    "TAG",
    "Para",
    "Part",
    "Tag",
    "excerpt",
    "find_tags",
    "norm",
    "parts",
    "read",
]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_P, W_T, W_TAB, W_BR, W_CR = (f"{{{_W}}}{n}" for n in ("p", "t", "tab", "br", "cr"))
W_TBL, W_TR, W_TC, W_TXBX = (f"{{{_W}}}{n}" for n in ("tbl", "tr", "tc", "txbxContent"))
_RT_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
_RT_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

# The core properties docxtpl 0.20.2 renders as templates (render_properties).
_PROPERTIES = (
    ("author", "auteur"),
    ("comments", "commentaires"),
    ("identifier", "identifiant"),
    ("language", "langue"),
    ("subject", "objet"),
    ("title", "titre"),
)


@dataclass(eq=False)
class Para:
    """A paragraph as Word shows it, with what it stands in."""

    where: str
    text: str
    element: Any
    cell: Any = None
    row: Any = None


@dataclass(eq=False)
class Tag:
    """One ``{{ }}``, ``{% %}`` or ``{# #}`` tag as typed, and what Jinja will read."""

    para: Para
    raw: str
    start: int
    kind: str  # "{{", "{%" or "{#"
    prefix: str  # "", "p", "tr", "tc" or "r"
    body: str  # inside the braces, prefix and whitespace control removed
    keyword: str
    curly: bool
    line: str = ""
    partner: Tag | None = None


@dataclass(eq=False)
class Part:
    """A part docxtpl renders as one Jinja template."""

    label: str
    paras: list[Para] = field(default_factory=list)


def read(source: str | os.PathLike[str] | bytes) -> tuple[str, bytes, Any]:
    """The template's name (its path, or ``<bytes>``), bytes and python-docx Document."""
    import docx
    from docx.opc.exceptions import OpcError
    from lxml import etree

    name = "<bytes>" if isinstance(source, bytes) else str(source)
    data = template_bytes(source, name)
    try:
        return name, data, docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise TemplateError(
            f"ce fichier n'est pas un document Word (.docx) utilisable ({package_reason(e)}).",
            name,
        ) from None


def parts(document: Any) -> Iterator[Part]:
    """Every part docxtpl renders, in the order it renders them."""
    from lxml import etree

    yield _walk(document.element.body, "corps", tables_bare=True)

    # Which section uses which header or footer, for a label a jurist can find.
    uses: dict[str, list[tuple[int, str]]] = {}
    sections = list(document.element.body.iter(f"{{{_W}}}sectPr"))
    for i, sect in enumerate(sections, 1):
        for ref in sect:
            if ref.tag in (f"{{{_W}}}headerReference", f"{{{_W}}}footerReference"):
                rid = ref.get(f"{{{_R}}}id")
                uses.setdefault(rid, []).append((i, ref.get(f"{{{_W}}}type", "default")))
    kinds = {"default": "", "first": " de la première page", "even": " des pages paires"}
    for reltype, noun in ((_RT_HEADER, "en-tête"), (_RT_FOOTER, "pied de page")):
        for rid, rel in document.part.rels.items():
            if rel.reltype != reltype or rel.is_external:
                continue
            label = noun
            if rid in uses:
                section, kind = uses[rid][0]
                label += kinds.get(kind, "")
                if len(sections) > 1:
                    label += f" (section {section})"
            yield _walk(etree.fromstring(rel.target_part.blob), label)

    for part in document.part.package.parts:
        if part.content_type == _FOOTNOTES:
            root = etree.fromstring(part.blob)
            out = Part("notes de bas de page")
            n = 0
            for note in root.iter(f"{{{_W}}}footnote"):
                if note.get(f"{{{_W}}}type") in (None, "normal"):
                    n += 1
                    out.paras += _walk(note, f"note de bas de page {n}", numbered=False).paras
            yield out

    with core_prefix():  # read the keywords where they are, docxcompose or not
        core = document.core_properties
        values = [getattr(core, name) or "" for name, _ in _PROPERTIES]
    for (_, french_name), value in zip(_PROPERTIES, values, strict=True):
        label = f"propriétés du document ({french_name})"
        yield Part(label, [Para(label, value, None)])


def _walk(root: Any, label: str, *, tables_bare: bool = False, numbered: bool = True) -> Part:
    """The paragraphs of ``root`` with their place: "corps, paragraphe 3", "tableau 1, …"."""
    part = Part(label)
    flow = boxes = 0
    top_tables: dict[Any, int] = {}
    for tbl in root.iter(W_TBL):
        if _nearest(tbl, W_TC) is None:
            top_tables[tbl] = len(top_tables) + 1
    for p in root.iter(W_P):
        cell = _nearest(p, W_TC)
        if _nearest(p, W_TXBX) is not None:
            boxes += 1
            where = f"{label}, zone de texte, paragraphe {boxes}"
        elif cell is not None:
            place = _cell_place(cell, top_tables)
            where = place if tables_bare else f"{label}, {place}"
        else:
            flow += 1
            where = f"{label}, paragraphe {flow}" if numbered else label
        row = _nearest(cell, W_TR) if cell is not None else None
        part.paras.append(Para(where, _text(p), p, cell, row))
    return part


def _nearest(element: Any, tag: str) -> Any:
    for ancestor in element.iterancestors():
        if ancestor.tag == tag:
            return ancestor
    return None


def _cell_place(cell: Any, top_tables: dict[Any, int]) -> str:
    """ "tableau 2, ligne 3, cellule 1", then " › tableau 1, …" for each nested table."""
    steps = []
    while cell is not None:
        row = _nearest(cell, W_TR)
        tbl = _nearest(row, W_TBL) if row is not None else None
        if row is None or tbl is None:
            break
        cells = [c for c in row.iter(W_TC) if _nearest(c, W_TR) is row]
        rows = [r for r in tbl.iter(W_TR) if _nearest(r, W_TBL) is tbl]
        outer = _nearest(tbl, W_TC)
        if outer is None:
            number = top_tables.get(tbl, 1)
        else:
            siblings = [t for t in outer.iter(W_TBL) if _nearest(t, W_TC) is outer]
            number = siblings.index(tbl) + 1
        steps.append(
            f"tableau {number}, ligne {rows.index(row) + 1}, cellule {cells.index(cell) + 1}"
        )
        cell = outer
    return " › ".join(reversed(steps))


def _text(p: Any) -> str:
    """The paragraph's text as Word shows it (tabs and breaks as whitespace)."""
    nested = p.find(f".//{W_TXBX}") is not None
    out = []
    for el in p.iter(W_T, W_TAB, W_BR, W_CR):
        if nested and _nearest(el, W_P) is not p:
            continue
        if el.tag == W_T:
            out.append(el.text or "")
        else:
            out.append("\t" if el.tag == W_TAB else "\n")
    return "".join(out)


TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
MISTYPED = re.compile(r"\{\s+[{%#]|[}%#]\s+\}")
STRAY = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
PREFIX = re.compile(r"(tr|tc|p|r) ")
CURLY = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})
BLOCKS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"})


def find_tags(para: Para) -> list[Tag]:
    out = []
    for m in TAG.finditer(para.text):
        raw = m.group()
        kind, inner = raw[:2], raw[2:-2]
        prefix = ""
        pm = PREFIX.match(inner)
        if pm:
            prefix, inner = pm.group(1), inner[pm.end() :]
        if kind != "{#" and not prefix and inner[:1] in ("-", "+"):
            inner = inner[1:]  # whitespace control sticks to the delimiter: "{%- if"
        if kind != "{#" and inner[-1:] in ("-", "+"):
            inner = inner[:-1]
        body = inner.strip()
        km = re.match(r"[A-Za-z_]\w*", body) if kind == "{%" else None
        keyword = km.group() if km else ""
        if keyword == "set" and "=" not in body:
            keyword = "set-block"
        curly = any(c in body for c in "“”‘’«»")
        out.append(Tag(para, raw, m.start(), kind, prefix, body, keyword, curly))
    return out


def excerpt(para: Para, tag: Tag | None = None) -> str:
    text = re.sub(r"\s+", " ", para.text).strip()
    if len(text) <= 120 or tag is None:
        return text if len(text) <= 120 else text[:117] + "…"
    start = max(0, tag.start - 40)
    end = min(len(para.text), tag.start + len(tag.raw) + 40)
    piece = re.sub(r"\s+", " ", para.text[start:end]).strip()
    return ("…" if start else "") + piece + ("…" if end < len(para.text) else "")


def norm(tag_text: str) -> str:
    """A tag reduced to what Jinja reads: prefix, whitespace control and spacing removed."""
    inner = html.unescape(tag_text[2:-2]).translate(CURLY)
    pm = PREFIX.match(inner)
    if pm:
        inner = inner[pm.end() :]
    inner = inner.removeprefix("-").removeprefix("+").removesuffix("-").removesuffix("+")
    return tag_text[:2] + " ".join(inner.split())
