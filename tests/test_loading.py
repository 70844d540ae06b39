"""Tests for iscg_docs.inputs.loading and iscg_docs.inputs.structure: files to records, errors by key path."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from iscg_docs.errors import InputError, ValidationError
from iscg_docs.inputs import loading
from iscg_docs.inputs.loading import load, load_data, load_each, load_file, read_data
from iscg_docs.model.records import Framework, SplitMethod
from iscg_docs.model.rules import warnings
from tests.helpers import edited_example


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, default=str, ensure_ascii=False, indent=1)


class TestLoad:
    def test_example(self, example_path: Path) -> None:
        """The example loads into a framework of three conventions."""
        fw = load(example_path)
        assert [c.territory for c in fw.conventions] == [
            "Bassin minier",
            "Mâconnais",
            "Bresse bourguignonne",
        ]
        assert fw.conventions[2].funding.split_method is SplitMethod.EQUAL

    def test_json_equals_toml(
        self, example_data: dict[str, Any], framework: Framework, tmp_path: Path
    ) -> None:
        """The same structure written as JSON gives equal records."""
        path = tmp_path / "cadre.json"
        path.write_text(to_json(example_data), "utf-8")
        assert load(path) == framework

    def test_json_fraction_refused(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """A JSON number with a fraction is a float and is refused, with the path."""
        text = to_json(example_data).replace('"quotite": "0.5"', '"quotite": 0.5', 1)
        path = tmp_path / "cadre.json"
        path.write_text(text, "utf-8")
        with pytest.raises(ValidationError) as caught:
            load(path)
        (problem,) = caught.value.problems
        assert (problem.code, problem.path) == ("float", "conventions[0].posts[0].quotite")

    def test_toml_float_refused(self, example_path: Path, tmp_path: Path) -> None:
        """A bare TOML float for money is refused and the message says to quote it."""
        path = edited_example(example_path, tmp_path, 'cost = "44000.00"', "cost = 44000.00")
        with pytest.raises(ValidationError) as caught:
            load(path)
        (problem,) = caught.value.problems
        assert problem.path == "conventions[0].funding.years[0].cost"
        assert "entre guillemets" in problem.message

    def test_integers_are_exact(self, example_data: dict[str, Any]) -> None:
        """Whole numbers need no quotes: 44000 is an exact amount."""
        example_data["conventions"][0]["funding"]["years"][0]["cost"] = 44000
        fw = load_data(example_data)
        assert str(fw.conventions[0].funding.years[0].cost) == "44000"


class TestReadErrors:
    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("a.toml", None, "fichier introuvable"),
            ("a.txt", "x", "format de fichier non reconnu"),
            ("a.toml", "title = ", "syntaxe TOML incorrecte à la fin du fichier : "),
            ("a.toml", 'a = 1\ntitle = "x\n', "syntaxe TOML incorrecte ligne 2, colonne 11 : "),
            ("a.json", "{", "syntaxe JSON incorrecte ligne 1"),
            ("a.json", "[1]", "doit contenir un objet"),
        ],
        ids=["missing", "suffix", "toml-end", "toml-syntax", "json-syntax", "json-list"],
    )
    def test_messages(self, tmp_path: Path, name: str, content: str | None, message: str) -> None:
        """Unreadable input is an InputError naming the file, in French."""
        path = tmp_path / name
        if content is not None:
            path.write_text(content, "utf-8")
        with pytest.raises(InputError, match=message) as caught:
            read_data(path)
        assert caught.value.source == str(path)

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A file in another encoding is told to be saved as UTF-8."""
        path = tmp_path / "a.toml"
        path.write_bytes('title = "Mâcon"'.encode("latin-1"))
        with pytest.raises(InputError, match="UTF-8"):
            read_data(path)


class TestStructure:
    def test_unknown_and_missing_fields(self, example_data: dict[str, Any]) -> None:
        """A misspelt key is reported as unknown, and the real one as missing."""
        post = example_data["conventions"][1]["posts"][0]
        post["quotité"] = post.pop("quotite")
        with pytest.raises(ValidationError) as caught:
            load_data(example_data, source="cadre.toml")
        found = {(p.code, p.path) for p in caught.value.problems}
        assert found == {
            ("unknown-field", "conventions[1].posts[0].quotité"),
            ("missing", "conventions[1].posts[0].quotite"),
        }
        assert "cadre.toml" in str(caught.value)

    @pytest.mark.parametrize(
        ("value", "code"),
        [("demain", "date"), ("2021-02-30", "date"), (20210101, "type")],
        ids=["word", "impossible", "number"],
    )
    def test_bad_dates(self, example_data: dict[str, Any], value: object, code: str) -> None:
        """A date text that is not a real day, or a number, is told so at its path."""
        example_data["approved_on"] = value
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        assert [(p.code, p.path) for p in caught.value.problems] == [(code, "approved_on")]

    @pytest.mark.parametrize("value", ["2020-12-17", "17/12/2020"], ids=["iso", "french"])
    def test_date_texts(self, example_data: dict[str, Any], value: str) -> None:
        """A date may be a text AAAA-MM-JJ or JJ/MM/AAAA, as in a workbook (JSON has no dates)."""
        example_data["approved_on"] = value
        assert str(load_data(example_data).approved_on) == "2020-12-17"

    def test_bad_number_text(self, example_data: dict[str, Any]) -> None:
        """A number that is not a number says what was given."""
        example_data["conventions"][0]["funding"]["years"][1]["cost"] = "quarante mille"
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        (problem,) = caught.value.problems
        assert problem.code == "number"
        assert "'quarante mille'" in problem.message

    def test_french_number_text(self, example_data: dict[str, Any]) -> None:
        """'44 000,50' with a decimal comma and spaces is read exactly."""
        example_data["conventions"][0]["funding"]["years"][0]["cost"] = "44 000,50"
        fw = load_data(example_data)
        assert str(fw.conventions[0].funding.years[0].cost) == "44000.50"

    def test_enum_choices_listed(self, example_data: dict[str, Any]) -> None:
        """An unknown kind lists the possible values."""
        example_data["parties"][0]["kind"] = "royaume"
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        (problem,) = caught.value.problems
        assert problem.path == "parties[0].kind"
        assert "« etat »" in problem.message

    def test_table_expected(self, example_data: dict[str, Any]) -> None:
        """A scalar where a record is expected is reported at its path."""
        example_data["conventions"][0]["period"] = "trois ans"
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        assert [p.path for p in caught.value.problems] == ["conventions[0].period"]


class TestLoadFile:
    """load_file: one read, one parse, the hash of the bytes read."""

    def test_hash_of_the_bytes_read(self, example_path: Path, framework: Framework) -> None:
        """The framework is load's, and the hash is the file's SHA-256."""
        loaded = load_file(example_path)
        assert loaded.framework == framework
        assert loaded.rejected == ()
        assert loaded.sha256 == hashlib.sha256(example_path.read_bytes()).hexdigest()

    def test_keep_going_parses_once(
        self,
        example_data: dict[str, Any],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """With a bad convention, the file is still read and parsed once."""
        example_data["conventions"][1]["posts"][0]["quotite"] = "beaucoup"
        path = tmp_path / "cadre.json"
        path.write_text(to_json(example_data), "utf-8")
        parsed: list[Path] = []
        real = loading._read_parsed

        def counting(p: Path) -> Any:
            parsed.append(p)
            return real(p)

        monkeypatch.setattr(loading, "_read_parsed", counting)
        loaded = load_file(path, keep_going=True)
        assert len(parsed) == 1
        assert [(r.index, r.reference) for r in loaded.rejected] == [(1, "CD71-ISCG-2021-02")]
        assert len(loaded.framework.conventions) == 2
        assert (loaded.framework, loaded.rejected) == load_each(path)

    def test_warnings(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """The framework's warnings come with it, as warnings gives them."""
        post = example_data["conventions"][0]["posts"][0]
        post["commune"], post["hors_referentiel"] = "Hameau-Nouveau", True
        path = tmp_path / "cadre.json"
        path.write_text(to_json(example_data), "utf-8")
        loaded = load_file(path)
        assert [w.code for w in loaded.warnings] == ["unknown-place"]
        assert list(loaded.warnings) == warnings(loaded.framework)

    def test_without_keep_going_raises(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """Without keep_going, a bad convention stops everything, as load does."""
        example_data["conventions"][1]["posts"][0]["quotite"] = "beaucoup"
        path = tmp_path / "cadre.json"
        path.write_text(to_json(example_data), "utf-8")
        with pytest.raises(ValidationError) as caught:
            load_file(path)
        assert [p.code for p in caught.value.problems] == ["number"]
