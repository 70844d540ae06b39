"""Tests for docx.sections: bodies cut at headings, blocks copied between documents."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from iscg_docs.docx.sections import (
    W,
    block_text,
    blocks_equal,
    body_blocks,
    drop_last_section,
    insert_blocks,
    last_section_blocks,
    paragraphs_of_style,
    split_sections,
)


def saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def source_document() -> bytes:
    """Two sections under « Heading 1 », a custom style, a list with direct numbering, a close."""
    doc = Document()
    doc.add_paragraph("Titre du document", style="Title")
    doc.add_paragraph("Préambule, hors section.")
    doc.add_paragraph("Article 1 – Objet", style="Heading 1")
    style = doc.styles.add_style("Citation juridique", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    doc.add_paragraph("Texte cité.", style="Citation juridique")
    numbered = doc.add_paragraph("Premier point.")
    numbered._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    )
    doc.add_paragraph("Article 2 – Durée", style="Heading 1")
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "cellule"
    doc.add_paragraph("Fait à Mâcon.")
    doc.add_paragraph("Après la fin.")
    return saved(doc)


def target_document() -> bytes:
    doc = Document()
    doc.add_paragraph("Avant.")
    doc.add_paragraph("[[marqueur]]")
    doc.add_paragraph("Après.")
    return saved(doc)


def member(package: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.read(name)


class TestSplit:
    def test_sections_at_headings(self) -> None:
        """Blocks before the first heading belong to none; the last section stops at ``end``."""
        blocks = body_blocks(source_document())
        sections = split_sections(
            blocks, "Heading1", end=lambda b: block_text(b).startswith("Fait à")
        )
        assert [s.heading for s in sections] == ["Article 1 – Objet", "Article 2 – Durée"]
        assert [block_text(b) for b in sections[0].blocks] == ["Texte cité.", "Premier point."]
        assert [b.tag for b in sections[1].blocks] == [f"{{{W}}}tbl"]

    def test_without_end(self) -> None:
        """Without ``end`` the last section runs to the end of the body."""
        sections = split_sections(body_blocks(source_document()), "Heading1")
        assert block_text(sections[-1].blocks[-1]) == "Après la fin."

    def test_title_paragraphs(self) -> None:
        assert paragraphs_of_style(body_blocks(source_document()), "Title") == ["Titre du document"]

    def test_equal_blocks(self) -> None:
        """The same document's blocks compare equal; different sections do not."""
        first, second = body_blocks(source_document()), body_blocks(source_document())
        assert blocks_equal(first, second)
        assert not blocks_equal(first[:3], second[1:4])


class TestInsert:
    def test_blocks_styles_and_numbering_copied(self) -> None:
        """The marker gives way to the copies; their style and list numbering come along."""
        source = source_document()
        section = split_sections(body_blocks(source), "Heading1")[0]
        out = insert_blocks(target_document(), source, {"[[marqueur]]": section.blocks})
        assert [block_text(b) for b in body_blocks(out)] == [
            "Avant.",
            "Texte cité.",
            "Premier point.",
            "Après.",
        ]
        assert b'w:styleId="Citationjuridique"' in member(out, "word/styles.xml")
        numbering = member(out, "word/numbering.xml")
        (copied,) = [b for b in body_blocks(out) if block_text(b) == "Premier point."]
        num_id = copied.find(f".//{{{W}}}numId").get(f"{{{W}}}val")
        assert num_id != "1"  # a fresh id: the target's own lists keep theirs
        assert f'w:numId="{num_id}"'.encode() in numbering

    def test_missing_marker(self) -> None:
        source = source_document()
        with pytest.raises(ValueError, match="marker"):
            insert_blocks(target_document(), source, {"[[absent]]": body_blocks(source)[:1]})


def landscape_annex_document() -> bytes:
    """A portrait page of text, then a landscape section holding an annex."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    doc = Document()
    doc.add_paragraph("Fait à Mâcon.")
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_paragraph("Annexe – Plan", style="Heading 1")
    doc.add_table(rows=1, cols=2).cell(0, 0).text = "cellule"
    return saved(doc)


class TestDropLastSection:
    def test_last_section_blocks(self) -> None:
        """The blocks after the last section break: the annex heading and its table."""
        blocks = last_section_blocks(landscape_annex_document())
        assert [block_text(b) for b in blocks] == ["Annexe – Plan", "cellule"]

    def test_drops_the_annex_and_its_page_layout(self) -> None:
        """The annex goes; the portrait section is the body's last, ending with a paragraph."""
        dropped = drop_last_section(landscape_annex_document())
        assert [block_text(b) for b in body_blocks(dropped)] == ["Fait à Mâcon.", ""]
        document = Document(io.BytesIO(dropped))
        (section,) = document.sections
        assert section.page_width < section.page_height
        assert len(last_section_blocks(dropped)) == 2

    def test_single_section_refused(self) -> None:
        """A body of one section has nothing to drop."""
        with pytest.raises(ValueError, match="single section"):
            drop_last_section(target_document())
