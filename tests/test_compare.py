"""Tests for the comparison of two .docx as one with Word tracked changes."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import docx
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from iscg_docs.convention.render import ConventionRenderer
from iscg_docs.docx.compare import AUTHOR, compare, compare_documents
from iscg_docs.docx.revisions import W, accept_all, document_text, reject_all
from iscg_docs.errors import InputError
from iscg_docs.model.records import Convention, Framework, SplitShare
from tests.helpers import with_years
from tests.strategies import edited_texts

NS = {"w": W}
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

Change = Callable[[Framework], Framework]


def _convention(fw: Framework, ref: str, **changes: object) -> Framework:
    c = attrs.evolve(fw.convention(ref), **changes)
    return attrs.evolve(
        fw, conventions=tuple(c if x.reference == ref else x for x in fw.conventions)
    )


def fipd(fw: Framework) -> Framework:
    """Avenant-like: the 2023 FIPD of the Bresse convention known at last."""
    c = fw.convention("CD71-ISCG-2021-03")
    years = list(c.funding.years)
    known = attrs.evolve(years[2].state, amount=Decimal(17400), provisional=False)
    years[2] = attrs.evolve(years[2], state=known)
    funding = attrs.evolve(c.funding, years=tuple(years))
    return _convention(fw, c.reference, funding=funding)


def cost(fw: Framework) -> Framework:
    c = fw.convention("CD71-ISCG-2021-03")
    years = (attrs.evolve(c.funding.years[0], cost=Decimal("45000.00")), *c.funding.years[1:])
    return _convention(fw, c.reference, funding=attrs.evolve(c.funding, years=years))


def party_name(fw: Framework) -> Framework:
    parties = tuple(
        attrs.evolve(p, name="Communauté de communes Bresse Nouvelle") if p.id == "bli" else p
        for p in fw.parties
    )
    return attrs.evolve(fw, parties=parties)


def new_post(fw: Framework) -> Framework:
    c = fw.convention("CD71-ISCG-2021-03")
    post = attrs.evolve(c.posts[0], id="bresse-bis", site="brigade de Cuiseaux", commune="Cuiseaux")
    return _convention(fw, c.reference, posts=(*c.posts, post))


def extension(fw: Framework) -> Framework:
    return with_years(fw, "CD71-ISCG-2021-03", 4)


def collectivity_leaves(fw: Framework) -> Framework:
    c = fw.convention("CD71-ISCG-2021-01")
    split = tuple(
        SplitShare(party="blanzy", percent=Decimal("32.5")) if s.party == "blanzy" else s
        for s in c.funding.split
        if s.party != "sanvignes"
    )
    return _convention(
        fw,
        c.reference,
        parties=tuple(p for p in c.parties if p != "sanvignes"),
        funding=attrs.evolve(c.funding, split=split),
    )


CHANGES: dict[str, tuple[Change, str]] = {
    "fipd": (fipd, "CD71-ISCG-2021-03"),
    "cost": (cost, "CD71-ISCG-2021-03"),
    "party-name": (party_name, "CD71-ISCG-2021-03"),
    "new-post": (new_post, "CD71-ISCG-2021-03"),
    "extension": (extension, "CD71-ISCG-2021-03"),
    "collectivity-leaves": (collectivity_leaves, "CD71-ISCG-2021-01"),
}


@pytest.fixture(scope="module")
def renderer() -> ConventionRenderer:
    return ConventionRenderer()


def render(renderer: ConventionRenderer, fw: Framework, ref: str) -> bytes:
    convention: Convention = fw.convention(ref)
    return renderer.render_convention(fw, convention)


def body(docx_bytes: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def part_text(docx_bytes: bytes, name: str) -> str:
    """The text a part shows (``w:t`` only: deleted text is not shown)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        root = etree.fromstring(archive.read(name))
    return "".join(root.xpath("//w:t/text()", namespaces=NS))


def states(renderer: ConventionRenderer, framework: Framework, name: str) -> tuple[bytes, bytes]:
    change, ref = CHANGES[name]
    return render(renderer, framework, ref), render(renderer, change(framework), ref)


def check_schema_order(root: etree._Element) -> None:
    """What Word insists on: properties first, revisions beside runs, ids unique."""
    for paragraph in root.iter(f"{{{W}}}p"):
        kids = [c for c in paragraph if isinstance(c.tag, str)]
        assert all(c.tag != f"{{{W}}}pPr" for c in kids[1:])
    for run in root.iter(f"{{{W}}}r"):
        kids = [c for c in run if isinstance(c.tag, str)]
        assert all(c.tag != f"{{{W}}}rPr" for c in kids[1:])
        assert run.find("w:delText", NS) is None or run.getparent().tag == f"{{{W}}}del"
    for revision in root.xpath("//w:ins | //w:del", namespaces=NS):
        parent = etree.QName(revision.getparent()).localname
        assert parent in {"p", "rPr", "trPr", "hyperlink"}, parent
        assert revision.get(f"{{{W}}}author") == AUTHOR
        if parent == "rPr":
            assert revision.getparent().getparent().tag == f"{{{W}}}pPr"
            assert revision.getparent()[0] is revision
    ids = root.xpath("//w:ins/@w:id | //w:del/@w:id", namespaces=NS)
    assert len(ids) == len(set(ids))


class TestConventions:
    """Two states of a generated convention: the changes as revisions, nothing else."""

    @pytest.mark.parametrize("name", sorted(CHANGES))
    def test_accept_gives_new_reject_gives_old(
        self, renderer: ConventionRenderer, framework: Framework, name: str
    ) -> None:
        """Accepting every revision reads as NEW, rejecting every one as OLD."""
        old, new = states(renderer, framework, name)
        assert document_text(old) != document_text(new)
        result, count = compare_documents(old, new)
        assert count > 0
        assert document_text(accept_all(result)) == document_text(new)
        assert document_text(reject_all(result)) == document_text(old)
        check_schema_order(body(result))

    def test_identical_has_no_revision(
        self, renderer: ConventionRenderer, framework: Framework
    ) -> None:
        """A document compared with itself comes back without a single revision."""
        old = render(renderer, framework, "CD71-ISCG-2021-01")
        result, count = compare_documents(old, old)
        assert count == 0
        assert not body(result).xpath("//w:ins | //w:del", namespaces=NS)
        assert document_text(result) == document_text(old)

    def test_fipd_is_word_level(self, renderer: ConventionRenderer, framework: Framework) -> None:
        """The FIPD amount changes in its cell: « 0 » deleted, « 17 400 » inserted; only the
        sentence on the year whose State share was provisional goes whole."""
        old, new = states(renderer, framework, "fipd")
        root = body(compare(old, new))
        deleted = root.xpath("//w:del//w:delText/text()", namespaces=NS)
        inserted = root.xpath("//w:ins//w:t/text()", namespaces=NS)
        assert "0" in deleted
        assert "17\u202f400" in inserted or "17 400" in inserted or "17\xa0400" in inserted
        assert not root.xpath("//w:trPr/w:ins | //w:trPr/w:del", namespaces=NS)
        # The sentence is the document's last paragraph (the annexed plan ends it), whose
        # mark cannot go: its text is deleted and the mark before it, so accepting leaves
        # the paragraph before it last.
        gone = root.xpath("//w:p[w:pPr/w:rPr/w:del]", namespaces=NS)
        assert len(gone) == 1
        last = root.xpath("//w:body/w:p[last()]", namespaces=NS)[0]
        assert "".join(last.xpath(".//w:delText/text()", namespaces=NS)).startswith(
            "Pour la troisième année, la pa"
        )
        assert not last.xpath(".//w:t", namespaces=NS)

    def test_extension_inserts_a_row(
        self, renderer: ConventionRenderer, framework: Framework
    ) -> None:
        """A fourth year is one more row of the financing table, marked inserted."""
        old, new = states(renderer, framework, "extension")
        root = body(compare(old, new))
        rows = root.xpath("//w:tr[w:trPr/w:ins]", namespaces=NS)
        assert len(rows) == 1
        assert "4e année" in "".join(rows[0].itertext())

    def test_leaving_collectivity_deletes_paragraphs(
        self, renderer: ConventionRenderer, framework: Framework
    ) -> None:
        """The collectivity that leaves takes its paragraphs along: runs and marks deleted."""
        old, new = states(renderer, framework, "collectivity-leaves")
        root = body(compare(old, new))
        marks = root.xpath("//w:p[w:pPr/w:rPr/w:del]", namespaces=NS)
        assert marks
        assert all(not p.xpath(".//w:t", namespaces=NS) for p in marks)
        assert any("Sanvignes" in "".join(p.itertext()) for p in marks)

    def test_header_compared(self, renderer: ConventionRenderer, framework: Framework) -> None:
        """The territory is in the header: its change is a revision there too, which
        accepting and rejecting resolve."""
        ref = "CD71-ISCG-2021-03"
        old = render(renderer, framework, ref)
        new = render(renderer, _convention(framework, ref, territory="Bresse louhannaise"), ref)
        result = compare(old, new)
        headers = [n for n in zipfile.ZipFile(io.BytesIO(result)).namelist() if "header" in n]
        assert headers
        texts = {
            d: [part_text(data, n) for n in headers]
            for d, data in [
                ("result", result),
                ("old", old),
                ("new", new),
                ("accepted", accept_all(result)),
                ("rejected", reject_all(result)),
            ]
        }
        assert any("Bresse louhannaise" in t for t in texts["new"])
        assert texts["accepted"] == texts["new"]
        assert texts["rejected"] == texts["old"]
        with zipfile.ZipFile(io.BytesIO(result)) as archive:
            header = etree.fromstring(archive.read(headers[0]))
        assert header.xpath("//w:del//w:delText", namespaces=NS)
        assert header.xpath("//w:ins//w:t", namespaces=NS)

    def test_equal_inputs_equal_bytes(
        self, renderer: ConventionRenderer, framework: Framework
    ) -> None:
        """Equal inputs give equal bytes; the date given is the one written."""
        old, new = states(renderer, framework, "cost")
        assert compare(old, new) == compare(old, new)
        when = dt.datetime(2023, 4, 12, 9, 30, tzinfo=dt.UTC)
        dates = body(compare(old, new, date=when)).xpath("//w:ins/@w:date", namespaces=NS)
        assert set(dates) == {"2023-04-12T09:30:00Z"}


def _docx(paragraphs: list[str], *, table: bool = True) -> bytes:
    """A python-docx document of ``paragraphs``, then a table of them with their lengths."""
    document = docx.Document()
    for index, text in enumerate(paragraphs):
        paragraph = document.add_paragraph()
        # Two runs, the second bold, so words come from runs of different properties.
        half = len(text) // 2
        paragraph.add_run(text[:half])
        paragraph.add_run(text[half:]).bold = index % 2 == 0
    if table and paragraphs:
        # A row per paragraph, so that paragraphs inserted or deleted are rows too.
        cells = document.add_table(rows=len(paragraphs), cols=2)
        for index, text in enumerate(paragraphs):
            cells.cell(index, 0).text = text
            cells.cell(index, 1).text = f"{len(text)} caractères"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class TestGenerated:
    """Random small documents built with python-docx, randomly edited."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(edited_texts())
    def test_round_trip(self, texts: tuple[list[str], list[str]]) -> None:
        """Accept all gives NEW's text, reject all OLD's, for any edit."""
        old, new = (_docx(t) for t in texts)
        result, count = compare_documents(old, new)
        assert document_text(accept_all(result)) == document_text(new)
        assert document_text(reject_all(result)) == document_text(old)
        assert (count == 0) == (document_text(old) == document_text(new))
        check_schema_order(body(result))


class TestCount:
    """The revisions made, counted."""

    def test_word_and_paragraph(self) -> None:
        """A changed word is a deletion and an insertion; a deleted paragraph is its runs
        (one wrapper for consecutive runs) and its mark."""
        old = _docx(["Le coût est de 100 euros.", "Article supprimé.", "Fin."], table=False)
        new = _docx(["Le coût est de 120 euros.", "Fin."], table=False)
        result, count = compare_documents(old, new)
        assert count == 4
        root = body(result)
        assert len(root.xpath("//w:p/w:del", namespaces=NS)) == 2
        assert len(root.xpath("//w:p/w:ins", namespaces=NS)) == 1
        assert len(root.xpath("//w:pPr/w:rPr/w:del", namespaces=NS)) == 1

    def test_word_split_between_runs(self) -> None:
        """A word split between two runs (as Word often splits them) is still one word:
        only what changed is marked."""
        documents = []
        for runs in (["la con", "vention"], ["une convention"]):
            document = docx.Document()
            paragraph = document.add_paragraph()
            for index, text in enumerate(runs):
                paragraph.add_run(text).italic = index == 1
            buffer = io.BytesIO()
            document.save(buffer)
            documents.append(buffer.getvalue())
        result, count = compare_documents(*documents)
        root = body(result)
        assert root.xpath("//w:delText/text()", namespaces=NS) == ["la"]
        assert root.xpath("//w:ins//w:t/text()", namespaces=NS) == ["une"]
        assert count == 2


_RICH_OLD = """
<w:p><w:bookmarkStart w:id="0" w:name="debut"/><w:r><w:t>Avant</w:t></w:r>
<w:bookmarkEnd w:id="0"/><w:r><w:tab/><w:t>le texte</w:t></w:r></w:p>
<w:p><w:hyperlink r:id="rId99"><w:r><w:t>un lien</w:t></w:r></w:hyperlink>
<w:r><w:t xml:space="preserve"> et la page </w:t></w:r>
<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>
<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:r><w:t>Fin</w:t><w:br/><w:t>ligne</w:t></w:r></w:p>
"""
_RICH_NEW = """
<w:p><w:bookmarkStart w:id="0" w:name="debut"/><w:r><w:t>Après</w:t></w:r>
<w:bookmarkEnd w:id="0"/><w:r><w:tab/><w:t>le texte modifié</w:t></w:r></w:p>
<w:p><w:r><w:t>Fin</w:t><w:br/><w:t>dernière ligne</w:t></w:r></w:p>
"""


def _with_body(blocks: str) -> bytes:
    """A python-docx document whose body is ``blocks`` (WordprocessingML)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    holder = etree.fromstring(
        f'<w:body xmlns:w="{W}" xmlns:r="{R_NS}">{blocks.replace(chr(10), "")}</w:body>'
    )
    target = root.find("w:body", NS)
    section = target.find("w:sectPr", NS)
    for child in list(target):
        target.remove(child)
    target.extend([*holder, section])
    return _replace(data, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


class TestLastParagraph:
    """Word cannot remove a body's last paragraph mark: it is never the one marked."""

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            pytest.param(["Début.", "Milieu.", "Fin."], ["Début."], id="deleted"),
            pytest.param(["Début."], ["Début.", "Milieu.", "Fin."], id="inserted"),
        ],
    )
    def test_last_mark_unmarked(self, old: list[str], new: list[str]) -> None:
        """The paragraph before the changed ones carries the mark; the texts still agree."""
        before, after = _docx(old, table=False), _docx(new, table=False)
        result = compare(before, after)
        paragraphs = body(result).findall("w:body/w:p", NS)
        assert not paragraphs[-1].xpath("w:pPr/w:rPr/w:ins | w:pPr/w:rPr/w:del", namespaces=NS)
        assert paragraphs[0].xpath("w:pPr/w:rPr/w:ins | w:pPr/w:rPr/w:del", namespaces=NS)
        assert document_text(accept_all(result)) == document_text(after)
        assert document_text(reject_all(result)) == document_text(before)


class TestRichParagraphs:
    """Bookmarks, hyperlinks, fields, tabs and breaks: compared, copied safely."""

    def test_round_trip_and_safety(self) -> None:
        """The texts come back; OLD's bookmark, link and field code do not clash or dangle."""
        old, new = _with_body(_RICH_OLD), _with_body(_RICH_NEW)
        result = compare(old, new)
        assert document_text(accept_all(result)) == document_text(new)
        assert document_text(reject_all(result)) == document_text(old)
        root = body(result)
        check_schema_order(root)
        assert len(root.xpath("//w:bookmarkStart", namespaces=NS)) == 1
        assert not root.xpath("//w:hyperlink", namespaces=NS)
        assert root.xpath("//w:del//w:delInstrText", namespaces=NS)
        assert root.xpath("//w:delText/text()", namespaces=NS)[0] == "Avant"
        assert document_text(old)[0] == "Avant\tle texte"


class TestBadInput:
    """Inputs that are not .docx: a French error naming the side, nothing returned."""

    @pytest.mark.parametrize(
        ("side", "expected"), [("old", "l'ancien document"), ("new", "le nouveau document")]
    )
    @pytest.mark.parametrize(
        "damage",
        [
            pytest.param(lambda data: b"not a zip at all", id="not-zip"),
            pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
            pytest.param(lambda data: _flip(data), id="corrupted"),
            pytest.param(lambda data: _zip({"a.txt": b"x"}), id="no-document"),
            pytest.param(lambda data: _replace(data, b"<w:document"), id="bad-xml"),
            pytest.param(lambda data: _replace(data, b"<x/>"), id="not-word"),
        ],
    )
    def test_refused(
        self,
        renderer: ConventionRenderer,
        framework: Framework,
        side: str,
        expected: str,
        damage: Callable[[bytes], bytes],
    ) -> None:
        """Each kind of damage is an InputError saying which document is wrong."""
        good = render(renderer, framework, "CD71-ISCG-2021-02")
        bad = damage(good)
        old, new = (bad, good) if side == "old" else (good, bad)
        with pytest.raises(InputError, match=expected) as raised:
            compare(old, new, old_name="avant.docx", new_name="après.docx")
        assert raised.value.source == ("avant.docx" if side == "old" else "après.docx")
        assert raised.value.message.startswith(expected)


def _flip(data: bytes) -> bytes:
    """``data`` with bytes inside the main part's compressed data changed."""
    start = data.index(b"word/document.xml") + 200
    return data[:start] + bytes(b ^ 0x55 for b in data[start : start + 64]) + data[start + 64 :]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _replace(data: bytes, document: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["word/document.xml"] = document
    return _zip(members)


def _convert(document: Path, kind: str) -> Path:
    """``document`` converted by headless LibreOffice to ``kind`` (pdf, odt), beside it."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed")
        pytest.skip("LibreOffice is not installed")
    profile = (document.parent / "profile").absolute()
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            kind,
            "--outdir",
            str(document.parent),
            str(document),
        ],
        capture_output=True,
        timeout=180,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    converted = document.with_suffix(f".{kind}")
    assert converted.is_file(), f"LibreOffice made no {kind} of {document.name}"
    return converted


def _changes(odt: Path) -> Counter[str]:
    """How many insertions and deletions LibreOffice read, from the ODT it wrote."""
    with zipfile.ZipFile(odt) as archive:
        content = etree.fromstring(archive.read("content.xml"))
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    regions = content.iter(f"{{{text}}}changed-region")
    return Counter(etree.QName(region[0]).localname for region in regions)


@pytest.mark.libreoffice
class TestLibreOffice:
    """LibreOffice opens the comparison and reads its revisions as tracked changes."""

    def test_reads_the_revisions(self, tmp_path: Path) -> None:
        """One changed word is one deletion and one insertion; a deleted paragraph, with
        its mark, one more deletion."""
        old = _docx(["Le coût est de 100 euros.", "Article supprimé.", "Fin."], table=False)
        new = _docx(["Le coût est de 120 euros.", "Fin."], table=False)
        path = tmp_path / "comparaison.docx"
        path.write_bytes(compare(old, new))
        assert _changes(_convert(path, "odt")) == Counter({"deletion": 2, "insertion": 1})

    def test_convention_to_pdf(
        self, renderer: ConventionRenderer, framework: Framework, tmp_path: Path
    ) -> None:
        """The FIPD comparison converts to PDF, showing old and new amounts side by side."""
        old, new = states(renderer, framework, "fipd")
        path = tmp_path / "comparaison.docx"
        path.write_bytes(compare(old, new))
        pdf = _convert(path, "pdf")
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        flat = re.sub(r"[\s\u00a0\u202f]+", " ", text)
        # Deleted then inserted, as LibreOffice prints them: struck out, then underlined.
        assert "22 62813 928,70 €" in flat
        assert "34 80052 200,00 €" in flat
