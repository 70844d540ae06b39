"""Tests for iscg_docs.model.rules, through load_data so paths are the file's paths."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iscg_docs.errors import ValidationError
from iscg_docs.inputs.loading import load_data
from iscg_docs.model.records import Framework, PartyKind, SplitMethod, SplitShare
from iscg_docs.model.rules import problems, review, validate, warnings
from tests.strategies import faulty_frameworks, frameworks


def codes_and_paths(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        load_data(data)
    return [(p.code, p.path) for p in caught.value.problems]


class TestExample:
    def test_valid(self, framework: Framework) -> None:
        """The bundled example has no problem and uses 3,5 of the 6 ETP."""
        assert problems(framework) == []
        assert validate(framework) is framework
        assert str(framework.etp) == "3.5"


class TestSplit:
    def test_total_99_99(self, example_data: dict[str, Any]) -> None:
        """A split adding up to 99,99 % names that split's path and says 99,99 %."""
        example_data["conventions"][0]["funding"]["split"][1]["percent"] = "17.49"
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        (problem,) = caught.value.problems
        assert problem.code == "split-total"
        assert problem.path == "conventions[0].funding.split"
        assert "99,99 %" in problem.message

    def test_missing_percent(self, example_data: dict[str, Any]) -> None:
        """With the percent method every collectivity needs a percentage."""
        del example_data["conventions"][0]["funding"]["split"][2]["percent"]
        assert ("split-key", "conventions[0].funding.split[2].percent") in codes_and_paths(
            example_data
        )

    def test_population_needed(self, example_data: dict[str, Any]) -> None:
        """The population method needs a population for each collectivity the Code officiel
        géographique does not know, and refuses stray percentages."""
        example_data["conventions"][0]["funding"]["split_method"] = "population"
        montceau = example_data["parties"][2]
        montceau["name"], montceau["hors_referentiel"] = "Montceau-Nouvelle", True
        found = codes_and_paths(example_data)
        assert ("split-key", "conventions[0].funding.split[0].population") in found
        assert ("split-key", "conventions[0].funding.split[0].percent") in found

    def test_split_party_must_sign(self, example_data: dict[str, Any]) -> None:
        """A collectivity that pays must be a party to the convention."""
        example_data["conventions"][2]["funding"]["split"][0]["party"] = "mba"
        assert ("split-not-party", "conventions[2].funding.split[0].party") in codes_and_paths(
            example_data
        )

    def test_duplicate(self, example_data: dict[str, Any]) -> None:
        """A collectivity listed twice in the key is reported."""
        split = example_data["conventions"][0]["funding"]["split"]
        split[1]["party"] = "montceau"
        assert ("split-duplicate", "conventions[0].funding.split[1].party") in codes_and_paths(
            example_data
        )


class TestYears:
    def test_count_matches_period(self, example_data: dict[str, Any]) -> None:
        """A three-year convention needs three yearly costs."""
        example_data["conventions"][1]["funding"]["years"].pop()
        assert codes_and_paths(example_data) == [("years-count", "conventions[1].funding.years")]

    def test_state_above_cost(self, example_data: dict[str, Any]) -> None:
        """The State cannot pay more than the year's cost."""
        example_data["conventions"][0]["funding"]["years"][0]["state"] = {"amount": "50000"}
        assert codes_and_paths(example_data) == [
            ("state-exceeds-cost", "conventions[0].funding.years[0].state.amount")
        ]

    def test_state_amount_and_rate(self, example_data: dict[str, Any]) -> None:
        """The State's share is an amount or a rate, not both."""
        example_data["conventions"][0]["funding"]["years"][0]["state"] = {
            "amount": "1",
            "rate": "2",
        }
        assert codes_and_paths(example_data) == [
            ("state-share", "conventions[0].funding.years[0].state")
        ]

    def test_zero_cost(self, example_data: dict[str, Any]) -> None:
        """A year costs more than nothing."""
        example_data["conventions"][0]["funding"]["years"][0] = {
            "cost": "0",
            "state": {"amount": "0"},
        }
        assert ("cost", "conventions[0].funding.years[0].cost") in codes_and_paths(example_data)


class TestReferences:
    def test_unknown_party(self, example_data: dict[str, Any]) -> None:
        """A convention naming an undeclared party is told where."""
        example_data["conventions"][0]["parties"][1] = "blanzi"
        found = codes_and_paths(example_data)
        assert ("unknown-party", "conventions[0].parties[1]") in found

    def test_employer_must_be_party(self, example_data: dict[str, Any]) -> None:
        """The employer of a post is a party to its convention."""
        example_data["conventions"][2]["posts"][0]["employer"] = "mba"
        assert codes_and_paths(example_data) == [
            ("employer-not-party", "conventions[2].posts[0].employer")
        ]

    def test_duplicate_party_id(self, example_data: dict[str, Any]) -> None:
        """Party identifiers are unique."""
        example_data["parties"][3]["id"] = "montceau"
        found = codes_and_paths(example_data)
        assert ("duplicate-party", "parties[2].id") in found
        assert ("duplicate-party", "parties[3].id") in found

    def test_state_kind(self, example_data: dict[str, Any]) -> None:
        """The framework's State is a party of nature 'etat'."""
        example_data["state"] = "cd71"
        assert ("party-kind", "state") in codes_and_paths(example_data)


class TestSignatories:
    def test_missing_signatory(self, example_data: dict[str, Any]) -> None:
        """Every party that signs has a signatory."""
        del example_data["parties"][3]["signatory"]
        assert codes_and_paths(example_data) == [("missing-signatory", "parties[3].signatory")]

    def test_missing_deliberation(self, example_data: dict[str, Any]) -> None:
        """Every collectivity that signs has a deliberation, the Département included."""
        del example_data["parties"][1]["deliberation"]
        assert codes_and_paths(example_data) == [
            ("missing-deliberation", "parties[1].deliberation")
        ]

    def test_deliberation_after_signature(self, example_data: dict[str, Any]) -> None:
        """A deliberation cannot postdate the signature it authorises."""
        example_data["conventions"][2]["signed_on"] = "2021-01-05"
        found = codes_and_paths(example_data)
        assert found
        assert all(f == ("incoherent-dates", "conventions[2].signed_on") for f in found)


class TestPosts:
    def test_etp_exceeded(self, example_data: dict[str, Any]) -> None:
        """The conventions together cannot exceed the ETP the framework authorises."""
        example_data["etp_authorised"] = "3"
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        # Once, as signed: the example's avenant changes no post, so its date adds nothing.
        problems = caught.value.problems
        assert [(p.code, p.path) for p in problems] == [("etp-exceeded", "conventions")]
        assert "totalisent 3,5 ETP" in problems[0].message

    def test_no_post(self, example_data: dict[str, Any]) -> None:
        """A convention funds at least one post."""
        example_data["conventions"][2]["posts"] = []
        assert ("no-post", "conventions[2].posts") in codes_and_paths(example_data)

    def test_job_over_one_etp(self, example_data: dict[str, Any]) -> None:
        """One worker's placements cannot add up to more than one ETP."""
        example_data["conventions"][0]["posts"][0]["quotite"] = "0.75"
        assert codes_and_paths(example_data) == [("job-quotite", "conventions[0].posts")]


class TestEverythingAtOnce:
    def test_many_problems(self, example_data: dict[str, Any]) -> None:
        """Problems in several conventions and records are all reported together."""
        example_data["conventions"][0]["funding"]["split"][0]["percent"] = "44"
        example_data["conventions"][1]["posts"][0]["quotite"] = 1.5
        example_data["conventions"][2]["funding"]["years"][0]["cost"] = 43500.5
        found = codes_and_paths(example_data)
        assert ("float", "conventions[1].posts[0].quotite") in found
        assert ("float", "conventions[2].funding.years[0].cost") in found
        assert len(found) == 2  # structural problems stop before cross-record checks

    @settings(max_examples=60, deadline=None)
    @given(frameworks(max_conventions=2), st.data())
    def test_any_split_off_100_is_named(self, fw: Framework, data: st.DataObject) -> None:
        """For any split not adding up to 100, the error names that split's path."""
        index = data.draw(st.integers(0, len(fw.conventions) - 1))
        c = fw.conventions[index]
        delta = data.draw(st.sampled_from(["0.01", "-0.01", "1", "-5"]))
        first = c.funding.split[0]
        base = first.percent if c.funding.split_method is SplitMethod.PERCENT else Decimal(100)
        new_percent = (base or Decimal(0)) + Decimal(delta)
        if not Decimal(0) <= new_percent <= 100:
            new_percent = (base or Decimal(0)) - Decimal(delta)
        split = list(c.funding.split)
        if c.funding.split_method is SplitMethod.PERCENT:
            split[0] = SplitShare(first.party, percent=new_percent)
        else:
            split = [SplitShare(s.party, percent=Decimal(0)) for s in split]
            split[0] = SplitShare(first.party, percent=new_percent)
        funding = attrs.evolve(c.funding, split=split, split_method=SplitMethod.PERCENT)
        conventions = list(fw.conventions)
        conventions[index] = attrs.evolve(c, funding=funding)
        found = problems(attrs.evolve(fw, conventions=conventions))
        assert [(p.code, p.path) for p in found] == [
            ("split-total", f"conventions[{index}].funding.split")
        ]


class TestWarnings:
    def test_the_example_has_none(self, framework: Framework) -> None:
        """The Saône-et-Loire example is clean: no error, no warning."""
        assert warnings(framework) == []


class TestReview:
    """review: problems and warnings in one pass, the same through any map."""

    def test_sections_in_order(self, framework: Framework) -> None:
        """The errors come party by party, then the State's and the Département's,
        the signatories, convention by convention, the ETP, the file names, and last
        the Code officiel géographique's, parties before conventions."""
        first = framework.conventions[0]
        conventions = [
            attrs.evolve(first, posts=[attrs.evolve(first.posts[0], commune="Nulle-Part")]),
            attrs.evolve(framework.conventions[1], reference="CON", posts=()),
            *framework.conventions[2:],
        ]
        parties = list(framework.parties)
        parties[2] = attrs.evolve(parties[2], name="Macon-Nouvelle", signatory=None)
        fw = attrs.evolve(
            framework,
            parties=[*parties, attrs.evolve(parties[3], kind=PartyKind.AUTRE)],
            conventions=conventions,
            etp_authorised=Decimal("0.5"),
        )
        assert [(p.code, p.path) for p in review(fw).problems] == [
            ("duplicate-party", "parties[3].id"),
            ("duplicate-party", f"parties[{len(parties)}].id"),
            ("designation", f"parties[{len(parties)}].designation"),
            ("missing-signatory", "parties[2].signatory"),
            ("no-post", "conventions[1].posts"),
            ("etp-exceeded", "conventions"),
            ("reserved-name", "conventions[1].reference"),
            ("unknown-place", "parties[2].name"),
            ("unknown-place", "conventions[0].posts[0].commune"),
        ]

    def test_valid_gives_warnings(self, framework: Framework) -> None:
        """A valid framework has no problem, and warnings's warnings."""
        post = framework.conventions[0].posts[0]
        post = attrs.evolve(post, commune="Hameau-Nouveau", hors_referentiel=True)
        first = attrs.evolve(framework.conventions[0], posts=[post])
        fw = attrs.evolve(framework, conventions=[first, *framework.conventions[1:]])
        found = review(fw, map=_backwards)
        assert found.problems == ()
        assert list(found.warnings) == warnings(fw) != []

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(faulty_frameworks())
    def test_any_map_order_is_serial(self, fw: Framework) -> None:
        """Through a map that works backwards, problems and warnings are the built-in
        map's, in the same order: problems' problems, or when there are none warnings'
        warnings."""
        serial = review(fw)
        assert review(fw, map=_backwards) == serial
        assert list(serial.problems) == problems(fw)
        assert list(serial.warnings) == ([] if serial.problems else warnings(fw))


class TestDuplicatePartyRule:
    def test_first_of_two_parties_is_the_one_meant(self, framework: Framework) -> None:
        """Rules read a duplicated identifier as Framework.party does: the first one wins."""
        departement = framework.party(framework.departement)
        impostor = attrs.evolve(departement, kind=PartyKind.COMMUNE, name="Mâcon")
        fw = attrs.evolve(framework, parties=[*framework.parties, impostor])
        assert fw.party(framework.departement) is departement
        found = {p.code for p in problems(fw)}
        assert "duplicate-party" in found
        assert "party-kind" not in found


def _backwards(func: Any, items: Any) -> list[Any]:
    """The built-in map's results, each computed in the reverse order of the items."""
    todo = list(items)
    done = [func(item) for item in reversed(todo)]
    return done[::-1]
