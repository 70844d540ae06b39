"""Hostile data files: not regular files, too large, too deep, too long a number."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import INVALID, UNREADABLE, Run, assert_refused

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "saone-et-loire.toml"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The output folder a refused run must leave empty."""
    return tmp_path / "out"


class TestNotAFile:
    """A FIFO or a device is refused before it is opened for reading, never waited on."""

    def test_fifo(self, tmp_path: Path, cli: Callable[..., Run], out: Path) -> None:
        """A named pipe nobody writes to: refused at once, not a hang."""
        fifo = tmp_path / "cadre.json"
        os.mkfifo(fifo)
        run = cli("generate", fifo, "--out", out)
        assert_refused(run, UNREADABLE, out=out, says="tube nommé")

    @pytest.mark.parametrize(
        ("device", "name"),
        [("/dev/zero", "cadre.json"), ("/dev/urandom", "cadre.toml"), ("/dev/zero", "c.xlsx")],
        ids=["zero-json", "urandom-toml", "zero-xlsx"],
    )
    def test_symlink_to_device(
        self, tmp_path: Path, cli: Callable[..., Run], device: str, name: str
    ) -> None:
        """A symbolic link to an endless device is refused, not read into memory."""
        link = tmp_path / name
        link.symlink_to(device)
        assert_refused(cli("check", link), UNREADABLE, says="périphérique")

    def test_directory(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """A folder named like a data file."""
        (tmp_path / "cadre.toml").mkdir()
        assert_refused(cli("check", tmp_path / "cadre.toml"), UNREADABLE, says="dossier")


class TestTooLarge:
    """A file over the size limit is refused by its size, without being read."""

    @pytest.mark.parametrize("name", ["cadre.json", "cadre.toml", "cadre.xlsx"])
    def test_sparse_file(self, tmp_path: Path, cli: Callable[..., Run], name: str) -> None:
        """A 30 MB file (sparse: it takes no disk)."""
        big = tmp_path / name
        with big.open("wb") as stream:
            stream.truncate(30 * 1024 * 1024)
        assert_refused(cli("check", big), UNREADABLE, says="limite est de 20 Mo")


class TestStructure:
    """Nesting and numbers no framework has are refused while parsing, in French."""

    @pytest.mark.parametrize("depth", [5_000, 100_000])
    def test_deep_json(self, tmp_path: Path, cli: Callable[..., Run], depth: int) -> None:
        """Lists nested thousands deep: no RecursionError."""
        path = tmp_path / "cadre.json"
        path.write_text('{"title": ' + "[" * depth + "]" * depth + "}", "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="imbriquées")

    def test_deep_json_unclosed(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """Lists opened 100 000 times and never closed."""
        path = tmp_path / "cadre.json"
        path.write_text("[" * 100_000, "utf-8")
        assert_refused(cli("check", path), UNREADABLE)

    @pytest.mark.parametrize("depth", [5_000, 100_000])
    def test_deep_toml(self, tmp_path: Path, cli: Callable[..., Run], depth: int) -> None:
        """Inline arrays nested thousands deep."""
        path = tmp_path / "cadre.toml"
        path.write_text("title = " + "[" * depth + "]" * depth + "\n", "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="imbriquées")

    def test_moderately_deep_json(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """Forty levels parse, but no later step walks them."""
        path = tmp_path / "cadre.json"
        path.write_text('{"title": ' + "[" * 40 + "]" * 40 + "}", "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="imbriquées")

    def test_json_integer_of_5000_digits(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """Beyond Python's int-string limit: a French message, not a ValueError."""
        path = tmp_path / "cadre.json"
        path.write_text('{"title": ' + "9" * 5000 + "}", "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="5000 chiffres")

    def test_toml_integer_of_5000_digits(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """The same in TOML, where the parser raises the ValueError."""
        path = tmp_path / "cadre.toml"
        text = EXAMPLE.read_text("utf-8")
        path.write_text(f"extra = {'9' * 5000}\n{text}", "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="trop long")

    def test_toml_integer_of_200_digits(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """Within Python's limit but no sense as a number here."""
        path = tmp_path / "cadre.toml"
        path.write_text(f"extra = {'9' * 200}\n" + EXAMPLE.read_text("utf-8"), "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="trop long")

    def test_json_syntax(self, tmp_path: Path, cli: Callable[..., Run]) -> None:
        """Any other parser failure is the located French message."""
        path = tmp_path / "cadre.json"
        path.write_text('{"title": tru}', "utf-8")
        assert_refused(cli("check", path), UNREADABLE, says="ligne 1, colonne")


def test_valid_input_still_checks(cli: Callable[..., Run]) -> None:
    """The guards leave a real file alone."""
    run = cli("check", EXAMPLE)
    assert run.code == 0, run.stderr
    assert "CD71-ISCG-2021-01" in run.stdout


def test_invalid_data_is_exit_1(tmp_path: Path, cli: Callable[..., Run]) -> None:
    """Data that parses but is wrong stays exit 1, listed."""
    path = tmp_path / "cadre.toml"
    path.write_text('title = "x"\n', "utf-8")
    assert_refused(cli("check", path), INVALID)
