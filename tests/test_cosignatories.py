"""Tests for co-signatories named by their office (french.parties, wording, verify)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest

from iscg_docs.convention.render import render_convention
from iscg_docs.convention.verify import verify_document
from iscg_docs.convention.wording import appearances, signature_block
from iscg_docs.french.parties import designation, named_by_office, represented_by
from iscg_docs.inputs.loading import load
from iscg_docs.inputs.structure import structure
from iscg_docs.model.kinds import Gender, PartyKind, Role
from iscg_docs.model.records import Framework, Party, Signatory
from tests.test_avenant_document import RENDERER, bresse, fipd_2023
from tests.test_verify import planted

ROOT = Path(__file__).resolve().parent.parent
M, F = Gender.MASCULINE, Gender.FEMININE
NBSP, NBHY = "\u00a0", "\u2011"


def office(
    role: Role, gender: Gender, suffix: str | None, *, designation: str, **kwargs: str
) -> Party:
    """A service of kind « autre » signed by ``role``."""
    name = "Anne Martin" if gender is F else "Jean Dupont"
    return Party(
        id="service",
        kind=PartyKind.AUTRE,
        name=designation,
        designation=designation,
        gender=M,
        signatory=Signatory(
            role=role, full_name=name, gender=gender, title_suffix=suffix, **kwargs
        ),
    )


TJ = "près le tribunal judiciaire de Mâcon"
PARQUET = f"parquet {TJ}"
DDSP = "direction départementale de la sécurité publique de Saône-et-Loire"
GGD = "groupement de gendarmerie départementale de Saône-et-Loire"

CASES = [
    (office(Role.PROCUREUR, M, TJ, designation=PARQUET), f"le procureur de la République {TJ}"),
    (office(Role.PROCUREUR, F, TJ, designation=PARQUET), f"la procureure de la République {TJ}"),
    (
        office(Role.DIRECTEUR, M, "départemental de la sécurité publique de Saône-et-Loire", designation=DDSP),
        "le directeur départemental de la sécurité publique de Saône-et-Loire",
    ),
    (
        office(Role.DIRECTEUR, F, "départemental de la sécurité publique de Saône-et-Loire", designation=DDSP),
        "la directrice départementale de la sécurité publique de Saône-et-Loire",
    ),
    (
        office(Role.COMMANDANT, M, f"du {GGD}", designation=GGD),
        f"le commandant du {GGD}",
    ),
    (
        office(Role.COMMANDANT, F, f"du {GGD}", designation=GGD),
        f"la commandante du {GGD}",
    ),
    (
        office(Role.PREFET, M, "de la zone de défense et de sécurité Sud-Est", designation="préfecture de zone"),
        "le préfet de la zone de défense et de sécurité Sud-Est",
    ),
    (
        office(Role.PREFET, F, "de la zone de défense et de sécurité Sud-Est", designation="préfecture de zone"),
        "la préfète de la zone de défense et de sécurité Sud-Est",
    ),
    (
        office(
            Role.AUTRE, M, None, designation="commissariat de police de Mâcon",
            title="Commissaire de police, chef de la circonscription de sécurité publique de Mâcon",
        ),
        "le commissaire de police, chef de la circonscription de sécurité publique de Mâcon",
    ),
    (
        office(Role.AUTRE, F, None, designation="DDSP", title="Inspectrice générale"),
        "l’inspectrice générale",
    ),
]  # fmt: skip
IDS = [
    "procureur", "procureure", "directeur", "directrice", "commandant", "commandante",
    "prefet", "prefete", "commissaire", "elided",
]  # fmt: skip


class TestDesignation:
    @pytest.mark.parametrize(("party", "expected"), CASES, ids=IDS)
    def test_named_by_office(self, party: Party, expected: str) -> None:
        """A State service is its signatory's office, agreed with the signatory."""
        assert named_by_office(party)
        assert designation(party) == expected

    @pytest.mark.parametrize(("party", "expected"), CASES, ids=IDS)
    def test_clause_names_the_office_then_the_person(self, party: Party, expected: str) -> None:
        """« La procureure de la République près …, Mme Anne Martin »: no « représenté »."""
        (clause,) = [a.clause for a in appearances([party])]
        assert party.signatory is not None
        civility = "Mme" if party.signatory.gender is F else "M."
        assert (
            clause
            == f"{expected[0].upper()}{expected[1:]}, {civility}{NBSP}{party.signatory.full_name}"
        )
        assert "représenté" not in clause
        assert party.designation not in clause or party.designation in expected

    def test_tribunal_said_once(self) -> None:
        """Old data writing the court in the designation and the title say it once."""
        party = office(Role.PROCUREUR, F, TJ, designation=PARQUET)
        (clause,) = [a.clause for a in appearances([party])]
        assert clause.count("tribunal judiciaire") == 1
        block = signature_block(party)
        assert f"{block.party} {block.title}".count("tribunal judiciaire") == 1

    def test_delegation(self) -> None:
        """A préfet's delegate: the office, then who signs for it."""
        party = office(
            Role.PREFET, M, "de Saône-et-Loire", designation="préfecture",
            delegate_title="le Secrétaire général de la préfecture",
        )  # fmt: skip
        assert represented_by(party) == (
            f"représenté par M.{NBSP}Jean Dupont, Secrétaire général de la préfecture, "
            "par délégation"
        )

    @pytest.mark.parametrize(
        "party",
        [
            Party(
                id="blanzy", kind=PartyKind.COMMUNE, name="Blanzy",
                signatory=Signatory(role=Role.MAIRE, full_name="Paul Exemple", gender=M),
            ),
            Party(
                id="ch", kind=PartyKind.AUTRE, name="CH", designation="centre hospitalier de Mâcon",
                gender=M,
                signatory=Signatory(role=Role.PRESIDENT, full_name="Paul Exemple", gender=M),
            ),
        ],
        ids=["commune", "autre-president"],
    )  # fmt: skip
    def test_legal_persons_are_represented(self, party: Party) -> None:
        """A collectivity, or a body whose président signs, is represented by its signatory."""
        assert not named_by_office(party)
        assert represented_by(party).startswith("représenté")
        assert signature_block(party).party.startswith("Pour ")


class TestSignatureBlock:
    @pytest.mark.parametrize(("party", "expected"), CASES, ids=IDS)
    def test_full_title_without_pour(self, party: Party, expected: str) -> None:
        """The block's head is the office in full, capitalised, with no « Pour … »."""
        block = signature_block(party)
        assert block.party == ""
        assert block.title.replace(NBHY, "-").casefold() == expected.casefold()
        assert block.title[0].isupper()


def _framework(data: dict[str, Any]) -> Framework:
    return structure(Framework, data)


class TestDocument:
    def _text(self, fw: Framework, ref: str) -> str:
        document = render_convention(fw, fw.convention(ref))
        return "\n".join(p.text for p in docx.Document(io.BytesIO(document)).paragraphs)

    def test_macon_names_offices(self, framework: Framework) -> None:
        """Convention 02 names its co-signatories by office in the preamble and article 4."""
        text = self._text(framework, "CD71-ISCG-2021-02")
        assert f"La procureure de la République {TJ}, Mme{NBSP}Sophie Exemple" in text
        assert (
            f"Le directeur départemental de la sécurité publique de Saône-et-Loire, M.{NBSP}Thomas"
            in text
        )
        assert f"Le commandant du {GGD}, M.{NBSP}Jean Exemple" in text
        assert "parquet" not in text
        assert "Sans participer au financement, la procureure de la République" in text
        assert text.count("tribunal judiciaire de Mâcon") == 2  # preamble, article 4

    def test_every_generated_document_verifies(self, framework: Framework) -> None:
        """verify finds a signature block for every party and co-signatory, and 6 copies."""
        for convention in framework.conventions:
            document = render_convention(framework, convention)
            assert not verify_document(document), convention.reference

    def test_old_titles_still_load(self, example_data: dict[str, Any]) -> None:
        """Data written before (a short title_suffix) still load and render."""
        for party in example_data["parties"]:
            if party["id"] == "ddsp71":
                party["signatory"]["title_suffix"] = "départemental de la sécurité publique"
        fw = _framework(example_data)
        text = self._text(fw, "CD71-ISCG-2021-02")
        assert f"Le directeur départemental de la sécurité publique, M.{NBSP}Thomas" in text

    def test_workbook_example_agrees(self, framework: Framework) -> None:
        """The example workbook holds the full titles the TOML gives."""
        book = load(ROOT / "examples" / "saone-et-loire.xlsx")
        assert book.party("ggd71") == framework.party("ggd71")
        assert attrs.asdict(book.party("ddsp71")) == attrs.asdict(framework.party("ddsp71"))


class TestVerify:
    def test_missing_office_block_is_found(self, framework: Framework) -> None:
        """An office's block that names neither the office nor the person is a finding."""
        clean = render_convention(framework, framework.convention("CD71-ISCG-2021-02"))
        data = planted(clean, f"La Procureure de la République {TJ}<", "Quelqu'un d'autre<")
        data = planted(data, ">Sophie Exemple</w:t>", ">Quelqu'un</w:t>")
        found = [f for f in verify_document(data) if f.code == "signature-manquante"]
        assert len(found) == 1
        assert "procureure" in found[0].excerpt

    def test_office_blocks_are_counted_apart(self, framework: Framework) -> None:
        """Blocks without « Pour » are still one per signatory: six copies, six blocks."""
        clean = render_convention(framework, framework.convention("CD71-ISCG-2021-02"))
        data = planted(clean, "six (6) exemplaires", "cinq (5) exemplaires")
        assert [f.code for f in verify_document(data)] == ["exemplaires"]


class TestAvenant:
    def test_cosignatories_sign_under_their_heading(self, example_data: dict[str, Any]) -> None:
        """An avenant bringing co-signatories names them by office and heads their blocks."""
        avenant = fipd_2023(object="co-signataires", cosignatories=["parquet-macon", "ggd71"])
        del avenant["funding"]
        fw, convention = bresse(example_data, avenant)
        document = RENDERER.render_avenant(fw, convention, 1)
        read = docx.Document(io.BytesIO(document))
        paragraphs = [p.text for p in read.paragraphs]
        assert "Les parties" in paragraphs
        assert "Les cosignataires" in paragraphs
        # The avenant's head is the convention's: « cosignataires », in one word.
        assert any(p.startswith("ci-après dénommés") and "cosignataires" in p for p in paragraphs)
        assert f"La procureure de la République {TJ}, Mme{NBSP}Sophie Exemple\u202f;" in paragraphs
        parties, cosignatories = read.tables[-2:]
        assert "Procureure" not in "".join(c.text for r in parties.rows for c in r.cells)
        assert "Procureure" in "".join(c.text for r in cosignatories.rows for c in r.cells)
        assert not verify_document(document)
