"""A document's body cut at its headings, and blocks of one document copied into another.

Generic .docx operations on rendered packages: :func:`split_sections` reads a body as
the sections that start at each paragraph of a heading style; :func:`insert_blocks`
replaces marker paragraphs of one document by copies of another's paragraphs and
tables, bringing the styles and list numbering they use; :func:`drop_last_section`
removes a body's last section (an annex page left empty). Nothing here knows what a
document means: the caller chooses the heading style, where the last section ends and
what a marker says.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from attrs import frozen

from iscg_docs.docx.package import normalize_package

__all__ = [
    "Section",
    "block_text",
    "blocks_equal",
    "body_blocks",
    "drop_last_section",
    "insert_blocks",
    "last_section_blocks",
    "paragraphs_of_style",
    "split_sections",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOCUMENT = "word/document.xml"
_STYLES = "word/styles.xml"
_NUMBERING = "word/numbering.xml"

#: An lxml element (lxml ships no type information).
Element = Any


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


@frozen
class Section:
    """The blocks from one heading paragraph to the next.

    Attributes:
        heading: the text of the heading paragraph.
        blocks: the paragraphs and tables after it (lxml elements of the source body).
    """

    heading: str
    blocks: tuple[Element, ...]


def _read(package: bytes, member: str) -> bytes | None:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        try:
            return archive.read(member)
        except KeyError:
            return None


def _parse(xml: bytes) -> Element:
    from lxml import etree

    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True))


def body_blocks(package: bytes) -> list[Element]:
    """The paragraphs and tables of a .docx body, in order (the final section properties left out).

    Raises:
        ValueError: the package has no main document part.
    """
    xml = _read(package, _DOCUMENT)
    if xml is None:
        raise ValueError("not a Word document: word/document.xml is missing")
    body = _parse(xml).find(_w("body"))
    return [b for b in body if b.tag in (_w("p"), _w("tbl"))]


def block_text(block: Element) -> str:
    """The text a paragraph or table shows (tabs and breaks left out)."""
    return "".join(t.text or "" for t in block.iter(_w("t")))


def _style(paragraph: Element) -> str | None:
    style = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
    return None if style is None else str(style.get(_w("val")))


def paragraphs_of_style(blocks: Sequence[Element], style: str) -> list[str]:
    """The texts of the paragraphs of style id ``style`` among ``blocks``, in order."""
    return [block_text(b) for b in blocks if b.tag == _w("p") and _style(b) == style]


def split_sections(
    blocks: Sequence[Element], style: str, *, end: Callable[[Element], bool] | None = None
) -> list[Section]:
    """Cut ``blocks`` into sections, each starting at a paragraph of style id ``style``.

    Blocks before the first heading belong to no section.

    Args:
        blocks: a body's blocks (:func:`body_blocks`).
        style: the heading paragraphs' style id, e.g. "Heading1".
        end: true on the first block after the last section (a closing formula); the
            last section otherwise runs to the end of the body.

    Returns:
        The sections in order.
    """
    sections: list[Section] = []
    heading: str | None = None
    current: list[Element] = []
    for block in blocks:
        if end is not None and end(block):
            break
        if block.tag == _w("p") and _style(block) == style:
            if heading is not None:
                sections.append(Section(heading, tuple(current)))
            heading, current = block_text(block), []
        elif heading is not None:
            current.append(block)
    if heading is not None:
        sections.append(Section(heading, tuple(current)))
    return sections


def blocks_equal(first: Sequence[Element], second: Sequence[Element]) -> bool:
    """Whether two runs of blocks are the same XML (same text, same formatting)."""
    from lxml import etree

    def canonical(blocks: Sequence[Element]) -> list[bytes]:
        return [etree.tostring(b, method="c14n") for b in blocks]

    return canonical(first) == canonical(second)


def _used(blocks: Sequence[Element], tags: Sequence[str]) -> Iterator[str]:
    for block in blocks:
        for tag in tags:
            for element in block.iter(_w(tag)):
                yield str(element.get(_w("val")))


def _copy_styles(target: Element, source: Element | None, wanted: set[str]) -> None:
    """Copy into ``target`` the styles of ``wanted`` it lacks, with those they are based on."""
    if source is None:
        return
    present = {s.get(_w("styleId")) for s in target.iter(_w("style"))}
    by_id = {s.get(_w("styleId")): s for s in source.iter(_w("style"))}
    pending = [s for s in wanted if s not in present]
    while pending:
        style_id = pending.pop()
        style = by_id.get(style_id)
        if style is None or style_id in present:
            continue
        target.append(copy.deepcopy(style))
        present.add(style_id)
        for link in ("basedOn", "next", "link"):
            ref = style.find(_w(link))
            if ref is not None:
                pending.append(ref.get(_w("val")))


def _copy_numbering(
    target: Element | None, source: Element | None, copies: Sequence[Element]
) -> None:
    """Give the list numbering of the copied blocks fresh ids in ``target``."""
    used = sorted({n for n in _used(copies, ("numId",)) if n != "0"})
    if not used:
        return
    if target is None or source is None:
        raise ValueError("copied paragraphs use list numbering that the documents lack")
    nums = {n.get(_w("numId")): n for n in source.iter(_w("num"))}
    abstracts = {a.get(_w("abstractNumId")): a for a in source.iter(_w("abstractNum"))}
    next_num = 1 + max((int(n.get(_w("numId"))) for n in target.iter(_w("num"))), default=0)
    next_abs = 1 + max(
        (int(a.get(_w("abstractNumId"))) for a in target.iter(_w("abstractNum"))), default=-1
    )
    renamed: dict[str, str] = {}
    for old in used:
        num = copy.deepcopy(nums[old])
        abstract = copy.deepcopy(abstracts[num.find(_w("abstractNumId")).get(_w("val"))])
        abstract.set(_w("abstractNumId"), str(next_abs))
        num.find(_w("abstractNumId")).set(_w("val"), str(next_abs))
        num.set(_w("numId"), str(next_num))
        # Abstract definitions come before every num, as the schema orders them.
        first_num = target.find(_w("num"))
        if first_num is None:
            target.append(abstract)
        else:
            first_num.addprevious(abstract)
        target.append(num)
        renamed[old] = str(next_num)
        next_num, next_abs = next_num + 1, next_abs + 1
    for block in copies:
        for element in block.iter(_w("numId")):
            value = element.get(_w("val"))
            if value in renamed:
                element.set(_w("val"), renamed[value])


def _serialise(root: Element) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _styles_and_numbering(
    target: bytes, source: bytes, copies: Sequence[Element]
) -> dict[str, bytes]:
    """The styles and numbering parts of ``target`` that the copies need changed.

    Parts are parsed only when something is missing: copying between documents made
    from the same template, the usual case, changes neither.
    """
    replaced: dict[str, bytes] = {}
    styles_xml = _read(target, _STYLES)
    wanted = set(_used(copies, ("pStyle", "rStyle", "tblStyle")))
    if styles_xml is not None and any(
        f'w:styleId="{name}"'.encode() not in styles_xml for name in wanted
    ):
        styles = _parse(styles_xml)
        source_styles = _read(source, _STYLES)
        _copy_styles(styles, source_styles and _parse(source_styles), wanted)
        replaced[_STYLES] = _serialise(styles)
    if any(n != "0" for n in _used(copies, ("numId",))):
        numbering_xml, source_numbering = _read(target, _NUMBERING), _read(source, _NUMBERING)
        numbering = numbering_xml and _parse(numbering_xml)
        _copy_numbering(numbering, source_numbering and _parse(source_numbering), copies)
        replaced[_NUMBERING] = _serialise(numbering)
    return replaced


def insert_blocks(target: bytes, source: bytes, blocks: Mapping[str, Sequence[Element]]) -> bytes:
    """Replace each marker paragraph of ``target`` by copies of blocks of ``source``.

    A marker paragraph is one whose whole text is a key of ``blocks``. The styles the
    copies use and ``target`` lacks are copied from ``source``, and so is their list
    numbering, under fresh ids, so each copied list keeps its look.

    Args:
        target: the .docx receiving the blocks.
        source: the .docx the blocks come from.
        blocks: marker text → blocks of ``source`` (:func:`body_blocks`) to put there.

    Returns:
        ``target`` with the copies, as a normalised package (:func:`normalize_package`).

    Raises:
        ValueError: a marker is not found, or a block refers to a part of ``source``
            (an image, a link) that copying cannot bring.
    """
    document = _parse(_read(target, _DOCUMENT) or b"")
    markers = {
        block_text(p): p for p in document.find(_w("body")).iter(_w("p")) if block_text(p) in blocks
    }
    missing = set(blocks) - set(markers)
    if missing:
        raise ValueError(f"marker paragraphs not found: {sorted(missing)}")
    copies = [copy.deepcopy(b) for chosen in blocks.values() for b in chosen]
    for block in copies:
        # A section break of the source (a landscape page and its headers) is its page
        # layout, not its text: the copies take the target's layout.
        for section in block.findall(f".//{_w('sectPr')}"):
            section.getparent().remove(section)
    for block in copies:
        for element in block.iter():
            if any(name.startswith(f"{{{_R}}}") for name in element.attrib):
                raise ValueError("copied blocks refer to parts of their document (images, links)")
    replaced = _styles_and_numbering(target, source, copies)
    position = iter(copies)
    for marker, chosen in blocks.items():
        paragraph = markers[marker]
        for _ in chosen:
            paragraph.addprevious(next(position))
        paragraph.getparent().remove(paragraph)
    replaced[_DOCUMENT] = _serialise(document)
    return normalize_package(target, replace=replaced)


def _section_break(block: Element) -> bool:
    return block.tag == _w("p") and block.find(f"{_w('pPr')}/{_w('sectPr')}") is not None


def last_section_blocks(package: bytes) -> list[Element]:
    """The paragraphs and tables after the body's last section break (all of them if none)."""
    blocks = body_blocks(package)
    breaks = [i for i, b in enumerate(blocks) if _section_break(b)]
    return blocks[breaks[-1] + 1 :] if breaks else blocks


def drop_last_section(package: bytes) -> bytes:
    """Remove the body's last section: what follows the last section break goes.

    The section before it becomes the last one, with its own page layout; the paragraph
    that held its properties stays, empty, so the body still ends with a paragraph.

    Returns:
        The package normalised (:func:`normalize_package`).

    Raises:
        ValueError: the body has a single section.
    """
    document = _parse(_read(package, _DOCUMENT) or b"")
    body = document.find(_w("body"))
    breaks = [b for b in body if _section_break(b)]
    if not breaks:
        raise ValueError("the document has a single section")
    mark = breaks[-1]
    final = body.find(_w("sectPr"))
    for block in list(mark.itersiblings()):
        if block is not final:
            body.remove(block)
    for child in list(mark):
        if child.tag != _w("pPr"):
            mark.remove(child)
    section = mark.find(f"{_w('pPr')}/{_w('sectPr')}")
    if final is None:
        body.append(section)
    else:
        body.replace(final, section)
    return normalize_package(package, replace={_DOCUMENT: _serialise(document)})
