"""The generated conventions as a reader gets them: LibreOffice PDFs, read back as text.

These tests use the real programs (LibreOffice headless, pdftotext). Outside CI they are
skipped where LibreOffice is absent; in CI (CI=true) a missing LibreOffice is a failure,
so a green CI always means the documents were really opened and converted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from iscg_docs import french
from iscg_docs.errors import OutputError
from iscg_docs.inputs.loading import load
from iscg_docs.model.financing import compute_financing
from iscg_docs.model.records import Framework
from iscg_docs.output.batch import generate
from iscg_docs.output.manifest import MANIFEST
from iscg_docs.output.pdf import convert_to_pdf
from tests.helpers import run

pytestmark = pytest.mark.libreoffice

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def tools() -> None:
    missing = [t for t in ("soffice", "pdftotext") if shutil.which(t) is None]
    if missing:
        message = f"not installed: {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def pdf_text(path: Path) -> str:
    """The PDF's text with every run of white space (no-break ones too) made one space."""
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = re.sub(r"[\s\u00a0\u202f]+", " ", text)
    # A superscript suffix is a run of its own: on a justified line pdftotext may read the
    # gap before it as a space ("1 er janvier").
    return re.sub(r"(?<=\d) (?=(?:er|re|e)\b)", "", text)


def flat(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.fixture(scope="module")
def pdfs(
    tools: None, framework: Framework, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The three conventions generated with --pdf, as text by reference."""
    out = tmp_path_factory.mktemp("pdf")
    report = generate(framework, out, pdf=True)
    # Each convention's own document; its avenants' documents follow it in the report.
    return {
        o.reference: pdf_text(out / (o.pdf or ""))
        for o in report.outcomes
        if o.file == f"{o.reference}.docx"
    }


class TestPdf:
    def test_one_pdf_per_convention(self, pdfs: dict[str, str]) -> None:
        """LibreOffice opened and converted every document."""
        assert sorted(pdfs) == ["CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03"]

    def test_parties_named(self, pdfs: dict[str, str], framework: Framework) -> None:
        """Every party of each convention is named, in its French designation."""
        for convention in framework.conventions:
            text = pdfs[convention.reference]
            for pid in (
                framework.state,
                framework.departement,
                *convention.parties,
                *convention.cosignatories,
            ):
                party = framework.party(pid)
                # A co-signatory named by office (« la procureure de la République … ») has
                # neither its name nor its designation printed.
                names = (party.name, party.designation or "", french.designation(party)[1:])
                assert any(flat(n) in text for n in names if n), pid
                assert party.signatory is not None
                assert flat(party.signatory.full_name) in text

    def test_amounts_and_totals(self, pdfs: dict[str, str], framework: Framework) -> None:
        """Each year's amounts, each party's total and the total cost appear in French figures."""
        for convention in framework.conventions:
            text = pdfs[convention.reference]
            financing = compute_financing(convention, framework)
            for year in financing.years:
                assert flat(french.money(year.cost)) in text
                for c in year.contributions:
                    assert flat(french.money(c.amount)) in text
            for total in financing.totals:
                # pdftotext drops the hyphen of a compound word broken at a line end
                # ("quatre-" / "vingts" -> "quatrevingts"): compare without hyphens. The
                # exact words are checked in the .docx by test_template.
                words = flat(french.money_full(total.amount)).replace("-", "")
                assert words in text.replace("-", "")
            assert flat(french.money(financing.total_cost)) in text

    def test_dates(self, pdfs: dict[str, str]) -> None:
        """Dates are written the French legal way: "1er janvier 2021", "17 décembre 2020"."""
        for text in pdfs.values():
            assert "du 1er janvier 2021 au 31 décembre 2023" in text
            assert "17 décembre 2020" in text
            assert "trois (3) ans" in text
            assert "Fait à Mâcon, le 8 mars 2021" in text

    def test_legal_wording(self, pdfs: dict[str, str]) -> None:
        """The reviewed legal text reaches the pages a partner reads (hyphens aside:
        LibreOffice may break a line at the hyphen of « 226-13 »)."""
        phrases = (
            "articles 226-13 et 226-14 du code pénal",
            "L. 411-3 du code de",
            "NOR : INTA2006736C",
            "Le maire anime, sur le territoire de la commune",
            "sous réserve du vote des crédits",
            "autorité fonctionnelle",
            "diplôme d’État de travail social",
            "n’ont pas accès aux dossiers sociaux",
            "L’employeur est responsable de ces traitements",
        )
        for ref, text in pdfs.items():
            unhyphened = text.replace("-", "")
            for phrase in phrases:
                assert phrase.replace("-", "") in unhyphened, (ref, phrase)
            assert "premier filtre" not in text
            assert "co-signataires" not in text

    def test_provisional_state_share(self, pdfs: dict[str, str]) -> None:
        """Bresse: the year-3 FIPD is a provisional 0, said as a forecast, not an absence."""
        text = " ".join(pdfs["CD71-ISCG-2021-03"].split())
        assert "ne participe pas" not in text
        assert "montant prévisionnel de zéro euro" in text
        assert "deuxième et troisième années sont prévisionnels" in text

    def test_employer_does_not_pay_itself(self, pdfs: dict[str, str]) -> None:
        """Mâconnais: the State and the Département pay the employer, which bears its share."""
        text = " ".join(pdfs["CD71-ISCG-2021-02"].split())
        assert "Chaque financeur autre que l’employeur (l’État et le Département" in text
        assert "L’employeur supporte directement sa propre participation." in text

    def test_gendarmerie_only_speaks_of_gendarmerie(self, pdfs: dict[str, str]) -> None:
        """Bresse has one gendarmerie post: no police service in its clauses."""
        bresse = " ".join(pdfs["CD71-ISCG-2021-03"].split())
        assert "services de police" not in bresse
        assert "le commandant de l’unité de gendarmerie d’accueil" in bresse
        assert "services de police" in " ".join(pdfs["CD71-ISCG-2021-01"].split())

    def test_retroactive_and_cosignatory_heading(self, pdfs: dict[str, str]) -> None:
        """Signed on 8 March 2021 for 1 January: retroactive effect; 02 heads its cosignatories."""
        assert "produit ses effets à compter de cette date" in " ".join(
            pdfs["CD71-ISCG-2021-01"].split()
        )
        assert "Les cosignataires" in pdfs["CD71-ISCG-2021-02"]
        assert "Les cosignataires" not in pdfs["CD71-ISCG-2021-01"]

    def test_cosignatories_by_office_and_tribunal(self, pdfs: dict[str, str]) -> None:
        """02 names its co-signatories by office, the court once; disputes go to Dijon."""
        macon = " ".join(pdfs["CD71-ISCG-2021-02"].split())
        assert "La procureure de la République près le tribunal judiciaire de Mâcon, Mme" in macon
        assert "Le commandant du groupement de gendarmerie départementale de Saône" in macon
        assert "La Procureure de la République" in macon
        assert "parquet" not in macon
        assert "représenté par M. Thomas" not in macon
        for text in pdfs.values():
            assert "tribunal administratif de Dijon" in " ".join(text.split())


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, white space made single spaces (pdftotext ends a page with \\f)."""
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [flat(page).strip() for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def pages(tools: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every document of both examples (avenant, consolidated, comparison too), page by page."""
    out: dict[str, list[str]] = {}
    for example in ("saone-et-loire.toml", "ain.toml"):
        folder = tmp_path_factory.mktemp("pages")
        report = generate(load(EXAMPLES / example), folder, pdf=True)
        out.update({o.file: pdf_pages(folder / (o.pdf or "")) for o in report.outcomes})
    return out


class TestPages:
    """The PDFs seen page by page: where the plan and the signatures fall."""

    def test_every_document_converted(self, pages: dict[str, list[str]]) -> None:
        """Conventions, avenant, consolidated version and comparison of both examples."""
        assert len(pages) == 8
        assert all(pages.values())

    def test_plan_alone_on_the_last_page_after_the_signatures(
        self, pages: dict[str, list[str]]
    ) -> None:
        """The annexed plan is alone on the last page; the page before it has the signatures.

        So no portrait page before the landscape plan is left mostly empty.
        """
        annex = re.compile(r"Annexe (au présent avenant )?– Plan de financement")
        for name, texts in pages.items():
            # The avenant changes the plan: it carries the new annex after its signatures.
            assert annex.search(texts[-1]), name
            assert sum(bool(annex.search(t)) for t in texts) == 1, name
            assert "Fait à " in texts[-2], name

    def test_no_page_of_signatures_only(self, pages: dict[str, list[str]]) -> None:
        """Every signature block is on the page of « Fait à » and of the last article.

        Convention 02 has three parties and three co-signatories: all on one page.
        """
        for name, texts in pages.items():
            signing = [i for i, t in enumerate(texts) if "Fait à " in t]
            assert len(signing) == 1, name
            page = texts[signing[0]]
            assert re.search(r"Article \d+ – (Litiges|Entrée en vigueur)", page), name
            # The example's signatories are all called « … Exemple ».
            names = set(re.findall(r"\w+ Exemple", " ".join(texts)))
            assert names, name
            assert all(n in page for n in names), name
        assert "Les cosignataires" in pages["CD71-ISCG-2021-02.docx"][-2]

    def test_no_near_empty_page(self, pages: dict[str, list[str]]) -> None:
        """Every page but the last two (signatures, annex) holds a third of a page of text or more.

        The page before the signatures may end early: the last article keeps with them.
        """
        for name, texts in pages.items():
            full = max(len(t) for t in texts)
            for number, text in enumerate(texts[:-2], 1):
                assert len(text) > full / 3, f"{name} page {number}"


class TestDraft:
    def test_projet_and_blank_date(self, tools: None, framework: Framework, tmp_path: Path) -> None:
        """A draft shows PROJET on its pages and leaves the signature date blank."""
        generate(framework, tmp_path, draft=True, only=["CD71-ISCG-2021-03"], pdf=True)
        text = pdf_text(tmp_path / "CD71-ISCG-2021-03.pdf")
        assert "PROJET" in text
        assert "le 8 mars 2021" not in text


class TestConversion:
    def test_rerun_keeps_pdfs(self, tools: None, framework: Framework, tmp_path: Path) -> None:
        """A rerun with --pdf converts nothing when documents and PDFs are up to date."""
        generate(framework, tmp_path, pdf=True, only=["CD71-ISCG-2021-01"])
        pdf = tmp_path / "CD71-ISCG-2021-01.pdf"
        before = pdf.stat().st_mtime_ns
        generate(framework, tmp_path, pdf=True, only=["CD71-ISCG-2021-01"])
        assert pdf.stat().st_mtime_ns == before
        assert "pdf_sha256" in (tmp_path / MANIFEST).read_text("utf-8")

    def test_relative_output_folder(
        self, tools: None, example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """``--out out/ --pdf``, relative to the current folder as a user types it."""
        monkeypatch.chdir(tmp_path)
        code, output = run(
            "generate", str(example_path), "--out", "out/", "--pdf", "--only", "CD71-ISCG-2021-03"
        )
        assert code == 0, output
        assert "le 8 mars 2021" in flat(pdf_text(tmp_path / "out" / "CD71-ISCG-2021-03.pdf"))

    def test_libreoffice_missing(
        self, framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without LibreOffice on the PATH, --pdf fails with a message saying what to install."""
        document = tmp_path / "a.docx"
        document.write_bytes(b"")
        monkeypatch.setenv("PATH", str(tmp_path))
        with pytest.raises(OutputError, match="libreoffice-writer-nogui"):
            convert_to_pdf([document], tmp_path)

    def test_timeout(self, tools: None, framework: Framework, tmp_path: Path) -> None:
        """A conversion that outlives its timeout is stopped with a clear message."""
        generate(framework, tmp_path, only=["CD71-ISCG-2021-01"])
        with pytest.raises(OutputError, match="n'a pas terminé"):
            convert_to_pdf([tmp_path / "CD71-ISCG-2021-01.docx"], tmp_path, timeout=0.01)
        assert not list(tmp_path.glob("*.pdf"))
        assert not list(tmp_path.glob(".iscg-docs-*"))
