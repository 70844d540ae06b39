"""Tests for iscg_docs.convention.verify: each defect planted in a generated document is found."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from iscg_docs.convention.render import render_convention
from iscg_docs.convention.verify import CODES, Finding, _read, verify_document
from iscg_docs.errors import TemplateError
from iscg_docs.model.financing import compute_financing
from iscg_docs.model.records import Framework

REFS = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")
IDS = ["bassin-minier", "maconnais", "bresse"]
#: Findings the examples still have, all in text the code writes (dates from
#: french.long_date, the split and rounding sentences of the context): the template's own
#: text is clean. Part B of the legal review moves that text to no-break spaces.
FROM_CODE = {"espace-date", "espace-ponctuation"}


@pytest.fixture(scope="module")
def examples(framework: Framework) -> dict[str, bytes]:
    """The three example conventions, rendered once."""
    return {ref: render_convention(framework, framework.convention(ref)) for ref in REFS}


def planted(data: bytes, old: str, new: str) -> bytes:
    """``data`` with its first ``old`` replaced by ``new`` in word/document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            member = source.read(item.filename)
            if item.filename == "word/document.xml":
                text = member.decode("utf-8")
                assert old in text, old
                member = text.replace(old, new, 1).encode("utf-8")
            target.writestr(item, member)
    return out.getvalue()


def new_findings(clean: bytes, old: str, new: str) -> list[Finding]:
    """The findings of the planted document that the clean one does not have.

    Compared without their excerpt: a finding already there keeps its place and message,
    but its excerpt may take in the planted text.
    """
    before = {(f.code, f.where, f.message) for f in verify_document(clean)}
    after = verify_document(planted(clean, old, new))
    return [f for f in after if (f.code, f.where, f.message) not in before]


class TestExamples:
    """The generated examples verify clean, apart from what the code still writes."""

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_only_code_spacing(self, examples: dict[str, bytes], ref: str) -> None:
        """No amount, reference, signature, copies or tag finding; spacing ones only."""
        assert {f.code for f in verify_document(examples[ref])} <= FROM_CODE

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_clean(self, examples: dict[str, bytes], ref: str) -> None:
        """No finding at all."""
        assert verify_document(examples[ref]) == ()

    def test_path_and_bytes(self, examples: dict[str, bytes], tmp_path: object) -> None:
        """A path reads the same as the bytes."""
        from pathlib import Path

        path = Path(str(tmp_path)) / "c.docx"
        path.write_bytes(examples[REFS[1]])
        assert verify_document(path) == verify_document(examples[REFS[1]])

    def test_template_itself(self) -> None:
        """The template, whose plan table has a header and no totals yet, is read without
        error: its tags are found."""
        from iscg_docs.convention.render import default_template

        found = verify_document(default_template())
        assert "balise-restante" in {f.code for f in found}

    def test_not_a_document(self) -> None:
        """Bytes that are no .docx raise TemplateError, in French."""
        with pytest.raises(TemplateError, match="illisible"):
            verify_document(b"pas un document")


class TestPlantedDefects:
    """Each defect planted in the Mâconnais convention's XML gives its finding."""

    @pytest.mark.parametrize(
        ("old", "new", "code"),
        [
            (
                "soixante-quatre mille vingt-neuf euros",
                "soixante-quatre mille vingt-huit euros",
                "montant-lettres",
            ),
            (
                "soixante-quatre mille vingt-neuf euros",
                "soixante-quatre mille vingt-neuf euro",
                "montant-lettres",
            ),
            ("telle que fixée à l’article 5", "telle que fixée à l’article 42", "renvoi-article"),
            ("six (6) exemplaires", "sept (7) exemplaires", "exemplaires"),
            ("six (6) exemplaires", "six (5) exemplaires", "exemplaires"),
            (
                "Il est convenu ce qui suit",
                "Il est convenu {{ oubli }} ce qui suit",
                "balise-restante",
            ),
            ("Il est convenu ce qui suit", "Il est convenu {% if x %}", "balise-restante"),
            ("Entre les soussignés\u00a0:", "Entre les soussignés :", "espace-ponctuation"),
            ("21\u00a0décembre 2006", "21 décembre 2006", "espace-date"),
        ],
        ids=[
            "words-differ",
            "words-misspelt",
            "missing-article",
            "more-copies",
            "copies-words-figures",
            "variable-left",
            "tag-left",
            "space-before-colon",
            "day-month",
        ],
    )
    def test_found(self, examples: dict[str, bytes], old: str, new: str, code: str) -> None:
        """Exactly one new finding, with the expected code, a place and a French message."""
        found = new_findings(examples[REFS[1]], old, new)
        assert [f.code for f in found] == [code]
        assert found[0].where.startswith(("corps", "tableau"))
        assert code in CODES
        assert " : " in str(found[0])

    def test_signature_block_missing(self, examples: dict[str, bytes]) -> None:
        """A party whose block names neither it nor its signatory is reported."""
        data = planted(
            examples[REFS[1]],
            "Pour la communauté d’agglomération Mâconnais Beaujolais Agglomération<",
            "Pour une autre partie<",
        )
        data = planted(data, ">Louis Exemple</w:t>", ">Quelqu’un</w:t>")
        found = [f for f in verify_document(data) if f.code == "signature-manquante"]
        assert len(found) == 1
        assert "Mâconnais Beaujolais Agglomération" in found[0].excerpt

    def test_reference_at_sentence_start(self, examples: dict[str, bytes]) -> None:
        """« L'article 42 … » at the start of a sentence is checked too."""
        found = new_findings(
            examples[REFS[1]], "Il est convenu ce qui suit", "L’article 42 est convenu"
        )
        assert [f.code for f in found] == ["renvoi-article"]
        assert "42" in found[0].message

    def test_other_texts_articles_are_not_references(self, examples: dict[str, bytes]) -> None:
        """« l'article 226-13 du code pénal », « l'article 5 de la loi » are not this
        convention's articles."""
        found = new_findings(
            examples[REFS[1]],
            "Il est convenu ce qui suit",
            "Vu l’article 226-13 du code pénal et l’article 5 de la loi, il est convenu",
        )
        assert found == []


class TestTotals:
    """The plan's table adds up, and the text and the computed plan say the same totals."""

    def test_year_cell_changed(self, examples: dict[str, bytes]) -> None:
        """A contribution changed in the table: its year and its column no longer add up."""
        found = new_findings(examples[REFS[0]], ">5\u202f400,00\u00a0€<", ">5\u202f400,01\u00a0€<")
        assert {f.code for f in found} == {"total-incoherent"}
        assert len(found) == 2
        assert any("ligne 2" in f.where and "coût de l'année" in f.message for f in found)

    def test_commitment_differs_from_table(self, examples: dict[str, bytes]) -> None:
        """A commitment of the text that is not the table's total is found."""
        found = new_findings(
            examples[REFS[0]],
            "quatre-vingt-seize centimes (17\u202f922,96\u00a0€), soit",
            "quatre-vingt-dix-sept centimes (17\u202f922,97\u00a0€), soit",
        )
        assert [f.code for f in found] == ["total-incoherent"]
        assert "engagements" in found[0].message

    def test_total_cost_sentence(self, examples: dict[str, bytes]) -> None:
        """« soit un coût total de … » must be the table's total cost."""
        data = examples[REFS[0]]
        text = "soixante centimes (134\u202f657,60\u00a0€)."
        found = new_findings(data, text, "soixante et un centimes (134\u202f657,61\u00a0€).")
        assert [f.code for f in found] == ["total-incoherent"]

    def test_against_the_computed_plan(
        self, examples: dict[str, bytes], framework: Framework
    ) -> None:
        """With the computed plan: its own plan is clean, another convention's is not."""
        own = compute_financing(framework.convention(REFS[0]), framework)
        other = compute_financing(framework.convention(REFS[1]), framework)
        assert verify_document(examples[REFS[0]], financing=own) == ()
        found = verify_document(examples[REFS[0]], financing=other)
        assert [f.code for f in found] == ["total-incoherent"]


def read_with_python_docx(data: bytes) -> tuple[list[tuple[str, str]], list[list[list[str]]]]:
    """The paragraphs (place, text) and tables (rows of cell texts) as python-docx reads
    them: the reference the verifier's own reader must agree with."""
    import docx
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    paragraphs: list[tuple[str, str]] = []
    tables: list[list[list[str]]] = []
    count = 0
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            count += 1
            paragraphs.append((f"corps, paragraphe {count}", Paragraph(child, document).text))
        elif child.tag.endswith("}tbl"):
            table = Table(child, document)
            rows = []
            for r, row in enumerate(table.rows, 1):
                cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
                rows.append(["\n".join(p.text for p in cell.paragraphs) for cell in cells])
                paragraphs.extend(
                    (f"tableau {len(tables) + 1}, ligne {r}, cellule {c}", p.text)
                    for c, cell in enumerate(cells, 1)
                    for p in cell.paragraphs
                )
            tables.append(rows)
    seen: list[object] = []
    for section in document.sections:
        for where, parts in (
            ("en-tête", (section.header, section.first_page_header, section.even_page_header)),
            ("pied de page", (section.footer, section.first_page_footer, section.even_page_footer)),
        ):
            for part in parts:
                if not part.is_linked_to_previous and all(part.part is not s for s in seen):
                    seen.append(part.part)
                    paragraphs.extend((where, p.text) for p in part.paragraphs)
    return paragraphs, tables


#: Defects planted together, each giving its own finding, to compare readings with.
DEFECTS = [
    ("soixante-quatre mille vingt-neuf euros", "soixante-quatre mille vingt-huit euros"),
    ("telle que fixée à l’article 5", "telle que fixée à l’article 42"),
    ("six (6) exemplaires", "sept (7) exemplaires"),
    ("21\u00a0décembre 2006", "21 décembre 2006"),
    ("Il est convenu ce qui suit", "Il est convenu {{ oubli }} ce qui suit"),
]


def with_defects(data: bytes) -> bytes:
    for old, new in DEFECTS:
        data = planted(data, old, new)
    return data


def resaved_by_libreoffice(documents: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    """Each document opened and saved again as .docx by headless LibreOffice."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed")
        pytest.skip("LibreOffice is not installed")
    (folder / "in").mkdir()
    paths = []
    for name, data in documents.items():
        paths.append(folder / "in" / f"{name}.docx")
        paths[-1].write_bytes(data)
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={(folder / 'profile').absolute().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(folder / "out"),
            *map(str, paths),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return {name: (folder / "out" / f"{name}.docx").read_bytes() for name in documents}


class TestReading:
    """The verifier reads what python-docx reads, however the runs are split."""

    @pytest.mark.parametrize("ref", REFS, ids=IDS)
    def test_same_text_as_python_docx(self, examples: dict[str, bytes], ref: str) -> None:
        """Paragraphs, cells, headers and footers: the same places and texts."""
        for data in (examples[ref], with_defects(examples[REFS[1]])):
            paragraphs, tables = read_with_python_docx(data)
            document = _read(data)
            assert [(p.where, p.text) for p in document.paragraphs] == paragraphs
            plans = [t for t in tables if t and t[0] and t[0][0].strip() == "Année"]
            assert document.plan == (tuple(map(tuple, plans[0])) if plans else None)

    def test_tracked_changes(self, examples: dict[str, bytes]) -> None:
        """A document with Word tracked changes (insertions, deletions) reads as
        python-docx reads it."""
        from iscg_docs.docx.compare import compare_documents

        data, revisions = compare_documents(examples[REFS[0]], examples[REFS[1]])
        assert revisions > 0
        paragraphs, _ = read_with_python_docx(data)
        assert [(p.where, p.text) for p in _read(data).paragraphs] == paragraphs

    @pytest.mark.libreoffice
    def test_resaved_by_libreoffice(self, examples: dict[str, bytes], tmp_path: Path) -> None:
        """A document re-saved by LibreOffice (runs split and merged its own way) gives
        the same findings as the original, clean or with defects planted."""
        originals = {**examples, "defects": with_defects(examples[REFS[1]])}
        resaved = resaved_by_libreoffice(originals, tmp_path)
        for name, data in originals.items():
            expected = [(f.code, f.where, f.message) for f in verify_document(data)]
            found = [(f.code, f.where, f.message) for f in verify_document(resaved[name])]
            assert found == expected, name
        assert len(verify_document(originals["defects"])) == len(DEFECTS)
