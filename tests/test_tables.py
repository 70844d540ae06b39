"""Tests for iscg_docs.inputs.tables and the loading of a TOML or JSON file a table at a time."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iscg_docs.errors import InputError, ValidationError
from iscg_docs.inputs import loading
from iscg_docs.inputs.loading import load_file
from iscg_docs.inputs.tables import Unsplit, json_tables, tables

KEYS = ("parties", "conventions")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE = (EXAMPLES / "saone-et-loire.toml").read_text("utf-8")
_PARTIES = EXAMPLE.index("[[parties]]")
_CONVENTIONS = EXAMPLE.index("[[conventions]]")


def nth(text: str, old: str, new: str, n: int = 0) -> str:
    """``text`` with the ``n``-th (from 0) ``old`` replaced by ``new``."""
    at = -1
    for _ in range(n + 1):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old) :]


def joined(text: str) -> dict[str, Any]:
    """The parts of ``text`` put back together, as the whole text's data."""
    data: dict[str, Any] = {}
    for key, part in tables(text, KEYS):
        if key is None:
            data.update(part)
        else:
            data.setdefault(key, []).extend(part[key])
    return data


#: Texts read a table at a time, and what each shows.
SPLIT = {
    "example": EXAMPLE,
    "ain": (EXAMPLES / "ain.toml").read_text("utf-8"),
    "crlf": EXAMPLE.replace("\n", "\r\n"),
    "spaces-and-comments": EXAMPLE.replace(
        "[[conventions]]", "  [[ conventions ]]   # une convention"
    ).replace("[[parties]]", "[[parties]]\t# une partie"),
    "parties-last": EXAMPLE[:_PARTIES] + EXAMPLE[_CONVENTIONS:] + EXAMPLE[_PARTIES:_CONVENTIONS],
    "header-first": EXAMPLE[_PARTIES:],
    "no-parties": EXAMPLE[:_PARTIES] + EXAMPLE[_CONVENTIONS:],
    "empty-convention": EXAMPLE + "\n[[conventions]]\n",
    "only-headers": "[[conventions]]\n" * 5,
    "invalid-values": nth(EXAMPLE, 'quotite = "1"', 'quotite = "beaucoup"\ninconnu = 1'),
}

#: Texts that must be parsed whole, and why.
WHOLE = {
    "quoted-header": nth(EXAMPLE, "[[conventions]]", '[[ "conventions" ]]', 1),
    "quoted-party-header": nth(EXAMPLE, "[[parties]]", "[['parties']]", 3),
    "header-in-string": nth(
        EXAMPLE, 'territory = "Mâconnais"', 'territory = """Mâconnais\n[[conventions]]\nx"""'
    ),
    "header-in-literal-string": nth(
        EXAMPLE, 'territory = "Mâconnais"', "territory = '''\n[[parties]]\n'''"
    ),
    "header-in-array": nth(
        EXAMPLE, 'territory = "Mâconnais"', 'territory = "M"\nx = [\n[[conventions]]\n]'
    ),
    "other-table-after": EXAMPLE + "\n[autre]\nx = 1\n",
    "conventions-in-head": EXAMPLE.replace("approved_by =", "conventions = []\napproved_by =", 1),
    "conventions-table": EXAMPLE + "\n[conventions]\nx = 1\n",
    "duplicate-key": nth(EXAMPLE, 'territory = "Mâconnais"', 'territory = "M"\nterritory = "x"'),
    "syntax-in-convention": nth(EXAMPLE, 'quotite = "1"', 'quotite = "1'),
    "syntax-in-head": EXAMPLE.replace('state = "etat"', 'state = "etat', 1),
    "control-character": EXAMPLE.replace("[[conventions]]", "[[conventions]] # \x01", 1),
    "no-header": EXAMPLE[:_PARTIES],
    "empty": "",
}

#: Texts whose parts parse, but whose data the whole text refuses: parsed whole.
SHAPES = {
    "too-deep": nth(EXAMPLE, 'quotite = "1"', 'quotite = "1"\nx = ' + "[" * 40 + "]" * 40),
    "too-long": nth(EXAMPLE, 'quotite = "1"', 'quotite = "1"\nx = ' + "9" * 150),
}


class TestTables:
    """tables: the head, then each table of the arrays, or Unsplit on any doubt."""

    @pytest.mark.parametrize("text", SPLIT.values(), ids=SPLIT.keys())
    def test_parts_make_the_whole(self, text: str) -> None:
        """Put back together, the parts give exactly the whole text's data."""
        assert joined(text) == tomli.loads(text)

    def test_one_part_per_table(self) -> None:
        """The example's head, then one part per party and per convention, in order."""
        parts = list(tables(EXAMPLE, KEYS))
        whole = tomli.loads(EXAMPLE)
        assert parts[0] == (None, {k: v for k, v in whole.items() if k not in KEYS})
        assert [key for key, _ in parts[1:]] == ["parties"] * len(whole["parties"]) + [
            "conventions"
        ] * len(whole["conventions"])
        assert all(len(part[key]) == 1 for key, part in parts[1:] if key is not None)

    @pytest.mark.parametrize("text", WHOLE.values(), ids=WHOLE.keys())
    def test_doubt(self, text: str) -> None:
        """A text that might not be cut soundly raises Unsplit before the last part."""
        with pytest.raises(Unsplit):
            list(tables(text, KEYS))


def outcome(path: Path, *, keep_going: bool = False) -> tuple[Any, ...]:
    """What load_file gives for ``path``: the records, or the error and its problems."""
    try:
        loaded = load_file(path, keep_going=keep_going)
    except ValidationError as e:
        return ("invalid", e.message, [(p.code, p.path, p.message) for p in e.problems])
    except InputError as e:
        return ("input", str(e))
    return ("loaded", loaded.framework, loaded.rejected, loaded.sha256)


@contextmanager
def parsed_whole() -> Iterator[None]:
    """Load as before tables: every TOML text parsed whole."""
    with mock.patch.object(loading, "_by_tables", return_value=None):
        yield


@contextmanager
def counting_splits() -> Iterator[list[bool]]:
    """The texts load_file read a table at a time (True) or whole (False), in order."""
    seen: list[bool] = []
    real = loading._by_tables

    def spy(p: Path, text: str) -> Any:
        parsed = real(p, text)
        seen.append(parsed is not None)
        return parsed

    with mock.patch.object(loading, "_by_tables", spy):
        yield seen


def as_json(data: object, **options: Any) -> str:
    return json.dumps(data, default=str, ensure_ascii=False, **options)


_DATA = tomli.loads(EXAMPLE)
_JSON = as_json(_DATA, indent=1)
_OTHERS = {k: v for k, v in _DATA.items() if k != "conventions"}

#: JSON texts read a table at a time.
JSON_SPLIT = {
    "json": _JSON,
    "json-compact": as_json(_DATA),
    "json-blanks": "\n\t " + as_json(_DATA, indent="\t") + " \r\n",
    "json-conventions-first": as_json({"conventions": _DATA["conventions"], **_OTHERS}),
    "json-no-conventions": as_json({**_DATA, "conventions": []}),
    "json-conventions-object": as_json({**_DATA, "conventions": {"a": 1}}),
    "json-not-tables": as_json({**_DATA, "conventions": [1, "x", [2], None, {"reference": 5}]}),
    "json-unknown": as_json({"inconnu": 1, **_DATA, "autre": 2}),
    "json-float": _JSON.replace('"quotite": "1"', '"quotite": 1.0', 1),
    "json-nan": _JSON.replace('"quotite": "1"', '"quotite": NaN', 1),
    "json-empty-object": "{}",
}

#: JSON texts that must be decoded whole.
JSON_WHOLE = {
    "json-duplicate": as_json(_DATA)[:-1] + ', "title": "autre"}',
    "json-duplicate-conventions": as_json(_DATA)[:-1] + ', "conventions": []}',
    "json-trailing": as_json(_DATA) + " x",
    "json-trailing-comma": as_json(_DATA)[:-1] + ",}",
    "json-comma-in-item": _JSON.replace('"quotite": "1"', '"quotite": "1",', 1),
    "json-syntax-in-item": _JSON.replace('"quotite": "1"', '"quotite": "1" "x"', 1),
    "json-array": as_json([_DATA]),
    "json-bom": "\ufeff\ufeff" + as_json(_DATA),  # the file's own BOM, and another
    "json-control": as_json(_DATA).replace("Bassin minier", "Bassin\x01minier"),
    "json-empty": "",
}

#: JSON texts whose values decode, but whose data the whole text refuses: decoded whole.
JSON_SHAPES = {
    "json-long-integer": _JSON.replace('"quotite": "1"', '"quotite": ' + "9" * 150, 1),
    "json-huge-integer": _JSON.replace('"quotite": "1"', '"quotite": ' + "9" * 5000, 1),
    "json-deep": _JSON.replace('"quotite": "1"', '"quotite": ' + "[" * 40 + "]" * 40, 1),
}


class TestJsonTables:
    """json_tables: each member, each table of the arrays, or Unsplit on any doubt."""

    @pytest.mark.parametrize("text", JSON_SPLIT.values(), ids=JSON_SPLIT.keys())
    def test_parts_make_the_whole(self, text: str) -> None:
        """Put back together in order, the parts give the whole text's data, keys in order."""
        data: dict[str, Any] = {}
        for key, part in json_tables(text, KEYS, json.JSONDecoder()):
            if key is None:
                data.update(part)
            else:
                data.setdefault(key, []).extend(part[key])
        whole = json.loads(text)
        assert data == whole
        assert list(data) == list(whole)

    @pytest.mark.parametrize("text", JSON_WHOLE.values(), ids=JSON_WHOLE.keys())
    def test_doubt(self, text: str) -> None:
        """A text that is not one well-formed object of distinct names raises Unsplit."""
        with pytest.raises(Unsplit):
            list(json_tables(text, KEYS, json.JSONDecoder()))


class TestLoadByTables:
    """load_file: a text read a table at a time gives what the whole text gives."""

    @pytest.mark.parametrize("keep_going", [False, True], ids=["stop", "keep-going"])
    @pytest.mark.parametrize(
        ("text", "split", "suffix"),
        [
            *((t, True, ".toml") for t in SPLIT.values()),
            *((t, False, ".toml") for t in WHOLE.values()),
            *((t, False, ".toml") for t in SHAPES.values()),
            *((t, True, ".json") for t in JSON_SPLIT.values()),
            *((t, False, ".json") for t in JSON_WHOLE.values()),
            *((t, False, ".json") for t in JSON_SHAPES.values()),
        ],
        ids=[*SPLIT, *WHOLE, *SHAPES, *JSON_SPLIT, *JSON_WHOLE, *JSON_SHAPES],
    )
    def test_same_outcome(
        self, text: str, split: bool, suffix: str, keep_going: bool, tmp_path: Path
    ) -> None:
        """Records, problems (codes, paths, messages, order) and errors are the whole text's."""
        path = tmp_path / f"cadre{suffix}"
        path.write_text(text, "utf-8")
        with counting_splits() as seen:
            got = outcome(path, keep_going=keep_going)
        assert seen == [split]
        with parsed_whole():
            assert got == outcome(path, keep_going=keep_going)

    @pytest.mark.parametrize("most", [4, 5], ids=["beyond", "within"])
    def test_many_problems_parsed_whole(
        self, most: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Beyond so many problems in its tables, a text is parsed whole, with the same outcome."""
        monkeypatch.setattr(loading, "_MOST_PROBLEMS", most)
        text = EXAMPLE.replace('quotite = "', 'quotite = "x')  # five posts, five problems
        path = tmp_path / "cadre.toml"
        path.write_text(text, "utf-8")
        with counting_splits() as seen:
            got = outcome(path)
        assert got[0] == "invalid"
        assert len(got[2]) == 5
        assert seen == [most >= 5]
        with parsed_whole():
            assert got == outcome(path)

    def test_keep_going_names_the_rejected(self, tmp_path: Path) -> None:
        """A convention set aside is named by its reference, or by none when not a text."""
        text = nth(EXAMPLE, 'quotite = "1"', 'quotite = "beaucoup"')
        text = text.replace('reference = "CD71-ISCG-2021-01"', "reference = 5\nx = 1", 1)
        path = tmp_path / "cadre.toml"
        path.write_text(text, "utf-8")
        loaded = load_file(path, keep_going=True)
        assert [(r.index, r.reference) for r in loaded.rejected] == [
            (0, None),
            (1, "CD71-ISCG-2021-02"),
        ]
        assert [c.reference for c in loaded.framework.conventions] == ["CD71-ISCG-2021-03"]

    def test_syntax_error_line(self, tmp_path: Path) -> None:
        """A syntax error in a convention is located in the whole file, not in its part."""
        text = WHOLE["syntax-in-convention"]
        line = text[: text.index('"1\n')].count("\n") + 1
        path = tmp_path / "cadre.toml"
        path.write_text(text, "utf-8")
        with pytest.raises(InputError, match=f"syntaxe TOML incorrecte ligne {line}, "):
            load_file(path)

    def test_equal_values_shared(self, example_path: Path) -> None:
        """Equal texts and dates read from a file are one object in the records."""
        framework = load_file(example_path).framework
        ids = {p.id: p.id for p in framework.parties}
        for convention in framework.conventions:
            assert all(party is ids[party] for party in convention.parties)
            assert all(share.party is ids[share.party] for share in convention.funding.split)
        starts = [c.period.start for c in framework.conventions]
        assert all(start is starts[0] for start in starts if start == starts[0])


#: Lines that may move a cut, hide one, or break a part.
_TRICKY = (
    "[[conventions]]",
    "[[parties]]",
    '[[ "conventions" ]]',
    "[conventions]",
    "[autre]",
    '"""',
    "'''",
    "x = [",
    "]",
    "conventions = []",
    "reference = 5",
    'quotite = "beaucoup"',
    "inconnu = 1",
    "x = 1",
    "",
)
_EXAMPLE_LINES = EXAMPLE.splitlines()


def _mutate(draw: st.DrawFn, lines: list[str], tricky: tuple[str, ...], most: int) -> str:
    """``lines`` with up to ``most`` of them deleted, doubled, or ``tricky`` ones inserted."""
    for _ in range(draw(st.integers(1, most))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("delete", "double", "insert")))
        if action == "delete":
            del lines[at]
        elif action == "double":
            lines.insert(at, lines[at])
        else:
            lines.insert(at, draw(st.sampled_from(tricky)))
    return "\n".join(lines)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The example with a few lines deleted, doubled, or tricky lines inserted."""
    return _mutate(draw, list(_EXAMPLE_LINES), _TRICKY, 4) + "\n"


_JSON_TRICKY = (
    "{",
    "}",
    "[",
    "]",
    ",",
    '"conventions": [',
    '"x": 1,',
    '"reference": 5,',
    "1.5,",
    "",
)
_JSON_LINES = _JSON.splitlines()


@st.composite
def mutated_json(draw: st.DrawFn) -> str:
    """The example as JSON, with a few lines deleted, doubled, or tricky lines inserted."""
    return _mutate(draw, list(_JSON_LINES), _JSON_TRICKY, 3)


class TestMutations:
    """Whatever the text, read a table at a time or not, load_file gives the whole text's."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=mutated(), keep_going=st.booleans())
    def test_same_outcome(self, text: str, keep_going: bool) -> None:
        """Records or problems or error, the same as the whole text parsed at once."""
        self.check(text, ".toml", keep_going)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=mutated_json(), keep_going=st.booleans())
    def test_same_outcome_json(self, text: str, keep_going: bool) -> None:
        """The same for a JSON text."""
        self.check(text, ".json", keep_going)

    @staticmethod
    def check(text: str, suffix: str, keep_going: bool) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"cadre{suffix}"
            path.write_text(text, "utf-8")
            got = outcome(path, keep_going=keep_going)
            with parsed_whole():
                assert got == outcome(path, keep_going=keep_going)
