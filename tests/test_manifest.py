"""Tests for iscg_docs.output.manifest: fingerprints and the entries kept from a folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iscg_docs._version import __version__
from iscg_docs.model.records import Framework
from iscg_docs.output.manifest import (
    MANIFEST,
    Entry,
    Made,
    Manifest,
    _repr_pieces,
    fingerprints,
    read_manifest,
    sha256,
)
from tests.strategies import frameworks


def reference_fingerprint(fw: Framework, index: int, draft: bool, template: str) -> str:
    """The fingerprint as manifests written so far define it."""
    shared = attrs.evolve(fw, conventions=())
    text = repr((shared, fw.conventions[index], draft, template, __version__))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TestFingerprints:
    """Fingerprints stay those of existing manifests, so a rerun skips up-to-date files."""

    @pytest.mark.parametrize("draft", [False, True], ids=["final", "draft"])
    def test_example(self, framework: Framework, draft: bool) -> None:
        """Each example convention keeps the fingerprint of the tuple-repr definition."""
        indexes = range(len(framework.conventions))
        got = fingerprints(framework, indexes, draft, "abc123")
        assert got == {i: reference_fingerprint(framework, i, draft, "abc123") for i in indexes}

    @settings(max_examples=25)
    @given(fw=frameworks(), draft=st.booleans(), template=st.text(max_size=8))
    def test_generated(self, fw: Framework, draft: bool, template: str) -> None:
        """Any framework, including quotes and accents in names, gives the same fingerprints."""
        indexes = range(len(fw.conventions))
        got = fingerprints(fw, indexes, draft, template)
        assert got == {i: reference_fingerprint(fw, i, draft, template) for i in indexes}


class TestMade:
    """A run's entries laid out from a template: the very text ``json`` would give."""

    @settings(max_examples=60)
    @given(
        own=st.tuples(st.text(), st.text(), st.text(), st.text()),
        fields=st.dictionaries(
            st.text().filter(lambda k: k not in ("reference", "file", "sha256", "fingerprint")),
            st.text() | st.none() | st.booleans() | st.integers(),
            max_size=6,
        ),
    )
    def test_line_and_text_are_jsons(self, own: tuple[str, str, str, str], fields: dict) -> None:
        """Any text, quotes, ``%`` and accents included, in the entry or in the fields it
        shares: its journal line and its manifest text are ``json.dumps``'."""
        made = Made(fields)
        entry = Entry(*own, made)
        as_dict = {"reference": own[0], "file": own[1], "sha256": own[2], "fingerprint": own[3]}
        assert entry.as_dict() == {**as_dict, **fields}
        line = json.dumps(entry.as_dict(), ensure_ascii=False, sort_keys=True) + "\n"
        assert made.line(entry) == line
        text = json.dumps(entry.as_dict(), ensure_ascii=False, indent=2, sort_keys=True)
        assert made.text(entry) == "\n".join("    " + part for part in text.split("\n"))

    @pytest.mark.parametrize(
        "fields", [{"a": [1]}, {"a": {"b": 1}}, {"sha256": "x"}], ids=["list", "object", "own"]
    )
    def test_refuses_what_it_cannot_lay_out(self, fields: dict) -> None:
        """A nested value, or a field an entry has of its own, is refused."""
        with pytest.raises(ValueError, match="flat fields"):
            Made(fields)


class TestReprPieces:
    """A record's repr made piece by piece, for hashing, is its repr."""

    @settings(max_examples=25)
    @given(fw=frameworks())
    def test_generated(self, fw: Framework) -> None:
        """Any framework, with its conventions or none, one party or several."""
        for record in (fw, attrs.evolve(fw, conventions=()), attrs.evolve(fw, parties=())):
            assert "".join(_repr_pieces(record)) == repr(record)
        one = attrs.evolve(fw, parties=fw.parties[:1], conventions=fw.conventions[:1])
        assert "".join(_repr_pieces(one)) == repr(one)


class TestManifest:
    """Entries written, then read back only while their documents are intact."""

    def test_round_trip(self, tmp_path: Path) -> None:
        """An entry written is read back while its document holds the recorded bytes."""
        (tmp_path / "a.docx").write_bytes(b"doc")
        manifest = Manifest(tmp_path)
        manifest["a.docx"] = {"file": "a.docx", "sha256": sha256(b"doc"), "reference": "A"}
        manifest.write()
        data = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
        assert data["generator"] == "iscg-docs"
        assert data["version"] == __version__
        assert read_manifest(tmp_path) == {"a.docx": manifest["a.docx"]}

    @settings(max_examples=40, deadline=None)
    @given(
        warnings=st.lists(
            st.dictionaries(
                st.sampled_from(["code", "path", "message"]),
                st.text(max_size=12) | st.none() | st.integers() | st.lists(st.integers()),
            ),
            max_size=4,
        ),
        reference=st.text(max_size=12),
    )
    def test_text_is_jsons_own_layout(
        self, tmp_path_factory: pytest.TempPathFactory, warnings: list, reference: str
    ) -> None:
        """The manifest, laid out piece by piece and entry by entry, is the text
        ``json.dumps(indent=2, sort_keys=True)`` gives for its data, line separators
        (which json leaves in strings) included."""
        folder = tmp_path_factory.mktemp("manifest")
        (folder / "a.docx").write_bytes(b"doc")
        manifest = Manifest(folder)
        manifest["a.docx"] = {"file": "a.docx", "sha256": sha256(b"doc"), "reference": reference}
        manifest.set_warnings(warnings)
        manifest.write()
        text = (folder / MANIFEST).read_text("utf-8")
        data = json.loads(text)
        assert data.get("warnings", []) == warnings
        assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @settings(max_examples=20, deadline=None)
    @given(reference=st.text(max_size=12), warnings=st.integers(0, 3))
    def test_entries_of_a_run_laid_out_as_json(
        self, tmp_path_factory: pytest.TempPathFactory, reference: str, warnings: int
    ) -> None:
        """Entries of a run (:class:`Entry`) beside entries read whole: the manifest is
        still json's own layout, and each one reads back as its dict."""
        folder = tmp_path_factory.mktemp("manifest")
        made = Made({"input_sha256": None, "template": "m%s.docx", "draft": True})
        manifest = Manifest(folder)
        for name in ("a.docx", "b.docx"):
            (folder / name).write_bytes(name.encode())
        manifest["b.docx"] = Entry(reference, "b.docx", sha256(b"b.docx"), "f" * 64, made)
        manifest["a.docx"] = {"file": "a.docx", "sha256": sha256(b"a.docx"), "pdf": None}
        manifest.set_warnings({"code": "c", "message": f"m{k}"} for k in range(warnings))
        manifest.write()
        text = (folder / MANIFEST).read_text("utf-8")
        data = json.loads(text)
        assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        assert data["documents"][1] == manifest["b.docx"] == manifest.get("b.docx")
        assert data["documents"][1]["reference"] == reference
        assert read_manifest(folder) == {d["file"]: d for d in data["documents"]}

    def test_same_warnings_write_nothing(self, tmp_path: Path) -> None:
        """Warnings equal to those listed leave an up-to-date manifest alone; others do not."""
        (tmp_path / "a.docx").write_bytes(b"doc")
        listed = [{"code": "c", "path": "p", "message": "« é »"}]
        manifest = Manifest(tmp_path)
        manifest["a.docx"] = {"file": "a.docx", "sha256": sha256(b"doc")}
        manifest.set_warnings(iter(listed))
        manifest.write()
        before = (tmp_path / MANIFEST).stat().st_ino
        again = Manifest(tmp_path)
        again.set_warnings(dict(w) for w in listed)
        again.write()
        assert (tmp_path / MANIFEST).stat().st_ino == before
        again.set_warnings(dict(w) for w in listed)
        again.set_warnings([])
        again.write()
        assert "warnings" not in json.loads((tmp_path / MANIFEST).read_text("utf-8"))

    def test_changed_or_missing_document_dropped(self, tmp_path: Path) -> None:
        """An entry whose document changed or is gone is not kept."""
        (tmp_path / "a.docx").write_bytes(b"doc")
        (tmp_path / "b.docx").write_bytes(b"doc")
        manifest = Manifest(tmp_path)
        for name in ("a.docx", "b.docx", "c.docx"):
            manifest[name] = {"file": name, "sha256": sha256(b"doc")}
        manifest.write()
        (tmp_path / "b.docx").write_bytes(b"edited")
        assert sorted(read_manifest(tmp_path)) == ["a.docx"]

    def test_changed_pdf_forgotten(self, tmp_path: Path) -> None:
        """An entry whose PDF changed keeps its document but loses its PDF."""
        (tmp_path / "a.docx").write_bytes(b"doc")
        (tmp_path / "a.pdf").write_bytes(b"%PDF")
        manifest = Manifest(tmp_path)
        manifest["a.docx"] = {
            "file": "a.docx",
            "sha256": sha256(b"doc"),
            "pdf": "a.pdf",
            "pdf_of": sha256(b"doc"),
            "pdf_sha256": sha256(b"%PDF"),
        }
        manifest.write()
        (tmp_path / "a.pdf").write_bytes(b"%PDF edited")
        assert read_manifest(tmp_path) == {"a.docx": {"file": "a.docx", "sha256": sha256(b"doc")}}

    @pytest.mark.parametrize(
        "content", ["", "{", "[]", '{"documents": 3}', '{"documents": [1, {"file": 2}]}']
    )
    def test_unreadable_manifest_is_empty(self, tmp_path: Path, content: str) -> None:
        """A manifest that is not what the library writes gives no entries, no error."""
        (tmp_path / MANIFEST).write_text(content, "utf-8")
        assert read_manifest(tmp_path) == {}
