"""French typography in every generated document, read back from the .docx.

The documents: the three Saône-et-Loire conventions with their avenant, consolidated
version and comparison, and the Ain example's two conventions. Each rule of the legal
review's typography list is checked on their text: body, tables, headers and footers.
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from iscg_docs import load
from iscg_docs.errors import ValidationError
from iscg_docs.inputs.loading import load_data
from iscg_docs.output.batch import generate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = (ROOT / "examples" / "saone-et-loire.toml", ROOT / "examples" / "ain.toml")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NBSP, NNBSP, NBHY = "\u00a0", "\u202f", "\u2011"


class Paragraph:
    """One paragraph of a generated document: its file, style, text and runs."""

    def __init__(self, document: str, element: Any) -> None:
        self.document = document
        style = element.find(f"{W}pPr/{W}pStyle")
        self.style = "" if style is None else str(style.get(f"{W}val"))
        self.runs = [
            (
                "".join(t.text or "" for t in run.iter(f"{W}t")),
                run.find(f"{W}rPr/{W}vertAlign[@{W}val='superscript']") is not None,
            )
            for run in element.iter(f"{W}r")
        ]
        self.text = "".join(text for text, _ in self.runs)

    def __repr__(self) -> str:
        return f"{self.document}: {self.text!r}"


def _paragraphs(path: Path) -> Iterator[Paragraph]:
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name):
                for element in etree.fromstring(package.read(name)).iter(f"{W}p"):
                    yield Paragraph(path.name, element)


def _typed(value: object) -> Iterator[str]:
    """Every text of a data file: what the user typed."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _typed(item)
    elif isinstance(value, list):
        for item in value:
            yield from _typed(item)


def _plain(text: str) -> str:
    """Spaces and hyphens as typed, for finding typed text in the typeset one."""
    return text.replace(NBSP, " ").replace(NNBSP, " ").replace(NBHY, "-")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[list[Paragraph]]:
    """Every generated document's paragraphs."""
    out = tmp_path_factory.mktemp("typography")
    found = []
    for example in EXAMPLES:
        folder = out / example.stem
        generate(load(example), folder)
        found += [list(_paragraphs(path)) for path in sorted(folder.glob("*.docx"))]
    assert len(found) == 8
    return found


@pytest.fixture(scope="module")
def paragraphs(documents: list[list[Paragraph]]) -> list[Paragraph]:
    """All paragraphs of all documents, with text."""
    return [p for document in documents for p in document if p.text.strip()]


@pytest.fixture(scope="module")
def typed() -> list[str]:
    """What the users typed in the example files, longest first."""
    texts = {
        _plain(text)
        for example in EXAMPLES
        for text in _typed(tomllib.loads(example.read_text("utf-8")))
    }
    return sorted(texts, key=len, reverse=True)


class TestApostrophe:
    def test_typographic_outside_typed_text(
        self, paragraphs: list[Paragraph], typed: list[str]
    ) -> None:
        """No straight apostrophe but in what a user typed (« Intercom' », « de l'Ain »)."""
        found = []
        for p in paragraphs:
            text = _plain(p.text)
            for words in typed:
                if "'" in words:
                    text = text.replace(words, "")
            if "'" in text:
                found.append(p)
        assert not found

    def test_typed_names_kept(self, paragraphs: list[Paragraph]) -> None:
        """A name typed with ' keeps it: the check above has something to exempt."""
        assert any("Intercom'" in p.text for p in paragraphs)
        assert any("l’État" in p.text for p in paragraphs)


class TestOrdinals:
    def test_suffix_in_superscript(self, paragraphs: list[Paragraph]) -> None:
        """« 1er », « 1re », « 2e »: the suffix is a superscript run of its own."""
        flat = [
            (p, text)
            for p in paragraphs
            for text, raised in p.runs
            if not raised and re.search(r"(?<![\w-])\d+(?:er|re|e)s?(?![\w-])", text)
        ]
        assert not flat
        raised = {text for p in paragraphs for text, up in p.runs if up}
        assert raised == {"er", "re", "e"}

    def test_read_back_whole(self, paragraphs: list[Paragraph]) -> None:
        """Read as text, the document still says « 1er janvier » and « Article 1er »."""
        texts = {p.text for p in paragraphs}
        assert any(f"1er{NBSP}janvier 2021" in t for t in texts)
        assert any(t.startswith("Article 1er ") for t in texts)
        assert "1re année" in texts


class TestSpaces:
    def test_before_signs(self, paragraphs: list[Paragraph]) -> None:
        """A no-break space before « : » and « % » and « € », a narrow one before « ; »."""
        bad = [
            p
            for p in paragraphs
            if re.search(rf"[^{NBSP}][:%€]|[^{NNBSP}];|[^{NBSP}{NNBSP}][!?]", p.text)
        ]
        assert not bad

    def test_day_and_month(self, paragraphs: list[Paragraph]) -> None:
        """« 1er janvier », « 17 décembre »: the day never ends a line."""
        months = (
            "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
        )
        assert not [
            p for p in paragraphs if re.search(rf"\b(?:\d{{1,2}}|1er) ({months})\b", p.text)
        ]
        assert any(f"17{NBSP}décembre 2020" in p.text for p in paragraphs)

    def test_after_numero(self, paragraphs: list[Paragraph]) -> None:
        """« n° » is never left alone at a line end."""
        assert not [p for p in paragraphs if re.search(rf"n°(?!{NBSP})", p.text)]


class TestReferenceNumbers:
    def test_no_breaking_hyphen_after_numero(self, paragraphs: list[Paragraph]) -> None:
        """« n° 2021-023 », « n° CD71-ISCG-2021-01 », « n° 2007-297 »: no line break inside."""
        assert not [p for p in paragraphs if re.search(rf"n°{NBSP}[^\s,;)]*-", p.text)]
        assert any(f"n°{NBSP}2007{NBHY}297" in p.text for p in paragraphs)


class TestWords:
    def test_cosignataires(self, paragraphs: list[Paragraph]) -> None:
        """« cosignataires », in one word."""
        assert not [p for p in paragraphs if re.search(r"(?i)co-signat", _plain(p.text))]
        assert any("cosignataires" in p.text for p in paragraphs)

    def test_etp_one_spelling(self, paragraphs: list[Paragraph]) -> None:
        """Every ETP quantity reads « 0,5 ETP »: figures, decimal comma, no-break space."""
        for p in paragraphs:
            for match in re.finditer(r"(?i)\be\.?t\.?p\.?s?\b", p.text):
                before = p.text[: match.start()]
                assert match.group() == "ETP", p
                assert re.search(rf"(?<![\d.])\d+(?:,\d+)?{NBSP}$", before), p
            for match in re.finditer(r"équivalents? temps plein", p.text):
                assert re.match(rf" \(\d+{NBSP}ETP\)", p.text[match.end() :]), p


class TestLists:
    def test_items_after_a_colon_in_lower_case(self, documents: list[list[Paragraph]]) -> None:
        """A list item after « … : » starts with a small letter (« l’État : … ; »)."""
        checked = 0
        for document in documents:
            previous = ""
            for p in document:
                if not p.text.strip():
                    continue
                if p.style.startswith("List") and previous.rstrip().endswith(":"):
                    assert p.text[:1].islower(), p
                    checked += 1
                if not p.style.startswith("List"):
                    previous = p.text
        assert checked > 8


class TestMarkersNotTypable:
    @pytest.mark.parametrize("marker", ["\ue000", "\ue001"])
    def test_refused_in_data(self, marker: str, example_data: dict[str, Any]) -> None:
        """A user cannot ask for formatting: the superscript markers are refused."""
        example_data["parties"][2]["name"] = f"Blanzy{marker}"
        with pytest.raises(ValidationError) as caught:
            load_data(example_data)
        [problem] = caught.value.problems
        assert problem.code == "control-character"
        assert problem.path == "parties[2].name"
