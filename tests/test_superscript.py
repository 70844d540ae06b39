"""Superscript runs: the marked text of a rendered run, written as a run of its own."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from iscg_docs._characters import SUPERSCRIPT_CLOSE as CLOSE
from iscg_docs._characters import SUPERSCRIPT_OPEN as OPEN
from iscg_docs.docx.engine.compiled import CompiledTemplate
from iscg_docs.docx.engine.stock import effective_env, render_stock
from iscg_docs.docx.engine.superscript import superscripts
from iscg_docs.docx.renderer import Renderer

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
UP = '<w:vertAlign w:val="superscript"/>'


def run(text: str, properties: str = "") -> bytes:
    """A paragraph of one run holding ``text``."""
    return f"<w:p><w:r>{properties}<w:t>{text}</w:t></w:r></w:p>".encode()


class TestSuperscripts:
    """The pass on a rendered part's bytes."""

    def test_no_marker_same_bytes(self) -> None:
        """A part without a marker is returned as it is."""
        xml = run("Article 2")
        assert superscripts(xml) is xml

    def test_run_cut_in_three(self) -> None:
        """« 1er janvier »: the figure, the raised suffix, the rest, each a run."""
        got = superscripts(run(f"du 1{OPEN}er{CLOSE} janvier")).decode()
        assert got == (
            "<w:p><w:r><w:t>du 1</w:t></w:r>"
            f"<w:r><w:rPr>{UP}</w:rPr><w:t>er</w:t></w:r>"
            '<w:r><w:t xml:space="preserve"> janvier</w:t></w:r></w:p>'
        )

    def test_properties_kept_in_schema_order(self) -> None:
        """The raised run keeps bold and language; w:vertAlign goes before w:lang."""
        properties = '<w:rPr><w:b/><w:lang w:val="fr-FR"/></w:rPr>'
        got = superscripts(run(f"Article 1{OPEN}er{CLOSE}", properties)).decode()
        assert f'<w:rPr><w:b/>{UP}<w:lang w:val="fr-FR"/></w:rPr><w:t>er</w:t>' in got
        assert got.count("<w:b/>") == 2

    def test_existing_alignment_replaced(self) -> None:
        """A subscript run asked for a superscript holds one alignment only."""
        properties = '<w:rPr><w:vertAlign w:val="subscript"/></w:rPr>'
        got = superscripts(run(f"2{OPEN}e{CLOSE}", properties)).decode()
        assert got.count("w:vertAlign") == 2  # the plain run's subscript, the raised one's
        assert f"<w:rPr>{UP}</w:rPr><w:t>e</w:t>" in got

    def test_several_in_one_run(self) -> None:
        """Each marked text of a run is raised."""
        got = superscripts(run(f"1{OPEN}re{CLOSE} et 2{OPEN}e{CLOSE} années")).decode()
        assert got.count(UP) == 2
        assert OPEN not in got
        assert CLOSE not in got

    def test_marker_outside_text_dropped(self) -> None:
        """A marker where no run text is (an attribute's value) is removed, never left."""
        xml = f'<w:p w:x="{OPEN}"><w:r><w:t>a</w:t></w:r></w:p>'.encode()
        assert superscripts(xml) == b'<w:p w:x=""><w:r><w:t>a</w:t></w:r></w:p>'

    @given(st.text(alphabet=st.sampled_from(["a", " ", "1", OPEN, CLOSE]), max_size=20))
    def test_text_unchanged_but_markers(self, text: str) -> None:
        """Read back, the paragraph says the same text, markers removed."""
        got = superscripts(run(text)).decode().replace("<w:p>", f'<w:p xmlns:w="{W}">', 1)
        root = etree.fromstring(got)
        assert "".join(t.text or "" for t in root.iter(f"{{{W}}}t")) == (
            text.replace(OPEN, "").replace(CLOSE, "")
        )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template whose static text asks for a superscript, and a value that does too."""
    document = Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(f"Article 1{OPEN}er{CLOSE} – ").bold = True
    paragraph.add_run("{{ date }}")
    document.sections[0].header.paragraphs[0].text = "{{ date }}"
    path = tmp_path_factory.mktemp("superscript") / "raised.docx"
    document.save(str(path))
    return path


def part(package: bytes, name: str = "word/document.xml") -> str:
    """One member of a package, as text."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return archive.read(name).decode()


class TestEngines:
    """Every engine writes the same superscript runs."""

    CONTEXT = {"date": f"le 1{OPEN}er{CLOSE} janvier 2021"}  # noqa: RUF012

    def test_compiled_writes_runs(self, template: Path) -> None:
        """Template text and values alike; the bold run's suffix stays bold."""
        body = part(CompiledTemplate(template).render(self.CONTEXT))
        assert body.count(UP) == 2
        assert f"<w:rPr><w:b/>{UP}</w:rPr>" in body
        assert OPEN not in body
        assert CLOSE not in body
        assert UP in part(CompiledTemplate(template).render(self.CONTEXT), "word/header1.xml")

    def test_stock_path_same_bytes(self, template: Path) -> None:
        """The stock fallback gives the compiled engine's document, byte for byte."""
        compiled = CompiledTemplate(template).render(self.CONTEXT)
        stock = render_stock(DocxTemplate(template), self.CONTEXT, effective_env(None, False), {})
        for name in ("word/document.xml", "word/header1.xml"):
            assert part(stock, name) == part(compiled, name)

    def test_renderer(self, template: Path) -> None:
        """The public renderer writes them too."""
        assert UP in part(Renderer(template).render(self.CONTEXT))
