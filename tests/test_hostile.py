"""Hostile inputs that used to lose data silently: each is refused, located, in French."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from iscg_docs import TemplateError, ValidationError, load_data
from iscg_docs.convention.render import render_convention
from iscg_docs.docx.renderer import check_context
from iscg_docs.model.records import Framework

# A lone surrogate: what the JSON text "\ud800" decodes to. No UTF-8 holds it.
SURROGATE = "\ud800"

# Text fields of the example and the path validation reports for each.
TEXT_FIELDS = {
    "party-name": ("parties", 2, "name"),
    "signatory-name": ("parties", 2, "signatory", "full_name"),
    "address": ("parties", 2, "address"),
    "post-site": ("conventions", 0, "posts", 0, "site"),
    "signed-at": ("conventions", 0, "signed_at"),
    "reference": ("conventions", 0, "reference"),
    "territory": ("conventions", 0, "territory"),
    "title": ("title",),
}


def _path(keys: tuple[str | int, ...]) -> str:
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")


def _planted(data: dict[str, Any], keys: tuple[str | int, ...], text: str) -> dict[str, Any]:
    """``data`` with ``text`` appended to the string at ``keys``."""
    holder: Any = data
    for k in keys[:-1]:
        holder = holder[k]
    holder[keys[-1]] += text
    return data


def _json_file(data: dict[str, Any], path: Path) -> Path:
    """``data`` written as JSON with ASCII escapes, as a lone surrogate must be written."""
    dates = lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)  # noqa: E731
    path.write_text(json.dumps(data, default=dates), "ascii")
    return path


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iscg_docs", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=cwd,
        timeout=120,
    )


class TestLoneSurrogate:
    """A lone surrogate is refused like a control character, with its place."""

    @pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
    def test_check_refuses(self, field: str, example_data: dict[str, Any], tmp_path: Path) -> None:
        """``check`` exits 1 with a French message at the value's path, no traceback."""
        keys = TEXT_FIELDS[field]
        source = _json_file(_planted(example_data, keys, SURROGATE), tmp_path / "in.json")
        done = _cli("check", source, cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert "caractère de contrôle" in done.stderr
        assert "U+D800" in done.stderr
        assert f"@ {_path(keys)}" in done.stderr

    @pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
    def test_generate_writes_nothing(
        self, field: str, example_data: dict[str, Any], tmp_path: Path
    ) -> None:
        """``generate`` exits 1 and writes no document and no manifest."""
        keys = TEXT_FIELDS[field]
        source = _json_file(_planted(example_data, keys, SURROGATE), tmp_path / "in.json")
        out = tmp_path / "out"
        done = _cli("generate", source, "--out", out, "--quiet", cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert f"@ {_path(keys)}" in done.stderr
        assert not out.exists() or not any(out.iterdir())

    @pytest.mark.parametrize("text", [SURROGATE, "\udfff", "\x7f", "\x01", "\ufffe"])
    def test_api_validation(self, text: str, example_data: dict[str, Any]) -> None:
        """load_data refuses every forbidden character, the same rule for each."""
        data = _planted(example_data, TEXT_FIELDS["party-name"], text)
        with pytest.raises(ValidationError) as caught:
            load_data(data)
        [problem] = caught.value.problems
        assert problem.code == "control-character"
        assert problem.path == "parties[2].name"
        assert f"U+{ord(text):04X}" in problem.message


class TestRendererRefusesSurrogate:
    """Defence in depth: a caller who skips validation gets an error, not a cut document."""

    def test_check_context(self) -> None:
        """The renderer's context check refuses a surrogate and DEL, with their place."""
        for text in (SURROGATE, "\x7f"):
            with pytest.raises(TemplateError) as caught:
                check_context({"parties": [{"name": "ok"}, {"name": f"Blanzy{text}"}]})
            assert caught.value.where == "parties[1].name"
            assert f"U+{ord(text):04X}" in caught.value.message

    def test_render_convention_unvalidated(self, framework: Framework) -> None:
        """A record built without validation, holding a surrogate, is not rendered."""
        party = framework.parties[2]
        with attrs.validators.disabled():
            bad = attrs.evolve(party, name=party.name + SURROGATE)
        parties = tuple(bad if p is party else p for p in framework.parties)
        with attrs.validators.disabled():
            hostile = attrs.evolve(framework, parties=parties)
        with pytest.raises(TemplateError) as caught:
            render_convention(hostile, hostile.conventions[0])
        assert "U+D800" in caught.value.message


# A signed scan the user keeps beside the generated document.
SCAN = b"%PDF-1.4\n% scan signe par les parties\n%%EOF\n"
REF = "CD71-ISCG-2021-01"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class TestPdfNotOurs:
    """A PDF the manifest did not record (a signed scan) is never replaced without force."""

    def test_scan_beside_new_documents(self, example_path: Path, tmp_path: Path) -> None:
        """--pdf into a folder holding only a scan: exit 3, the folder is left as it was."""
        out = tmp_path / "out"
        out.mkdir()
        (out / f"{REF}.pdf").write_bytes(SCAN)
        done = _cli("generate", example_path, "--out", out, "--pdf", "--quiet", cwd=tmp_path)
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr
        assert f"{REF}.pdf" in done.stderr
        assert "--force" in done.stderr
        assert _snapshot(out) == {f"{REF}.pdf": SCAN}

    def test_scan_beside_up_to_date_documents(self, example_path: Path, tmp_path: Path) -> None:
        """Documents up to date and a scan in place of a PDF: nothing changes at all."""
        out = tmp_path / "out"
        assert _cli("generate", example_path, "--out", out, "--quiet", cwd=tmp_path).returncode == 0
        (out / f"{REF}.pdf").write_bytes(SCAN)
        before = _snapshot(out)
        done = _cli("generate", example_path, "--out", out, "--pdf", "--quiet", cwd=tmp_path)
        assert done.returncode == 3, done.stderr
        assert _snapshot(out) == before


@pytest.mark.libreoffice
class TestPdfOurs:
    """PDFs the manifest recorded are this tool's: kept when up to date, else remade."""

    def test_our_pdf_replaced_by_a_scan_is_kept(self, example_path: Path, tmp_path: Path) -> None:
        """After a --pdf run, a PDF the user replaced by a scan is no longer ours."""
        out = tmp_path / "out"
        args = ("generate", example_path, "--out", out, "--only", REF, "--quiet", "--pdf")
        assert _cli(*args, cwd=tmp_path).returncode == 0
        (out / f"{REF}.pdf").write_bytes(SCAN)
        before = _snapshot(out)
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == 3, done.stderr
        assert _snapshot(out) == before

    def test_force_replaces_the_scan(self, example_path: Path, tmp_path: Path) -> None:
        """With --force the scan is replaced by the converted document, recorded as ours."""
        out = tmp_path / "out"
        out.mkdir()
        (out / f"{REF}.pdf").write_bytes(SCAN)
        args = ("generate", example_path, "--out", out, "--only", REF, "--quiet", "--pdf")
        done = _cli(*args, "--force", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        made = (out / f"{REF}.pdf").read_bytes()
        assert made.startswith(b"%PDF")
        assert made != SCAN
        [entry] = json.loads((out / "manifest.json").read_text("utf-8"))["documents"]
        assert entry["pdf"] == f"{REF}.pdf"
        assert entry["pdf_sha256"] == hashlib.sha256(made).hexdigest()
        # Ours now: a rerun without --force keeps it as it is.
        assert _cli(*args, cwd=tmp_path).returncode == 0
        assert (out / f"{REF}.pdf").read_bytes() == made
