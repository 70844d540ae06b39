"""Tests for the iscg-docs command line (in process, CliRunner style, and as a subprocess)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from iscg_docs.cli import main
from tests.helpers import edited_example, run


class TestCheck:
    def test_example(self, example_path: Path) -> None:
        """The example is valid: three conventions and 3,5 ETP in all, exit 0."""
        code, out = run("check", str(example_path))
        assert code == 0
        assert "3,5 ETP engagés par 3 conventions" in out
        for ref in ("CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03"):
            assert ref in out
        assert (
            "les communes de Montceau-les-Mines, Blanzy, Saint-Vallier et Sanvignes-les-Mines"
            in out
        )
        assert "134 657,60 €" in out

    def test_split_99_99(self, example_path: Path, tmp_path: Path) -> None:
        """A split adding to 99,99 % exits 1 naming that split's path."""
        bad = edited_example(example_path, tmp_path, 'percent = "17.5"', 'percent = "17.49"')
        code, out = run("check", str(bad))
        assert code == 1
        assert "@ conventions[0].funding.split" in out
        assert "99,99 %" in out

    def test_float_amount(self, example_path: Path, tmp_path: Path) -> None:
        """A money amount written as a bare TOML float exits 1."""
        bad = edited_example(example_path, tmp_path, 'cost = "66000.00"', "cost = 66000.00")
        code, out = run("check", str(bad))
        assert code == 1
        assert "@ conventions[1].funding.years[0].cost" in out

    @pytest.mark.parametrize(
        ("name", "content"),
        [("absent.toml", None), ("bad.toml", "title = = 1"), ("bad.csv", "a,b")],
        ids=["missing", "syntax", "format"],
    )
    def test_unreadable(self, tmp_path: Path, name: str, content: str | None) -> None:
        """Unreadable or malformed input exits 2 with a message naming the file."""
        path = tmp_path / name
        if content is not None:
            path.write_text(content, "utf-8")
        code, out = run("check", str(path))
        assert code == 2
        assert str(path) in out
        assert "Traceback" not in out

    def test_usage_error(self) -> None:
        """An unknown command is a usage error, exit 2."""
        assert main(["frobnicate"], out=io.StringIO()) == 2


class TestModule:
    def test_python_m(self, example_path: Path) -> None:
        """python -m iscg_docs behaves like the console script."""
        done = subprocess.run(
            [sys.executable, "-m", "iscg_docs", "check", str(example_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "CD71-ISCG-2021-02 — Mâconnais" in done.stdout

    def test_check_does_not_import_docx(self, example_path: Path) -> None:
        """check stays light: neither docxtpl, python-docx nor lxml is imported."""
        code = (
            "import sys; from iscg_docs.cli import main; import io; "
            f"main(['check', {str(example_path)!r}], out=io.StringIO()); "
            "print(sorted(m for m in ('docxtpl', 'docx', 'lxml', 'openpyxl') if m in sys.modules))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "[]"
