"""Tests for templates/convention_cadre.docx rendered with the context: re-read, not compared."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import attrs
import docx
import pytest

from iscg_docs import french
from iscg_docs.convention.context import build_context
from iscg_docs.convention.properties import document_properties
from iscg_docs.convention.render import default_template
from iscg_docs.model.records import Framework
from tests.helpers import stock_docx, with_years

REFS = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")
IDS = ["bassin-minier", "maconnais", "bresse"]


def render(fw: Framework, ref: str, *, draft: bool = False) -> bytes:
    c = fw.convention(ref)
    return stock_docx(
        default_template(),
        build_context(fw, c, draft=draft),
        properties=document_properties(fw, c),
        filters=french.FILTERS,
    )


def xml_parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def body_text(document: Any) -> str:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def header_text(document: Any) -> str:
    return "\n".join(p.text for p in document.sections[0].header.paragraphs)


def parse_money(text: str) -> Decimal:
    """ "12 345,67 €" (U+202F, U+00A0) back to Decimal, refusing anything else."""
    m = re.fullmatch(r"(\d{1,3}(?:\u202f\d{3})*),(\d{2})\u00a0€", text)
    assert m, f"not a French amount: {text!r}"
    return Decimal(m.group(1).replace("\u202f", "") + "." + m.group(2))


def financing_table(document: Any) -> Any:
    for table in document.tables:
        if table.rows[0].cells[0].text == "Année":
            return table
    raise AssertionError("no financing table")


@pytest.fixture(scope="module")
def rendered(framework: Framework) -> dict[tuple[str, bool], bytes]:
    """Each example rendered once, final and draft."""
    return {(ref, d): render(framework, ref, draft=d) for ref in REFS for d in (False, True)}


class TestRenderedDocument:
    """The three examples render into valid, complete French documents."""

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_no_template_tags_left(self, rendered: dict[Any, bytes], ref: str) -> None:
        """No {{, {% or {# remains in any XML member, draft or not."""
        for draft in (False, True):
            for name, xml in xml_parts(rendered[ref, draft]).items():
                for tag in ("{{", "{%", "{#"):
                    assert tag not in xml, (name, tag)

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_parties_amounts_dates(
        self, framework: Framework, rendered: dict[Any, bytes], ref: str
    ) -> None:
        """Every party, each year's amounts, the totals and the dates appear in French."""
        document = docx.Document(io.BytesIO(rendered[ref, False]))
        text = body_text(document)
        c = framework.convention(ref)
        for pid in (framework.state, framework.departement, *c.parties, *c.cosignatories):
            party = framework.party(pid)
            assert french.designation(party)[1:] in text, pid
            assert party.signatory is not None
            assert party.signatory.full_name in text
        ctx = build_context(framework, c)
        for year in ctx["financing"]["years"]:
            assert year["cost"] in text
            for cell in year["cells"]:
                assert cell["amount"] in text
        for total in ctx["financing"]["totals"]:
            assert total["amount"] in text
            assert total["amount_full"] in text
        assert ctx["financing"]["total_cost"] in text
        assert "du 1er\u00a0janvier 2021 au 31\u00a0décembre 2023" in text
        assert "17\u00a0décembre 2020" in text
        assert "Fait à Mâcon, le 8\u00a0mars 2021, en " in text
        assert "tribunal administratif de Dijon" in text

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_financing_table_adds_up(self, rendered: dict[Any, bytes], ref: str) -> None:
        """Re-read from the .docx: each row and column total is the sum of its cells."""
        table = financing_table(docx.Document(io.BytesIO(rendered[ref, False])))
        self._check_table(table)

    @staticmethod
    def _check_table(table: Any) -> None:
        rows = [[cell.paragraphs[0].text for cell in row.cells] for row in table.rows]
        header, *years, total = rows
        assert header[-1] == "Coût de l’année"
        assert total[0] == "Total sur la période"
        grid = [[parse_money(x) for x in row[1:]] for row in years]
        totals = [parse_money(x) for x in total[1:]]
        for row in grid:
            assert sum(row[:-1], Decimal(0)) == row[-1]
        for j, column_total in enumerate(totals):
            assert sum((row[j] for row in grid), Decimal(0)) == column_total
        assert sum(totals[:-1], Decimal(0)) == totals[-1]

    @pytest.mark.parametrize("years", [1, 10], ids=["one-year", "ten-years"])
    def test_financing_table_any_length(self, framework: Framework, years: int) -> None:
        """One to ten years give one row each, still adding up."""
        fw = with_years(framework, REFS[0], years, Decimal("333.33"))
        document = docx.Document(io.BytesIO(render(fw, REFS[0])))
        table = financing_table(document)
        assert len(table.rows) == years + 2
        self._check_table(table)
        grid = table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))
        assert len(grid) == len(table.rows[0].cells) == 8

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_article_headings(self, rendered: dict[Any, bytes], ref: str) -> None:
        """Article headings use the built-in Heading 1 style, numbered 1er, 2, 3…"""
        document = docx.Document(io.BytesIO(rendered[ref, False]))
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        articles = [h for h in headings if h.startswith("Article")]
        assert articles[0] == "Article 1er – Objet"
        assert [a.split(" – ")[0] for a in articles[1:]] == [
            f"Article {i}" for i in range(2, len(articles) + 1)
        ]
        assert "Préambule" in headings

    def test_cross_references_follow_numbering(self, rendered: dict[Any, bytes]) -> None:
        """With co-signatories Financement is article 5, without it is article 4."""
        bassin = body_text(docx.Document(io.BytesIO(rendered[REFS[0], False])))
        macon = body_text(docx.Document(io.BytesIO(rendered[REFS[1], False])))
        assert "Article 4 – Financement" in bassin
        assert "telle que fixée à l’article 4, à la commune" in bassin
        assert "Engagements des cosignataires" not in bassin
        assert "Article 4 – Engagements des cosignataires" in macon
        assert "Article 5 – Financement" in macon
        assert "telle que fixée à l’article 5, à la communauté" in macon

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_header_and_footer(self, rendered: dict[Any, bytes], ref: str) -> None:
        """The header holds the reference; the footer PAGE and NUMPAGES fields."""
        parts = xml_parts(rendered[ref, False])
        document = docx.Document(io.BytesIO(rendered[ref, False]))
        assert ref.replace("-", "\u2011") in header_text(document)  # no break in it
        footers = "".join(xml for name, xml in parts.items() if "footer" in name)
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footers)
        assert re.search(r"<w:instrText[^>]*> NUMPAGES </w:instrText>", footers)
        assert "Page " in footers
        assert " sur " in footers

    def test_page_setup(self, rendered: dict[Any, bytes]) -> None:
        """A4 with 2.5 cm margins."""
        section = docx.Document(io.BytesIO(rendered[REFS[0], False])).sections[0]
        assert (section.page_width.cm, section.page_height.cm) == pytest.approx(
            (21, 29.7), abs=0.01
        )
        assert section.left_margin.cm == pytest.approx(2.5, abs=0.01)

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_draft(self, rendered: dict[Any, bytes], ref: str) -> None:
        """A draft says PROJET in the header, has a watermark, and no signature date."""
        document = docx.Document(io.BytesIO(rendered[ref, True]))
        assert "PROJET" in header_text(document)
        headers = "".join(x for n, x in xml_parts(rendered[ref, True]).items() if "header" in n)
        assert 'string="PROJET"' in headers
        assert "Fait à Mâcon, le ……………, en " in body_text(document)
        assert "8 mars 2021" not in body_text(document)

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_final_has_no_draft_mark(self, rendered: dict[Any, bytes], ref: str) -> None:
        """A final document has no PROJET anywhere."""
        for name, xml in xml_parts(rendered[ref, False]).items():
            assert "PROJET" not in xml, name

    def test_core_properties(self, rendered: dict[Any, bytes]) -> None:
        """The core properties come from document_properties."""
        props = docx.Document(io.BytesIO(rendered[REFS[0], False])).core_properties
        assert props.language == "fr-FR"
        assert props.title.startswith("Convention triennale")


class TestLegalText:
    """The text the template writes itself, as reviewed by a jurist (docs/references.md)."""

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_visas_cite_articles(self, rendered: dict[Any, bytes], ref: str) -> None:
        """Visas cite articles, not whole codes, and the FIPD circular by its real title."""
        text = body_text(docx.Document(io.BytesIO(rendered[ref, False])))
        assert "Vu le code général des collectivités territoriales" not in text
        assert "notamment ses articles 226-13 et 226-14" in text
        assert "notamment ses articles L.\u00a0132-4 et L.\u00a0132-13" in text
        assert "déclinaison territoriale des politiques de prévention de la délinquance" in text
        assert "qui pilote la politique" not in text

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_clauses(self, rendered: dict[Any, bytes], ref: str) -> None:
        """The clauses the review found missing are there."""
        text = body_text(docx.Document(io.BytesIO(rendered[ref, False])))
        for phrase in (
            "autorité hiérarchique",
            "autorité fonctionnelle",
            "désigne en son sein un référent",
            "diplôme d’État de travail social",
            "Lorsqu’un poste est vacant",
            "demeurent après la fin de la convention",
            "convoqué par le représentant de l’État",
            "le procureur de la République et les membres du réseau VIF y sont invités",
            "sous réserve du vote des crédits",
            "responsable de ces traitements",
            "qui se présentent d’elles-mêmes",
        ):
            assert phrase in text, phrase
        assert "premier filtre" not in text

    def test_typography_of_template_text(self, rendered: dict[Any, bytes]) -> None:
        """The template's own text: ’, and no-break spaces after n°, before % and between a
        day and its month."""
        text = body_text(docx.Document(io.BytesIO(rendered[REFS[0], False])))
        assert "loi n°\u00a078\u201117 du 6\u00a0janvier 1978" in text
        assert "Il est convenu ce qui suit\u00a0:" in text
        assert "l’Assemblée départementale a réaffirmé" in text
        assert "100\u00a0%" in text

    def test_singular_for_one_post(self, rendered: dict[Any, bytes]) -> None:
        """One post (Bresse) is « le poste suivant »; two (Mâconnais) « les postes suivants »."""
        bresse = body_text(docx.Document(io.BytesIO(rendered[REFS[2], False])))
        macon = body_text(docx.Document(io.BytesIO(rendered[REFS[1], False])))
        assert "porte sur le poste suivant" in bresse
        assert "Le coût du poste" in bresse
        assert "porte sur les postes suivants" in macon
        assert "Article 2 – Missions des intervenants sociaux" in macon


class TestEscaping:
    """User text comes out literally: no markup, no template evaluation."""

    def test_hostile_party_name(self, framework: Framework) -> None:
        """A party named ``Saint-Vallier & <Cie> {{ 7*7 }}`` is printed as written."""
        name = "Saint-Vallier & <Cie> {{ 7*7 }}"
        fw = attrs.evolve(
            framework,
            parties=tuple(
                attrs.evolve(p, name=name) if p.id == "saint-vallier" else p
                for p in framework.parties
            ),
        )
        data = render(fw, REFS[0])
        text = body_text(docx.Document(io.BytesIO(data)))
        assert f"La commune de {name}, représentée par" in text
        assert "49" not in text
        document_xml = xml_parts(data)["word/document.xml"]
        assert "&amp; &lt;Cie&gt;" in document_xml


def _w(name: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{name}"


def _signature_tables(document: Any) -> list[Any]:
    return [t for t in document.tables if t.rows[0].cells[0].text.startswith("Pour ")]


class TestPageLayout:
    """What keeps the pages right, read from the .docx: sections, rows, keep-with-next."""

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_plan_annexed_on_a_landscape_page_after_the_signatures(
        self, rendered: dict[Any, bytes], ref: str
    ) -> None:
        """Two sections: the text in portrait up to the signatures, then the annexed plan.

        A landscape section always starts a page; at the end it starts where the
        signature page ends anyway, and no portrait page before it is left mostly empty.
        """
        document = docx.Document(io.BytesIO(rendered[ref, False]))
        portrait, landscape = document.sections
        assert portrait.page_width < portrait.page_height
        assert landscape.page_width > landscape.page_height
        body = list(document.element.body)
        breaks = [
            i for i, b in enumerate(body) if b.find(f"{_w('pPr')}/{_w('sectPr')}") is not None
        ]
        texts = ["".join(t.text or "" for t in b.iter(_w("t"))) for b in body]
        closing = next(i for i, t in enumerate(texts) if t.startswith("Fait à "))
        annex = next(i for i, t in enumerate(texts) if t.startswith("Annexe"))
        plan = next(i for i, b in enumerate(body) if "Année" in texts[i] and b.tag == _w("tbl"))
        assert len(breaks) == 1
        assert closing < breaks[0] < annex < plan
        assert not any(texts[i] for i in breaks), "the section break paragraph is empty"

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_signature_rows_never_break_and_keep_together(
        self, rendered: dict[Any, bytes], ref: str
    ) -> None:
        """Every signature row is unbreakable and every paragraph in it keeps with the next.

        The blocks then stay on one page with « Fait à » and the last article, which keep
        with them too: no page holds signatures only.
        """
        document = docx.Document(io.BytesIO(rendered[ref, False]))
        tables = _signature_tables(document)
        assert tables
        for table in tables:
            for row in table.rows:
                assert row._tr.find(f"{_w('trPr')}/{_w('cantSplit')}") is not None
                for cell in row.cells:
                    assert all(p.paragraph_format.keep_with_next for p in cell.paragraphs)
            # The room to sign and seal: 3 cm at least.
            heights = [r.height for r in table.rows if r.height is not None]
            assert heights
            assert all(h.cm >= 3 - 0.01 for h in heights)
        paragraphs = document.paragraphs
        closing = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Fait à "))
        last_heading = max(
            i for i, p in enumerate(paragraphs[:closing]) if p.style.name == "Heading 1"
        )
        for p in paragraphs[last_heading : closing + 1]:
            assert p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next

    def test_posts_table_place_names_unbreakable(self, rendered: dict[Any, bytes]) -> None:
        """Place names in the posts table are not cut at their hyphens (U+2011)."""
        document = docx.Document(io.BytesIO(rendered[REFS[0], False]))
        posts = next(t for t in document.tables if t.rows[0].cells[0].text == "Force")
        # Lieu d'exercice, commune, employeur (the quotité is « un mi-temps »).
        places = [r.cells[i].text for r in posts.rows[1:] for i in (1, 2, 4)]
        assert "Montceau\u2011les\u2011Mines" in places
        assert not any("-" in c for c in places)
        for row in posts.rows[1:]:
            assert row._tr.find(f"{_w('trPr')}/{_w('cantSplit')}") is not None
        assert all(
            p.runs[0].font.size is None or p.runs[0].font.size.pt >= 9
            for r in posts.rows
            for c in r.cells
            for p in c.paragraphs
            if p.runs
        )
