"""Tests for iscg_docs.convention.context: the French strings of the context and its catalogue."""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import attrs
import pytest

from iscg_docs.convention.context import BLANK_DATE, CATALOGUE, build_context
from iscg_docs.convention.variables import example_values, paths
from iscg_docs.model.records import Framework, StateShare
from tests.helpers import with_years

NNBSP, NBSP = "\u202f", "\u00a0"
REFS = ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03")


def _ctx(fw: Framework, ref: str, **kw: Any) -> dict[str, Any]:
    return build_context(fw, fw.convention(ref), **kw)


class TestBuildContext:
    """build_context gives the French strings a jurist expects."""

    def test_dates_are_french(self, framework: Framework) -> None:
        """Period, first and last day, signature date and framework approval read in French."""
        ctx = _ctx(framework, REFS[0])
        assert ctx["duration"]["period"] == "du 1er janvier 2021 au 31 décembre 2023"
        assert ctx["duration"]["words"] == "trois (3) ans"
        assert ctx["signature"]["date"] == "8 mars 2021"
        assert ctx["framework"]["approved_on"] == "17 décembre 2020"
        assert ctx["framework"]["approved_by"] == "l’Assemblée départementale"

    def test_amounts_are_french(self, framework: Framework) -> None:
        """Amounts in figures have U+202F thousands and U+00A0 before €; words for totals."""
        fin = _ctx(framework, REFS[0])["financing"]
        assert fin["years"][0]["cost"] == f"44{NNBSP}000,00{NBSP}€"
        assert fin["years"][0]["cells"][0] == {
            "amount": f"20{NNBSP}000,00{NBSP}€",
            "share": f"45,46{NBSP}%",
        }
        assert fin["totals"][0]["amount_full"] == (
            f"cinquante-cinq mille euros (55{NNBSP}000,00{NBSP}€)"
        )
        assert fin["departement_rate"] == f"50{NBSP}%"

    @pytest.mark.parametrize(
        ("ref", "expected"),
        [
            pytest.param(
                REFS[0],
                [
                    "l’État",
                    "le Département de Saône-et-Loire",
                    "la commune de Montceau-les-Mines",
                    "la commune de Blanzy",
                    "la commune de Saint-Vallier",
                    "la commune de Sanvignes-les-Mines",
                ],
                id="bassin-minier",
            ),
            pytest.param(
                REFS[1],
                [
                    "l’État",
                    "le Département de Saône-et-Loire",
                    "la communauté d’agglomération Mâconnais Beaujolais Agglomération",
                ],
                id="maconnais",
            ),
            pytest.param(
                REFS[2],
                [
                    "l’État",
                    "le Département de Saône-et-Loire",
                    "la communauté de communes Bresse Louhannaise Intercom'",
                ],
                id="bresse",
            ),
        ],
    )
    def test_party_designations(self, framework: Framework, ref: str, expected: list[str]) -> None:
        """Parties appear in order, State and Département first, with their articles."""
        assert [p["designation"] for p in _ctx(framework, ref)["parties"]] == expected

    def test_deliberation_authorises_the_signatory(self, framework: Framework) -> None:
        """The deliberation clause agrees with the signatory and names body, date and number."""
        parties = _ctx(framework, REFS[0])["parties"]
        assert parties[0]["authorisation"] == ""
        assert parties[1]["authorisation"] == (
            "dûment habilité par délibération de la Commission permanente du "
            f"12 février 2021 (n°{NBSP}CP‑2021‑0042)"
        )
        assert parties[2]["authorisation"].startswith(
            "dûment habilitée par délibération du conseil"
        )
        assert [p["punctuation"] for p in parties][-2:] == [f"{NNBSP};", ","]

    def test_shared_mixed_post(self, framework: Framework) -> None:
        """The Bassin minier post is mixed and shared by the four communes."""
        ctx = _ctx(framework, REFS[0])
        (job,) = ctx["jobs"]
        assert job.startswith(
            "un poste mixte d’intervenant social, mutualisé entre les communes de "
            "Montceau-les-Mines, Blanzy, Saint-Vallier et Sanvignes-les-Mines, réparti entre "
            "le commissariat et la gendarmerie"
        )
        assert ctx["title"] == (
            "Convention triennale de financement d’un poste d’intervenant social en "
            f"commissariat et en{NBSP}gendarmerie{NBSP}(ISCG)"
        )
        assert ctx["posts_total"] == f"un équivalent temps plein (1{NBSP}ETP)"

    def test_title_of_a_single_force(self, framework: Framework) -> None:
        """A gendarmerie-only convention's title does not speak of commissariats: it says
        where the worker is and names the national scheme."""
        ctx = _ctx(framework, REFS[2])
        assert ctx["title"] == (
            "Convention triennale de financement d’un poste d’intervenant social "
            f"en{NBSP}gendarmerie{NBSP}(dispositif{NBSP}ISCG)"
        )
        assert "commissariat" not in ctx["title"]

    def test_several_posts(self, framework: Framework) -> None:
        """Two workers in the Mâconnais: plural title and wording."""
        ctx = _ctx(framework, REFS[1])
        assert ctx["title"].startswith(
            "Convention triennale de financement de postes d’intervenants sociaux"
        )
        assert ctx["worker"] == {
            "subject": "les intervenants sociaux",
            "of": "des intervenants sociaux",
            "plural": True,
        }
        assert len(ctx["jobs"]) == 2

    def test_state_provisional_year(self, framework: Framework) -> None:
        """Bresse: a provisional FIPD of 0 in year 3 is a forecast, not an absence."""
        fin = _ctx(framework, REFS[2])["financing"]
        assert fin["has_state_absent"] is False
        assert fin["state_absent"] == ""
        assert fin["has_state_provisional"] is True
        assert fin["state_provisional"].startswith(
            f"Pour la troisième année, la participation de l’État n’est pas encore fixée{NBSP}:"
        )
        assert "le montant prévisionnel de zéro euro (0,00" in fin["state_provisional"]
        assert (
            fin["forecast"] == "Les montants des deuxième et troisième années sont prévisionnels."
        )
        assert _ctx(framework, REFS[0])["financing"]["state_provisional"] == ""

    def test_state_absent_year(self, framework: Framework) -> None:
        """A FIPD of 0 that is not provisional: the State does not pay that year."""
        c = framework.convention(REFS[2])
        years = (
            *c.funding.years[:2],
            attrs.evolve(c.funding.years[2], state=StateShare(amount=Decimal(0))),
        )
        fw = attrs.evolve(
            framework,
            conventions=(attrs.evolve(c, funding=attrs.evolve(c.funding, years=years)),),
        )
        fin = _ctx(fw, REFS[2])["financing"]
        assert fin["has_state_absent"] is True
        assert fin["state_absent"].startswith(
            "Pour la troisième année, l’État ne participe pas au financement"
        )
        assert fin["state_provisional"] == ""
        assert _ctx(framework, REFS[0])["financing"]["state_absent"] == ""

    def test_payers_exclude_the_employer(self, framework: Framework) -> None:
        """The employer does not pay itself: it is not among the payers, and bears its share."""
        fin = _ctx(framework, REFS[1])["financing"]
        assert fin["payers"] == "l’État et le Département de Saône-et-Loire"
        assert fin["employer_funds"] is True
        assert "Montceau" not in _ctx(framework, REFS[0])["financing"]["payers"]

    def test_shares_have_two_decimals(self, framework: Framework) -> None:
        """One format for every percentage of the table: always two decimals."""
        fin = _ctx(framework, REFS[2])["financing"]
        shares = [c["share"] for y in fin["years"] for c in y["cells"]]
        shares += [t["share"] for t in fin["totals"]]
        assert f"50,00{NBSP}%" in shares
        assert all(s.endswith(f"{NBSP}%") and s[-5] == "," for s in shares)

    def test_departement_ceiling(self, framework: Framework) -> None:
        """A ceiling per ETP caps the Département; the sentence says so and when it bites."""
        fw = attrs.evolve(framework, departement_ceiling_per_etp=Decimal("13000"))
        fin = _ctx(fw, REFS[2])["financing"]
        assert fin["departement_ceiling"].startswith(
            "La participation du Département de Saône-et-Loire est plafonnée"
        )
        assert "treize mille euros (13" in fin["departement_ceiling"]
        assert fin["departement_ceiling"].endswith("ce plafond est atteint.")
        assert _ctx(framework, REFS[2])["financing"]["departement_ceiling"] == ""

    @pytest.mark.parametrize(
        ("years", "title_end"),
        [
            pytest.param(1, "pour une durée d’un (1) an", id="one-year"),
            pytest.param(2, "pour une durée de deux (2) ans", id="two-years"),
            pytest.param(10, "pour une durée de dix (10) ans", id="ten-years"),
        ],
    )
    def test_title_not_triennial(self, framework: Framework, years: int, title_end: str) -> None:
        """Only a three-year convention is called "triennale"."""
        fw = with_years(framework, REFS[2], years)
        ctx = _ctx(fw, REFS[2])
        assert ctx["title"].startswith("Convention de financement d’un poste")
        assert ctx["title"].endswith(title_end)
        assert len(ctx["financing"]["years"]) == years

    def test_signature(self, framework: Framework) -> None:
        """One block per signatory, copies in words and figures, two blocks a row."""
        sig = _ctx(framework, REFS[1])["signature"]
        assert sig["copies"] == "six (6) exemplaires originaux"
        assert sig["rows"][0]["left"] == {
            "party": "Pour l’État",
            "title": "Le Préfet de Saône\u2011et\u2011Loire",
            "name": "Pierre Exemple",
        }
        sig3 = _ctx(framework, REFS[2])["signature"]
        assert sig3["copies"] == "trois (3) exemplaires originaux"
        assert sig3["rows"][-1]["right"] == {"party": "", "title": "", "name": ""}

    def test_draft_leaves_date_blank(self, framework: Framework) -> None:
        """A draft has no signature date, even when the records know it."""
        ctx = _ctx(framework, REFS[0], draft=True)
        assert ctx["draft"] is True
        assert ctx["signature"]["date"] == BLANK_DATE

    def test_funders_and_deliberations(self, framework: Framework) -> None:
        """Funders are named without article; each deliberation is cited with its party."""
        ctx = _ctx(framework, REFS[0])
        names = [f["name"] for f in ctx["financing"]["funders"]]
        assert names[:3] == [
            "État",
            "Département de Saône\u2011et\u2011Loire",
            "Commune de Montceau\u2011les\u2011Mines",
        ]
        assert ctx["deliberations"][0].startswith(
            "la délibération de la Commission permanente du Département de Saône-et-Loire du "
        )
        assert ctx["collectivities"].startswith("les communes de Montceau-les-Mines, Blanzy")

    def test_convention_rate_overrides_the_framework(self, framework: Framework) -> None:
        """A convention's own Département rate is printed for it; the framework keeps its own."""
        c = framework.convention(REFS[0])
        funding = attrs.evolve(c.funding, departement_rate=Decimal(40))
        fw = attrs.evolve(framework, conventions=(attrs.evolve(c, funding=funding),))
        ctx = _ctx(fw, REFS[0])
        assert ctx["financing"]["departement_rate"] == f"40{NBSP}%"
        assert ctx["framework"]["departement_rate"] == f"50{NBSP}%"

    @pytest.mark.parametrize("ref", REFS, ids=["bassin-minier", "maconnais", "bresse"])
    def test_plain_picklable_data(self, framework: Framework, ref: str) -> None:
        """Only str, bool, list and dict: no records, no Decimal; it pickles unchanged."""
        ctx = _ctx(framework, ref)
        for name, value in paths(ctx):
            assert isinstance(value, str | bool | list | dict), name
            assert not isinstance(value, Decimal), name
        assert pickle.loads(pickle.dumps(ctx)) == ctx


class TestCatalogue:
    """The catalogue, derived from the same declaration, names exactly what build_context gives."""

    def _produced(self, framework: Framework) -> set[str]:
        names: set[str] = set()
        for ref in REFS:
            for draft in (False, True):
                names |= {n for n, _ in paths(_ctx(framework, ref, draft=draft))}
        return names

    def test_every_key_is_described(self, framework: Framework) -> None:
        """No context entry lacks a catalogue entry."""
        described = {v.name for v in CATALOGUE}
        assert self._produced(framework) - described == set()

    def test_every_description_is_produced(self, framework: Framework) -> None:
        """No catalogue entry is stale: each is produced by some example."""
        described = {v.name for v in CATALOGUE}
        assert described - self._produced(framework) == set()

    def test_context_follows_catalogue_order(self, framework: Framework) -> None:
        """The context's keys come in the order the catalogue lists them."""
        order = [v.name for v in CATALOGUE]
        produced = list(dict.fromkeys(n for n, _ in paths(_ctx(framework, REFS[1]))))
        assert produced == [n for n in order if n in produced]

    def test_entries_are_unique_and_french(self) -> None:
        """One entry per name, each with a description and a known type."""
        names = [v.name for v in CATALOGUE]
        assert len(names) == len(set(names))
        assert all(
            v.description and v.type in {"texte", "booléen", "liste", "dictionnaire"}
            for v in CATALOGUE
        )

    def test_example_values(self, framework: Framework) -> None:
        """example_values gives a value for leaf entries, for ``iscg-docs variables``."""
        values = example_values(_ctx(framework, REFS[0]))
        assert values["parties[].designation"] == "l’État"
        assert values["financing.years[].cells[].amount"] == f"20{NNBSP}000,00{NBSP}€"
        assert values["draft"] is False


def test_state_share_zero_all_years(framework: Framework) -> None:
    """When the State pays nothing at all, the sentence covers the whole convention."""
    c = framework.convention(REFS[2])
    funding = attrs.evolve(
        c.funding,
        years=tuple(attrs.evolve(y, state=StateShare(amount=Decimal(0))) for y in c.funding.years),
    )
    fw = attrs.evolve(framework, conventions=(attrs.evolve(c, funding=funding),))
    fin = _ctx(fw, REFS[2])["financing"]
    assert fin["state_absent"].startswith("Pendant toute la durée de la convention, l’État")
