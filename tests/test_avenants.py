"""Tests for the avenants in the model: their states and the rules every state obeys."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from iscg_docs.errors import ValidationError
from iscg_docs.inputs.loading import load_data
from iscg_docs.model.records import Avenant, Framework
from iscg_docs.model.rules import problems, warnings

BRESSE = 2  # conventions[2], CD71-ISCG-2021-03, signed 8 March 2021, 2021-2023


def fipd_2023(**changes: Any) -> dict[str, Any]:
    """Avenant n° 1 of the Bresse convention: the 2023 FIPD known at last, as a file has it."""
    avenant: dict[str, Any] = {
        "number": 1,
        "object": "participation de l'État (FIPD) pour 2023",
        "signed_at": "Mâcon",
        "signed_on": dt.date(2023, 4, 12),
        "funding": {
            "split_method": "equal",
            "years": [
                {"cost": "43500.00", "state": {"amount": "17400.00"}},
                {"cost": "44370.00", "state": {"amount": "17400.00"}},
                {"cost": "45257.40", "state": {"amount": "17400.00"}},
            ],
            "split": [{"party": "bli"}],
        },
    }
    avenant.update(changes)
    return avenant


def with_avenants(
    data: dict[str, Any], *avenants: dict[str, Any], index: int = BRESSE
) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["conventions"][index]["avenants"] = list(avenants)
    return data


def codes(data: dict[str, Any]) -> dict[str, str]:
    """Each problem's path and code, as loading the data reports them."""
    with pytest.raises(ValidationError) as caught:
        load_data(data)
    return {p.path: p.code for p in caught.value.problems}


class TestStates:
    def test_fipd_known_at_last(self, example_data: dict[str, Any]) -> None:
        """After avenant n° 1 the third year's State share is 17 400,00 €; before, 0."""
        fw = load_data(with_avenants(example_data, fipd_2023()))
        convention = fw.conventions[BRESSE]
        assert convention.funding.years[2].state.amount == Decimal(0)
        after = convention.state_after(1)
        assert after.funding.years[2].state.amount == Decimal("17400.00")
        assert after.avenants == convention.avenants
        assert after.posts == convention.posts
        assert convention.state_after(0).avenants == ()
        assert warnings(fw) == []

    def test_state_on_a_date(self, example_data: dict[str, Any]) -> None:
        """The convention in force on a day is amended by the avenants signed by then."""
        convention = load_data(with_avenants(example_data, fipd_2023())).conventions[BRESSE]
        assert convention.state_on(dt.date(2023, 4, 11)).funding == convention.funding
        assert convention.state_on(dt.date(2023, 4, 12)).funding == convention.avenants[0].funding

    def test_two_avenants_in_a_row(self, example_data: dict[str, Any]) -> None:
        """The second avenant amends the state the first one left; sections not replaced stay."""
        extension = {
            "number": 2,
            "object": "prolongation d'un an",
            "signed_at": "Mâcon",
            "signed_on": dt.date(2023, 11, 20),
            "period": {"start": dt.date(2021, 1, 1), "years": 4},
            "funding": {
                **fipd_2023()["funding"],
                "years": [
                    *fipd_2023()["funding"]["years"],
                    {"cost": "46162.55", "state": {"amount": "17400.00"}},
                ],
            },
        }
        fw = load_data(with_avenants(example_data, fipd_2023(), extension))
        final = fw.conventions[BRESSE].state_after(2)
        assert final.period.years == 4
        assert len(final.funding.years) == 4
        assert final.funding.years[2].state.amount == Decimal("17400.00")

    def test_state_out_of_range(self, framework: Framework) -> None:
        """There is no state after an avenant that does not exist."""
        with pytest.raises(ValueError, match="pas d'état après l'avenant n° 1"):
            framework.conventions[0].state_after(1)


class TestRules:
    def test_numbers_without_gaps(self, example_data: dict[str, Any]) -> None:
        """Avenants are numbered 1, 2, 3… in order."""
        found = codes(with_avenants(example_data, fipd_2023(number=2)))
        assert found["conventions[2].avenants[0].number"] == "avenant-number"

    def test_signed_after_the_convention(self, example_data: dict[str, Any]) -> None:
        """An avenant is signed after the convention it amends."""
        found = codes(with_avenants(example_data, fipd_2023(signed_on=dt.date(2021, 3, 1))))
        assert found["conventions[2].avenants[0].signed_on"] == "avenant-date"

    def test_dates_increase(self, example_data: dict[str, Any]) -> None:
        """A second avenant is signed after the first; only the last may be undated."""
        second = fipd_2023(number=2, signed_on=dt.date(2022, 1, 1), object="coût")
        second["funding"]["years"][0]["cost"] = "43600.00"
        found = codes(with_avenants(example_data, fipd_2023(), second))
        assert found["conventions[2].avenants[1].signed_on"] == "avenant-date"
        found = codes(
            with_avenants(
                example_data,
                fipd_2023(signed_on=None),
                {**second, "signed_on": dt.date(2024, 1, 1)},
            )
        )
        assert found["conventions[2].avenants[0].signed_on"] == "avenant-date"

    def test_an_avenant_that_changes_nothing(self, example_data: dict[str, Any]) -> None:
        """Replacing a section by itself, or by nothing, is an error."""
        same = example_data["conventions"][BRESSE]["funding"]
        found = codes(with_avenants(example_data, fipd_2023(funding=same)))
        assert found["conventions[2].avenants[0]"] == "avenant-empty"
        nothing = {k: v for k, v in fipd_2023().items() if k != "funding"}
        assert (
            codes(with_avenants(example_data, nothing))["conventions[2].avenants[0]"]
            == "avenant-empty"
        )

    def test_partial_section(self, example_data: dict[str, Any]) -> None:
        """A section is replaced whole: funding without its split is refused where it stands."""
        avenant = fipd_2023()
        del avenant["funding"]["split"]
        found = codes(with_avenants(example_data, avenant))
        assert found["conventions[2].avenants[0].funding.split"] == "missing"

    def test_unknown_section(self, example_data: dict[str, Any]) -> None:
        """A section name that does not exist is named with the ones that do."""
        found = codes(with_avenants(example_data, fipd_2023(budget={})))
        assert found["conventions[2].avenants[0].budget"] == "unknown-field"

    def test_each_state_passes_every_rule(self, example_data: dict[str, Any]) -> None:
        """A split that no longer adds up to 100 % is reported at the avenant that breaks it."""
        avenant = fipd_2023()
        avenant["funding"]["split_method"] = "percent"
        avenant["funding"]["split"] = [{"party": "bli", "percent": "90"}]
        found = codes(with_avenants(example_data, avenant))
        assert found["conventions[2].avenants[0].funding.split"] == "split-total"
        assert "conventions[2].funding.split" not in found

    def test_joining_collectivity_needs_a_deliberation(self, example_data: dict[str, Any]) -> None:
        """A commune that joins by an avenant signs it, under a deliberation."""
        data = copy.deepcopy(example_data)
        data["parties"].append(
            {
                "id": "louhans",
                "kind": "commune",
                "name": "Louhans",
                "signatory": {
                    "role": "maire",
                    "full_name": "Anne Martin",
                    "gender": "f",
                    "title_suffix": "de Louhans",
                },
            }
        )
        avenant = fipd_2023(parties=["bli", "louhans"])
        avenant["funding"]["split"] = [{"party": "bli"}, {"party": "louhans"}]
        found = codes(with_avenants(data, avenant))
        louhans = len(data["parties"]) - 1
        assert found[f"parties[{louhans}].deliberation"] == "missing-deliberation"

    def test_joining_deliberation_dated_before_the_avenant(
        self, example_data: dict[str, Any]
    ) -> None:
        """A deliberation of 2023 authorises signing a 2023 avenant, not the 2021 convention."""
        data = copy.deepcopy(example_data)
        data["parties"].append(
            {
                "id": "louhans",
                "kind": "commune",
                "name": "Louhans-Châteaurenaud",
                "signatory": {"role": "maire", "full_name": "Anne Martin", "gender": "f"},
                "deliberation": {
                    "body": "conseil municipal",
                    "date": dt.date(2023, 3, 2),
                    "number": "2023-014",
                },
            }
        )
        avenant = fipd_2023(parties=["bli", "louhans"])
        avenant["funding"]["split"] = [{"party": "bli"}, {"party": "louhans"}]
        assert problems(load_data(with_avenants(data, avenant))) == []

    def test_etp_within_the_framework_at_every_date(self, example_data: dict[str, Any]) -> None:
        """Posts added by an avenant count against the framework's ETP from its date on."""
        data = copy.deepcopy(example_data)
        data["etp_authorised"] = "3.5"
        posts = copy.deepcopy(data["conventions"][BRESSE]["posts"])
        posts.append({**posts[0], "id": "bresse-2", "site": "brigade de Cuisery"})
        found = codes(with_avenants(data, fipd_2023(posts=posts, funding=None)))
        assert found["conventions"] == "etp-exceeded"

    def test_etp_exceeded_further_by_an_avenant(self, example_data: dict[str, Any]) -> None:
        """Conventions already over the framework are reported once; an avenant adding
        a post is reported again, at its date, with the new total."""
        data = copy.deepcopy(example_data)
        data["etp_authorised"] = "3"
        posts = copy.deepcopy(data["conventions"][BRESSE]["posts"])
        posts.append({**posts[0], "id": "bresse-2", "site": "brigade de Cuisery"})
        with pytest.raises(ValidationError) as caught:
            load_data(with_avenants(data, fipd_2023(posts=posts, funding=None)))
        messages = [p.message for p in caught.value.problems if p.code == "etp-exceeded"]
        assert len(messages) == 2
        assert "totalisent 3,5 ETP" in messages[0]
        assert messages[1].startswith("au ")
        assert "totalisent 4,5 ETP" in messages[1]

    def test_signatory_of_a_party_that_does_not_sign(self, example_data: dict[str, Any]) -> None:
        """An avenant's signatory stands for a party of the amended convention."""
        signer = {
            "party": "mba",
            "signatory": {"role": "president", "full_name": "X Y", "gender": "m"},
        }
        found = codes(with_avenants(example_data, fipd_2023(signatories=[signer])))
        assert found["conventions[2].avenants[0].signatories[0].party"] == "unknown-party"

    def test_float_amount(self, example_data: dict[str, Any]) -> None:
        """Money in an avenant is exact, as in the convention."""
        avenant = fipd_2023()
        avenant["funding"]["years"][2]["state"]["amount"] = 17400.5
        found = codes(with_avenants(example_data, avenant))
        assert found["conventions[2].avenants[0].funding.years[2].state.amount"] == "float"


class TestWarnings:
    def test_a_year_already_ended(self, example_data: dict[str, Any]) -> None:
        """Changing a year that ended before the avenant's signature is worth a second look."""
        avenant = fipd_2023()
        avenant["funding"]["years"][0]["cost"] = "43600.00"
        fw = load_data(with_avenants(example_data, avenant))
        assert problems(fw) == []
        (warning,) = warnings(fw)
        assert warning.is_warning
        assert warning.code == "avenant-past-year"
        assert warning.path == "conventions[2].avenants[0].funding.years[0]"
        assert "déjà achevée" in warning.message


def test_avenant_record_sections() -> None:
    """An avenant lists the sections it replaces, and only those."""
    avenant = Avenant(number=1, object="o", signed_at="Mâcon", cosignatories=["procureur"])
    assert avenant.sections == {"cosignatories": ("procureur",)}
