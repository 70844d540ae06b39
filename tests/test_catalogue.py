"""Tests for iscg_docs.convention.catalogue and ``iscg-docs variables``: what a template may use.

The catalogue and the context come from one declaration (tests/test_variables.py,
tests/test_context.py); here the printed catalogue is checked against the names the
bundled template really uses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iscg_docs.cli.variables import render
from iscg_docs.convention.catalogue import UNAVAILABLE, entries, filter_entries
from iscg_docs.convention.context import CATALOGUE
from iscg_docs.convention.render import default_template
from iscg_docs.french import FILTERS
from tests.helpers import run, used_names


class TestEntries:
    """Variables with their example values."""

    def test_examples_come_from_the_example_file(self) -> None:
        """Examples are the first convention's values; a list of texts shows its first item."""
        found = {e.name: e for e in entries()}
        assert found["reference"].example == "« CD71\u2011ISCG\u20112021\u201101 »"
        assert found["draft"].example == "faux"
        assert found["jobs"].example.startswith("« un poste")
        assert found["parties[].designation"].example == "« l’État »"

    def test_missing_example_file(self, tmp_path: Path) -> None:
        """Without the example file (an installed package), examples say so, nothing fails."""
        found = entries(tmp_path / "absent.toml")
        assert len(found) == len(CATALOGUE)
        assert {e.example for e in found} == {UNAVAILABLE}


class TestFilterEntries:
    """Filters with a French description and a computed example."""

    def test_every_filter_has_an_example(self) -> None:
        """No filter is left without a written example call and a computed output."""
        described = filter_entries()
        assert [f.name for f in described] == sorted(FILTERS)
        assert all(f.description and f.call and f.output != UNAVAILABLE for f in described)

    def test_outputs_are_computed(self) -> None:
        """The output is what the filter gives now, not a copy."""
        found = {f.name: f for f in filter_entries()}
        assert found["money"].output == "« 25\u202f000,00\u00a0€ »"
        assert found["article_number"].output == "« Article 1er »"


class TestVariablesCommand:
    """``iscg-docs variables`` in its three formats."""

    def test_text_lists_every_name_the_template_uses(self) -> None:
        """Each catalogue name the bundled template uses is printed with its description."""
        code, out = run("variables")
        assert code == 0
        descriptions = {v.name: v.description for v in CATALOGUE}
        used = used_names(default_template())
        assert used
        for name in used:
            assert f"\n{name}  (" in out, name
            assert descriptions[name] in out

    def test_markdown(self) -> None:
        """Markdown gives two tables, one row per variable and per filter."""
        code, out = run("variables", "--format", "markdown")
        assert code == 0
        lines = out.splitlines()
        assert lines[0].startswith("# ")
        assert "| Nom | Type | Description | Exemple |" in lines
        rows = [line for line in lines if line.startswith("| `")]
        assert len(rows) == len(CATALOGUE) + len(FILTERS)
        assert all(row.count(" | ") >= 3 and row.endswith(" |") for row in rows)

    def test_json(self) -> None:
        """JSON parses, with every variable and filter and their examples."""
        code, out = run("variables", "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert [v["name"] for v in data["variables"]] == [v.name for v in CATALOGUE]
        assert {f["name"] for f in data["filters"]} == set(FILTERS)
        assert set(data["variables"][0]) == {"name", "description", "type", "example"}

    def test_unknown_format_is_usage_error(self) -> None:
        """An unknown format is refused by the parser (exit 2)."""
        code, _ = run("variables", "--format", "html")
        assert code == 2

    def test_render_refuses_unknown_format(self) -> None:
        """The library refuses an unknown format with ValueError."""
        with pytest.raises(ValueError, match="unknown format"):
            render("html")
