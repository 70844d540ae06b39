"""Tests for the avenant document and the consolidated convention, read back from the .docx."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

import iscg_docs
from iscg_docs.convention.avenant import (
    AVENANT_TEMPLATE_NAME,
    AvenantRenderer,
    check_avenant_template,
    rendered_articles,
)
from iscg_docs.convention.avenant_context import AVENANT_CATALOGUE
from iscg_docs.convention.properties import avenant_file_stem, consolidated_file_stem
from iscg_docs.convention.render import render_convention
from iscg_docs.docx.lint import ERROR
from iscg_docs.docx.sections import W, block_text, body_blocks
from iscg_docs.inputs.loading import load_data
from iscg_docs.model.records import Framework
from tests.test_avenants import BRESSE, fipd_2023, with_avenants

ROOT = Path(__file__).resolve().parent.parent
STYLE = f"{{{W}}}pStyle"
VAL = f"{{{W}}}val"

#: Made once: every test renders with the same compiled templates.
RENDERER = AvenantRenderer()


def headings(package: bytes) -> list[str]:
    """The texts of the Heading 1 paragraphs of a document, in order."""
    out = []
    for block in body_blocks(package):
        style = block.find(f"{{{W}}}pPr/{STYLE}")
        if style is not None and style.get(VAL) == "Heading1":
            out.append(block_text(block))
    return out


def cited(package: bytes) -> list[str]:
    """The avenant's articles between « Objet » and « Autres stipulations »."""
    found = headings(package)
    others = next(i for i, h in enumerate(found) if h.endswith("Autres stipulations"))
    return found[1:others]


def texts(package: bytes) -> list[str]:
    return [block_text(b) for b in body_blocks(package)]


def all_xml_text(package: bytes) -> str:
    """Every text of every XML part, tags included, for leftovers."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        parts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    return "\n".join(re.sub(r"<[^>]+>", "", p) for p in parts)


def members(package: bytes) -> dict[str, bytes]:
    """A package's members, uncompressed, by name."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def louhans(data: dict[str, Any]) -> dict[str, Any]:
    """The example with the commune of Louhans among the parties, ready to join."""
    data = copy.deepcopy(data)
    data["parties"].append(
        {
            "id": "louhans",
            "kind": "commune",
            "name": "Louhans-Châteaurenaud",
            "signatory": {
                "role": "maire",
                "full_name": "Anne Martin",
                "gender": "f",
                "title_suffix": "de Louhans-Châteaurenaud",
            },
            "deliberation": {
                "body": "conseil municipal",
                "date": dt.date(2021, 2, 1),
                "number": "2021-12",
            },
        }
    )
    return data


def extension(number: int = 1, **changes: Any) -> dict[str, Any]:
    """An avenant extending the Bresse convention by a fourth year."""
    avenant = fipd_2023(number=number, object="prolongation d’un an", **changes)
    avenant["period"] = {"start": dt.date(2021, 1, 1), "years": 4}
    avenant["funding"]["years"].append({"cost": "46000.00", "state": {"amount": "17400.00"}})
    return avenant


def cost_2023() -> dict[str, Any]:
    avenant = fipd_2023(object="coût de la troisième année")
    avenant["funding"]["years"][2]["cost"] = "46000.00"
    return avenant


def quotite(data: dict[str, Any]) -> dict[str, Any]:
    posts = copy.deepcopy(data["conventions"][BRESSE]["posts"])
    posts[0]["quotite"] = "0.8"
    avenant = fipd_2023(object="quotité du poste", posts=posts)
    del avenant["funding"]
    return avenant


def joining() -> dict[str, Any]:
    avenant = fipd_2023(object="adhésion de la commune de Louhans", parties=["bli", "louhans"])
    avenant["funding"]["split"] = [{"party": "bli"}, {"party": "louhans"}]
    return avenant


def new_signatory() -> dict[str, Any]:
    signer = {
        "party": "bli",
        "signatory": {"role": "president", "full_name": "Paul Nouveau", "gender": "m"},
    }
    return fipd_2023(signatories=[signer])


def bresse(data: dict[str, Any], *avenants: dict[str, Any]) -> tuple[Framework, Any]:
    fw = load_data(with_avenants(data, *avenants))
    return fw, fw.conventions[BRESSE]


CASES = {
    # The annexed plan changes with the amounts: the avenant rewrites it too.
    "fipd": (
        lambda d: bresse(d, fipd_2023()),
        ["Article 2 – Modification de l’article 4", "Article 3 – Modification de l’annexe"],
    ),
    "cost": (
        lambda d: bresse(d, cost_2023()),
        ["Article 2 – Modification de l’article 4", "Article 3 – Modification de l’annexe"],
    ),
    "quotite": (
        lambda d: bresse(d, quotite(d)),
        ["Article 2 – Modification de l’article 3"],
    ),
    "joining": (
        lambda d: bresse(louhans(d), joining()),
        [
            "Article 2 – Modification de l’article 3",
            "Article 3 – Modification de l’article 4",
            # The payment article names the funders other than the employer.
            "Article 4 – Modification de l’article 5",
            "Article 5 – Modification de l’annexe",
        ],
    ),
    "extension": (
        lambda d: bresse(d, extension()),
        [
            "Article 2 – Modification de l’intitulé",
            "Article 3 – Modification de l’article 4",
            "Article 4 – Modification de l’article 6",
            "Article 5 – Modification de l’annexe",
        ],
    ),
    "new-signatory": (
        lambda d: bresse(d, new_signatory()),
        ["Article 2 – Modification de l’article 4", "Article 3 – Modification de l’annexe"],
    ),
}


class TestChangedArticles:
    @pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
    def test_cites_exactly_the_changed_articles(
        self, example_data: dict[str, Any], case: str
    ) -> None:
        """Each kind of change cites the articles whose text changes, and only those."""
        build, expected = CASES[case]
        fw, convention = build(example_data)
        assert cited(RENDERER.render_avenant(fw, convention, 1)) == expected

    @pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
    def test_new_text_is_the_consolidated_text(
        self, example_data: dict[str, Any], case: str
    ) -> None:
        """After « est ainsi rédigé : » comes the consolidated article, paragraph for paragraph."""
        fw, convention = CASES[case][0](example_data)
        avenant = texts(RENDERER.render_avenant(fw, convention, 1))
        consolidated = RENDERER.render_consolidated(fw, convention, 1)
        articles = rendered_articles(consolidated, fw, convention.state_after(1))
        rewritten = [i for i, t in enumerate(avenant) if t.endswith("ainsi rédigé\u00a0:")]
        assert rewritten
        for i in rewritten:
            ref = re.match(r"L’(article \d+(?:er)?) ", avenant[i])
            assert ref is not None
            (article,) = [a for a in articles.values() if a.ref == f"l’{ref.group(1)}"]
            copied = avenant[i + 1 : i + 1 + len(article.blocks)]
            assert copied == [block_text(b) for b in article.blocks]

    def test_annexed_plan_replaced_by_the_avenants_annex(
        self, example_data: dict[str, Any]
    ) -> None:
        """A changed plan: the article replaces the annex by the avenant's own, after its
        signatures on a landscape page, copied from the consolidated convention."""
        fw, convention = bresse(example_data, fipd_2023())
        document = RENDERER.render_avenant(fw, convention, 1)
        # Spaces and apostrophes as a reader compares them.
        body = [t.replace("\u00a0", " ").replace("\u2019", "'") for t in texts(document)]
        intro = (
            "L'annexe « Plan de financement » de la convention est remplacée par l'annexe au "
            "présent avenant."
        )
        assert body.count(intro) == 1
        objet = next(t for t in body if t.startswith("Le présent avenant modifie"))
        assert "l'article 4 « Financement » et l'annexe « Plan de financement »" in objet
        heading = body.index("Annexe au présent avenant – Plan de financement")
        assert heading > next(i for i, t in enumerate(body) if t.startswith("Fait à "))
        consolidated = RENDERER.render_consolidated(fw, convention, 1)
        annex = rendered_articles(consolidated, fw, convention.state_after(1))["annexe"]
        copied = texts(document)[heading + 1 :]
        assert copied[: len(annex.blocks)] == [block_text(b) for b in annex.blocks]
        portrait, landscape = docx.Document(io.BytesIO(document)).sections
        assert portrait.page_width < portrait.page_height
        assert landscape.page_width > landscape.page_height

    def test_no_annex_page_when_the_plan_stays(self, example_data: dict[str, Any]) -> None:
        """A quotité change leaves the plan alone: no annex, one portrait section."""
        fw, convention = bresse(example_data, quotite(example_data))
        document = RENDERER.render_avenant(fw, convention, 1)
        assert not [t for t in texts(document) if t.startswith("Annexe")]
        (section,) = docx.Document(io.BytesIO(document)).sections
        assert section.page_width < section.page_height
        assert texts(document)[-1] == ""

    def test_leaving_collectivity(self, example_data: dict[str, Any]) -> None:
        """A commune leaving the Bassin minier convention: posts and financing rewritten."""
        bassin = example_data["conventions"][0]
        funding = copy.deepcopy(bassin["funding"])
        funding["split"] = [s for s in funding["split"] if s["party"] != "sanvignes"]
        funding["split"][0]["percent"] = "60"
        avenant = {
            "number": 1,
            "object": "retrait de la commune de Sanvignes-les-Mines",
            "signed_at": "Mâcon",
            "signed_on": dt.date(2022, 6, 1),
            "parties": [p for p in bassin["parties"] if p != "sanvignes"],
            "funding": funding,
        }
        fw = load_data(with_avenants(example_data, avenant, index=0))
        document = RENDERER.render_avenant(fw, fw.conventions[0], 1)
        assert cited(document) == [
            "Article 2 – Modification de l’article 3",
            "Article 3 – Modification de l’article 4",
            "Article 4 – Modification de l’article 5",
            "Article 5 – Modification de l’annexe",
        ]
        body = "\n".join(texts(document))
        parties = body.split("Entre les soussignés")[1].split("ci-après")[0]
        assert "Blanzy" in parties
        # Amending a contract takes the consent of all its parties: the commune that
        # leaves is a party to the avenant and signs it.
        assert "Sanvignes" in parties
        assert "Sanvignes" in body.split("Fait à")[-1]

    def test_two_avenants_in_a_row(self, example_data: dict[str, Any]) -> None:
        """The second avenant compares with the state the first one left."""
        second = extension(number=2, signed_on=dt.date(2023, 6, 1))
        fw, convention = bresse(example_data, fipd_2023(), second)
        first = RENDERER.render_avenant(fw, convention, 1)
        assert cited(first) == [
            "Article 2 – Modification de l’article 4",
            "Article 3 – Modification de l’annexe",
        ]
        document = RENDERER.render_avenant(fw, convention, 2)
        assert cited(document) == [
            "Article 2 – Modification de l’intitulé",
            "Article 3 – Modification de l’article 4",
            "Article 4 – Modification de l’article 6",
            "Article 5 – Modification de l’annexe",
        ]
        # Four years: no longer « triennale »; the new title is the consolidated one.
        consolidated = RENDERER.render_consolidated(fw, convention, 2)
        new_title = texts(consolidated)[0]
        assert "triennale" not in new_title
        assert (
            f"L’intitulé de la convention est ainsi rédigé\u00a0: «\u00a0{new_title}\u00a0»."
            in (texts(document))
        )
        body = "\n".join(texts(document))
        assert (
            "Vu l’avenant n°\u00a01 à cette convention, signé à Mâcon le 12\u00a0avril 2023" in body
        )

    def test_inserted_article_renumbers_the_others(self, example_data: dict[str, Any]) -> None:
        """Co-signatories bring an optional article: inserted, and the next ones renumbered."""
        avenant = fipd_2023(object="co-signataires", cosignatories=["parquet-macon"])
        del avenant["funding"]
        fw, convention = bresse(example_data, avenant)
        found = cited(RENDERER.render_avenant(fw, convention, 1))
        assert "Article 3 – Insertion d’un article 4" in found
        assert "Article 4 – Renumérotation de l’article 4" in found
        body = texts(RENDERER.render_avenant(fw, convention, 1))
        assert (
            "Il est inséré dans la convention, après l’article 3 « Postes, lieux d’exercice et "
            "employeur », un article 4 « Engagements des cosignataires » ainsi rédigé :"
        ) in [t.replace("\u00a0", " ") for t in body]


class TestDocument:
    def test_title_parties_visas_and_closing(self, example_data: dict[str, Any]) -> None:
        """The avenant reads as French practice writes one."""
        fw, convention = bresse(example_data, new_signatory())
        body = texts(RENDERER.render_avenant(fw, convention, 1))
        assert (
            body[0] == "Avenant n°\u00a01 à la convention n°\u00a0CD71\u2011ISCG\u20112021\u201103"
        )
        joined = "\n".join(body)
        assert "Paul Nouveau" in joined  # the avenant's own signatory
        assert "Hélène Exemple" not in joined
        assert (
            "Vu la convention n°\u00a0CD71\u2011ISCG\u20112021\u201103 (Bresse bourguignonne) signée à Mâcon le 8\u00a0mars 2021\u202f;"
            in joined
        )
        assert "Les autres stipulations de la convention demeurent inchangées." in body
        assert "Fait à Mâcon, le 12\u00a0avril 2023, en trois (3) exemplaires originaux." in body

    def test_no_leftover_tags(self, example_data: dict[str, Any]) -> None:
        """Neither document keeps a Jinja tag or a marker paragraph."""
        fw, convention = bresse(louhans(example_data), joining())
        for package in (
            RENDERER.render_avenant(fw, convention, 1, draft=True),
            RENDERER.render_consolidated(fw, convention, 1),
        ):
            text = all_xml_text(package)
            assert not re.search(r"\{[{%#]|[}%#]\}|\[\[iscg-docs", text)

    def test_draft(self, example_data: dict[str, Any]) -> None:
        """A draft says « PROJET » and leaves the date blank."""
        fw, convention = bresse(example_data, fipd_2023())
        document = RENDERER.render_avenant(fw, convention, 1, draft=True)
        assert "PROJET" in all_xml_text(document)
        assert "Fait à Mâcon, le ……………, en trois (3) exemplaires originaux." in texts(document)

    def test_reproducible(self, example_data: dict[str, Any]) -> None:
        """The same data give the same bytes."""
        fw, convention = bresse(example_data, fipd_2023())
        assert RENDERER.render_avenant(fw, convention, 1) == iscg_docs.render_avenant(
            fw, convention, 1
        )

    def test_out_of_range(self, example_data: dict[str, Any]) -> None:
        """There is no avenant 0, nor one past the last."""
        fw, convention = bresse(example_data, fipd_2023())
        for number in (0, 2):
            with pytest.raises(ValueError, match="pas d'avenant"):
                RENDERER.render_avenant(fw, convention, number)


class TestConsolidated:
    def test_header_says_which_version(self, example_data: dict[str, Any]) -> None:
        """The consolidated convention's header names the avenant; its text is the new state."""
        fw, convention = bresse(example_data, fipd_2023())
        package = iscg_docs.render_consolidated(fw, convention, 1)
        assert "Version consolidée après l’avenant n°\u00a01" in all_xml_text(package)
        assert "17\u202f400,00\u00a0€" in "\n".join(texts(package))
        assert headings(package) == headings(render_convention(fw, convention))

    def test_original_unchanged_by_avenants(
        self, example_data: dict[str, Any], framework: Framework
    ) -> None:
        """A convention with avenants renders, as signed, the bytes it had without them."""
        fw, convention = bresse(example_data, fipd_2023())
        plain = load_data(with_avenants(example_data)).conventions[BRESSE]
        assert render_convention(fw, convention) == render_convention(fw, plain)

    def test_previous_document(self, example_data: dict[str, Any]) -> None:
        """Avenant 1 amends the convention as signed; avenant 2 the version after avenant 1."""
        second = extension(number=2, signed_on=dt.date(2023, 6, 1))
        fw, convention = bresse(example_data, fipd_2023(), second)
        assert RENDERER.render_previous(fw, convention, 1) == render_convention(fw, convention)
        assert RENDERER.render_previous(fw, convention, 2) == RENDERER.render_consolidated(
            fw, convention, 1
        )


class TestTemplate:
    def test_lint_clean(self) -> None:
        """The bundled avenant template has no lint error."""
        found = check_avenant_template(ROOT / "templates" / AVENANT_TEMPLATE_NAME)
        assert [f for f in found.findings if f.severity == ERROR] == []
        assert found.renderer is not None

    def test_rebuilt_by_its_tool(self, tmp_path: Path) -> None:
        """tools/build_avenant.py rebuilds the committed template's body, header and styles."""
        import runpy

        tool = runpy.run_path(str(ROOT / "tools" / "build_avenant.py"))
        built = tool["build"](tmp_path / AVENANT_TEMPLATE_NAME).read_bytes()
        committed = (ROOT / "templates" / AVENANT_TEMPLATE_NAME).read_bytes()
        word = [n for n in members(committed) if n.startswith("word/")]
        assert [members(built)[n] for n in word] == [members(committed)[n] for n in word]

    def test_catalogue_describes_every_variable(self) -> None:
        """Every variable of the avenant's context has a French description."""
        names = {v.name for v in AVENANT_CATALOGUE}
        assert {"avenant.title", "changes[].intro", "changes[].marker", "signature.date"} <= names
        assert all(v.description for v in AVENANT_CATALOGUE)


def test_file_stems_sort_with_the_convention(framework: Framework) -> None:
    """Avenants and consolidated versions are named after the convention's reference."""
    convention = framework.conventions[BRESSE]
    assert avenant_file_stem(convention, 1) == "CD71-ISCG-2021-03-avenant-1"
    assert consolidated_file_stem(convention, 1) == "CD71-ISCG-2021-03-consolidee-1"


@pytest.mark.libreoffice
def test_libreoffice_converts_both(example_data: dict[str, Any], tmp_path: Path) -> None:
    """LibreOffice opens and converts the avenant and the consolidated convention."""
    import os

    from iscg_docs.output.batch import convert_to_pdf

    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("not installed: soffice")
        pytest.skip("not installed: soffice")
    fw, convention = bresse(example_data, extension())
    paths = []
    for name, package in (
        ("avenant", RENDERER.render_avenant(fw, convention, 1)),
        ("consolidee", RENDERER.render_consolidated(fw, convention, 1)),
    ):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(package)
        paths.append(path)
    pdfs = convert_to_pdf(paths, tmp_path)
    assert all(pdfs[p].stat().st_size > 1000 for p in paths)


def test_variables_listed_with_examples() -> None:
    """The avenant's variables are listed like the convention's, with the example's values."""
    from iscg_docs.convention.catalogue import entries

    listed = {e.name: e.example for e in entries(document="avenant")}
    assert set(listed) == {v.name for v in AVENANT_CATALOGUE}
    assert listed["avenant.object"] == "« participation de l'État (FIPD) pour 2023 »"
    with pytest.raises(ValueError, match="unknown document"):
        entries(document="contrat")
