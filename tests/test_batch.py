"""Tests for iscg_docs.output.batch (and its workers): files, manifest, safety."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from iscg_docs.convention.render import ConventionRenderer as Renderer
from iscg_docs.errors import OutputError, TemplateError
from iscg_docs.inputs.loading import load
from iscg_docs.model.records import Framework
from iscg_docs.output.batch import generate, write_convention
from iscg_docs.output.manifest import MANIFEST, read_manifest
from iscg_docs.output.workers import TASK_SIZE, tasks
from tests.helpers import run

REFS = ["CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03"]
#: Every document of the example, in the order generate writes them: each convention,
#: then for the Bresse convention its avenant n° 1, consolidated version and comparison.
FILES = [
    *(f"{r}.docx" for r in REFS),
    *(f"{REFS[2]}-{kind}-1.docx" for kind in ("avenant", "consolidee", "comparaison")),
]

#: Conventions in the batches the interruption tests stop: enough that the batch is still
#: running when the signal arrives, even on a loaded machine.
BATCH = 600


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def manifest(folder: Path) -> dict[str, dict[str, object]]:
    data = json.loads((folder / MANIFEST).read_text("utf-8"))
    return {d["file"]: d for d in data["documents"]}


class TestGenerate:
    def test_three_documents_and_manifest(self, framework: Framework, tmp_path: Path) -> None:
        """One document per convention, each listed in the manifest with its SHA-256."""
        report = generate(framework, tmp_path, input_sha256="0" * 64)
        assert [o.file for o in report.outcomes] == FILES
        assert all(o.status == "written" for o in report.outcomes)
        entries = manifest(tmp_path)
        assert sorted(entries) == sorted(FILES)
        for name, entry in entries.items():
            assert entry["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
            assert entry["input_sha256"] == "0" * 64
            assert entry["template"] == "convention_cadre.docx"
            assert entry["version"]

    def test_deterministic(self, framework: Framework, tmp_path: Path) -> None:
        """Generating twice into two folders gives byte-identical files and manifests."""
        generate(framework, tmp_path / "a")
        generate(framework, tmp_path / "b")
        assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")

    def test_rerun_skips_up_to_date(self, framework: Framework, tmp_path: Path) -> None:
        """A second run finds every document up to date and rewrites nothing."""
        generate(framework, tmp_path)
        mtimes = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.docx")}
        report = generate(framework, tmp_path)
        assert [o.status for o in report.outcomes] == ["unchanged"] * len(FILES)
        assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.docx")} == mtimes

    def test_changed_input_refused_without_force(
        self, framework: Framework, tmp_path: Path
    ) -> None:
        """Changed documents are refused together, and the folder is left exactly as it was."""
        generate(framework, tmp_path)
        before = snapshot(tmp_path)
        with pytest.raises(OutputError) as caught:
            generate(framework, tmp_path, draft=True)
        assert "--force" in str(caught.value)
        assert all(f"{r}.docx" in str(caught.value) for r in REFS)
        assert snapshot(tmp_path) == before

    def test_force_replaces(self, framework: Framework, tmp_path: Path) -> None:
        """With force, changed documents are replaced and the manifest follows."""
        generate(framework, tmp_path)
        report = generate(framework, tmp_path, draft=True, force=True)
        assert [o.status for o in report.outcomes] == ["written"] * len(FILES)
        assert all(e["draft"] for e in manifest(tmp_path).values())

    def test_only(self, framework: Framework, tmp_path: Path) -> None:
        """only= generates the named convention alone."""
        report = generate(framework, tmp_path, only=[REFS[1]])
        assert [o.reference for o in report.outcomes] == [REFS[1]]
        assert sorted(p.name for p in tmp_path.iterdir()) == [f"{REFS[1]}.docx", MANIFEST]

    def test_manifest_drops_deleted_files(self, framework: Framework, tmp_path: Path) -> None:
        """A document deleted by hand leaves the manifest at the next run, then comes back."""
        generate(framework, tmp_path)
        (tmp_path / f"{REFS[0]}.docx").unlink()
        report = generate(framework, tmp_path, only=[REFS[1]])
        assert report.outcomes[0].status == "unchanged"
        assert sorted(manifest(tmp_path)) == sorted(FILES[1:])
        generate(framework, tmp_path)
        assert sorted(manifest(tmp_path)) == sorted(FILES)

    def test_edited_document_is_a_conflict(self, framework: Framework, tmp_path: Path) -> None:
        """A document edited by hand after generation is not overwritten silently."""
        generate(framework, tmp_path)
        edited = tmp_path / f"{REFS[2]}.docx"
        edited.write_bytes(edited.read_bytes() + b"\0")
        with pytest.raises(OutputError, match=REFS[2]):
            generate(framework, tmp_path)

    def test_jobs_two_equals_one(self, framework: Framework, tmp_path: Path) -> None:
        """Rendering in two processes gives the same files and manifest as in one."""
        generate(framework, tmp_path / "one", jobs=1)
        generate(framework, tmp_path / "two", jobs=2)
        assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")

    def test_stale_temporaries_removed(self, framework: Framework, tmp_path: Path) -> None:
        """A temporary file left by a killed run is cleaned up by the next one."""
        (tmp_path / ".iscg-docs-abc.part").write_bytes(b"partial")
        generate(framework, tmp_path)
        assert not list(tmp_path.glob("*.part"))


class TestWorkers:
    """``jobs`` > 1: workers render and write their documents; the parent renames them."""

    def test_tasks_cover_every_convention_once_in_order(self) -> None:
        """Tasks hold every convention once, in order, a few at a time, fewer at the end."""
        for count in (1, 2, 3, 15, 16, 17, 40, 300, 1001, 3000):
            for jobs in (2, 3, 8):
                found = tasks(list(range(count)), jobs)
                assert [i for task in found for i in task] == list(range(count))
                sizes = [len(task) for task in found]
                assert all(1 <= size <= TASK_SIZE for size in sizes)
                assert sizes == sorted(sizes, reverse=True)
                # At least four tasks a process (when there are enough conventions), and
                # the last ones single, so that the processes finish close together.
                assert len(found) >= min(count, 4 * jobs)
                assert sizes[-jobs:] == [1] * min(jobs, count)

    def test_no_flushing_thread_when_workers_are_forked(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Replacements flushed before the workers start leave no thread running when
        they are forked (a thread at fork can deadlock the child); the batch completes."""
        import threading

        from iscg_docs.output import batch, workers

        make_large_input(tmp_path / "big.json", 6)
        framework = load(tmp_path / "big.json")
        out = tmp_path / "out"
        generate(framework, out)
        for name in ("BIG-0000.docx", "BIG-0001.docx"):
            (out / name).unlink()
        monkeypatch.setattr(batch, "GROUP_SIZE", 2)
        seen = []
        pool = workers._write_in_pool

        def counting(*args: Any) -> None:
            seen.append(threading.active_count())
            pool(*args)

        monkeypatch.setattr(workers, "_write_in_pool", counting)
        before = threading.active_count()
        report = generate(framework, out, draft=True, force=True, jobs=2)
        assert seen == [before]
        assert {o.status for o in report.outcomes} == {"written"}
        assert len(read_manifest(out)) == 6

    @pytest.mark.skipif(
        multiprocessing.get_start_method() != "fork",
        reason="the failure is planted in this process and reaches workers only by fork",
    )
    def test_a_failing_convention_leaves_complete_files_and_no_temporary(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A worker failing mid-task: the error comes back, whatever was written is whole."""
        big = tmp_path / "big.json"
        make_large_input(big, 40)
        framework = load(big)
        failing = framework.conventions[13].reference  # in the middle of a task of three
        render = Renderer.render_convention

        def render_or_fail(self: Renderer, fw: Framework, convention: Any, **kw: Any) -> bytes:
            if convention.reference == failing:
                raise TemplateError("panne simulée", failing)
            return render(self, fw, convention, **kw)

        monkeypatch.setattr(Renderer, "render_convention", render_or_fail)
        out = tmp_path / "out"
        with pytest.raises(TemplateError, match="panne simulée"):
            generate(framework, out, jobs=2)
        documents = sorted(p.name for p in out.glob("*.docx"))
        assert f"{failing}.docx" not in documents
        for name in documents:
            docx.Document(str(out / name))
        assert sorted(manifest_on_disk(out)) == documents
        assert not list(out.glob(".iscg-docs-*")), "temporaries left behind"
        # Once the fault is gone, a rerun completes the batch.
        monkeypatch.setattr(Renderer, "render_convention", render)
        generate(framework, out, jobs=2)
        assert len(manifest(out)) == 40
        assert not list(out.glob(".iscg-docs-*"))

    @pytest.mark.skipif(
        multiprocessing.get_start_method() != "fork",
        reason="the finding is planted in this process and reaches workers only by fork",
    )
    def test_workers_read_back_what_they_wrote(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With ``verify``, each document's findings come back with it, the same from two
        processes as from one; a reading that fails is handed back, the batch goes on."""
        import iscg_docs.convention.verify as verify_module
        from iscg_docs.convention.verify import Finding

        big = tmp_path / "big.json"
        make_large_input(big, 12)
        framework = load(big)

        def planted(data: bytes) -> tuple[Finding, ...]:
            number = len(data) % 3
            if number == 2:
                raise TemplateError("relecture impossible (simulée)")
            return tuple(Finding("renvoi-article", "corps", f"n° {k}") for k in range(number))

        monkeypatch.setattr(verify_module, "verify_document", planted)
        found = {}
        for jobs in (1, 2):
            report = generate(framework, tmp_path / f"out{jobs}", jobs=jobs, verify=True)
            assert len(report.written) == 12
            found[jobs] = [
                o.checked if not isinstance(o.checked, Exception) else str(o.checked)
                for o in report.outcomes
            ]
        assert found[1] == found[2]
        assert all(c is not None for c in found[1])
        unchanged = generate(framework, tmp_path / "out1", jobs=2, verify=True)
        assert all(o.checked is None for o in unchanged.outcomes)


class TestWriteConvention:
    def test_write_then_unchanged_then_conflict(self, framework: Framework, tmp_path: Path) -> None:
        """Written once, then left alone when identical, then refused when it would change."""
        target = tmp_path / "c.docx"
        convention = framework.conventions[0]
        assert write_convention(target, framework, convention) is True
        assert write_convention(target, framework, convention) is False
        with pytest.raises(OutputError):
            write_convention(target, framework, convention, draft=True)
        assert write_convention(target, framework, convention, draft=True, force=True) is True


def manifest_on_disk(folder: Path) -> dict[str, dict[str, object]]:
    """``manifest.json``'s entries as the file stands, none if there is no manifest yet."""
    return manifest(folder) if (folder / MANIFEST).exists() else {}


def assert_true_after_kill(out: Path) -> list[str]:
    """What any kill must leave: complete documents, a manifest that never lies.

    ``manifest.json`` names only documents present with the SHA-256 it records (it may
    lag behind: the journal holds the rest), and the manifest as a run reads it (journal
    replayed) lists exactly the documents present.

    Returns:
        The documents present.
    """
    documents = sorted(p.name for p in out.glob("*.docx"))
    for name in documents:
        with zipfile.ZipFile(out / name) as z:
            assert z.testzip() is None
        docx.Document(str(out / name))  # opens: the file is complete
    for name, entry in manifest_on_disk(out).items():
        assert name in documents
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert sorted(read_manifest(out)) == documents
    return documents


class TestInterruption:
    def test_sigkill_leaves_only_complete_files(self, tmp_path: Path) -> None:
        """A batch killed mid-way leaves complete documents and a manifest that never lies."""
        proc, big, out = start_batch(tmp_path)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        documents = assert_true_after_kill(out)
        assert 5 <= len(documents) < BATCH, "the batch should have been stopped mid-way"
        # A rerun completes the batch and the manifest then lists exactly the files.
        code, _ = run("generate", str(big), "--out", str(out), "--quiet", "--no-verify")
        assert code == 0
        assert sorted(manifest(out)) == sorted(p.name for p in out.glob("*.docx"))
        assert len(manifest(out)) == BATCH
        assert not list(out.glob(".iscg-docs*"))

    @pytest.mark.parametrize("mode", ["fresh", "resume", "force"])
    def test_random_kills_never_leave_a_lying_manifest(self, tmp_path: Path, mode: str) -> None:
        """Killed at random moments, fresh, resuming or replacing: the manifest never lies.

        With ``--force`` every document is replaced by a draft (other bytes), so a kill
        can fall between a replacement and the manifest's update.
        """
        rng = random.Random(f"kills-{mode}")
        big = tmp_path / "big.json"
        make_large_input(big, 12)
        out = tmp_path / "out"
        command = [sys.executable, "-m", "iscg_docs", "generate", str(big), "--out", str(out)]
        if mode == "force":
            assert subprocess.run([*command, "--quiet"], check=False).returncode == 0
        for attempt in range(6):
            options = ["--force", "--draft"] if mode == "force" and attempt % 2 == 0 else []
            if mode == "force" and attempt % 2:
                options = ["--force"]
            if mode == "fresh":
                shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.Popen(
                [*command, "--quiet", *options],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(rng.uniform(0.8, 3.0))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
            if out.exists():
                assert_true_after_kill(out)
        assert subprocess.run([*command, "--quiet", "--force"], check=False).returncode == 0
        assert sorted(manifest(out)) == sorted(p.name for p in out.glob("*.docx"))


def start_batch(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], Path, Path]:
    """Start generating :data:`BATCH` conventions in a subprocess; return once 5 exist.

    The process leads a process group of its own (its workers, with ``--jobs``, join
    it), as a command started from a terminal does.

    Returns:
        The process (its standard error piped, as text), the input and the output folder.
    """
    big = tmp_path / "big.json"
    make_large_input(big, BATCH)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "iscg_docs", "generate", str(big), "--out", str(out)]
    proc = subprocess.Popen(
        [*command, "--quiet", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.docx"))) < 5:
        time.sleep(0.02)
    return proc, big, out


def make_large_input(path: Path, n: int) -> None:
    """Write, as JSON, a valid framework of ``n`` copies of the Bresse convention, without
    its avenant: one document a convention."""
    import tomllib

    from tests.conftest import EXAMPLE

    data = tomllib.loads(EXAMPLE.read_text("utf-8"))
    template = data["conventions"][2]
    data["etp_authorised"] = str(n)
    conventions = []
    for i in range(n):
        c = json.loads(json.dumps(template, default=str))
        c.pop("avenants", None)
        c["reference"] = f"BIG-{i:04d}"
        c["territory"] = f"Territoire {i}"
        c["period"]["start"] = "2021-01-01"
        c["signed_on"] = "2021-03-08"
        conventions.append(c)
    data["conventions"] = conventions
    path.write_text(json.dumps(data, default=str, ensure_ascii=False), "utf-8")


class TestWorkbookInput:
    def test_workbook_and_toml_give_identical_documents(
        self, example_path: Path, tmp_path: Path
    ) -> None:
        """The Excel example and the TOML example give byte-identical .docx files."""
        workbook = example_path.with_suffix(".xlsx")
        assert run("generate", str(example_path), "--out", str(tmp_path / "toml"))[0] == 0
        assert run("generate", str(workbook), "--out", str(tmp_path / "xlsx"))[0] == 0
        for ref in REFS:
            name = f"{ref}.docx"
            assert (tmp_path / "toml" / name).read_bytes() == (
                tmp_path / "xlsx" / name
            ).read_bytes()
        # The manifests differ only by the input they record.
        toml_inputs = {e["input_sha256"] for e in manifest(tmp_path / "toml").values()}
        xlsx_inputs = {e["input_sha256"] for e in manifest(tmp_path / "xlsx").values()}
        assert toml_inputs.isdisjoint(xlsx_inputs)


class TestInterruptionByCtrlC:
    @pytest.mark.parametrize("jobs", ["1", "2"])
    def test_sigint_leaves_complete_files_and_a_true_manifest(
        self, tmp_path: Path, jobs: str
    ) -> None:
        """Ctrl-C mid-batch: exit 130, complete documents, a manifest listing exactly them.

        The signal goes to the whole process group, workers included, as a terminal
        sends it.
        """
        began = time.monotonic()
        proc, big, out = start_batch(tmp_path, "--jobs", jobs)
        seen = len(list(out.glob("*.docx")))
        waited = time.monotonic() - began
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 130, (
            f"{seen} documents after {waited:.1f} s; SIGINT here: {signal.getsignal(signal.SIGINT)}"
            f"; stderr: {stderr[-500:]}"
        )
        assert "Interrompu" in stderr
        assert "Traceback" not in stderr
        documents = sorted(p.name for p in out.glob("*.docx"))
        assert 5 <= len(documents) < BATCH
        for name in documents:
            docx.Document(str(out / name))  # complete: it opens
        assert sorted(manifest(out)) == documents
        # A hidden temporary may remain if Ctrl-C fell inside the creation of one (it
        # never bears a document's name); the next run removes it and completes the rest.
        assert run("generate", str(big), "--out", str(out), "--quiet", "--no-verify")[0] == 0
        assert len(manifest(out)) == BATCH
        assert not list(out.glob(".iscg-docs-*"))


class TestAvenantDocuments:
    def test_each_avenant_brings_three_documents(
        self, framework: Framework, tmp_path: Path
    ) -> None:
        """--only a convention takes its avenants: the avenant, the consolidated version and
        the comparison, each in the manifest with the hash of the document it amends."""
        report = generate(framework, tmp_path, only=[REFS[2]])
        assert [o.file for o in report.outcomes] == [FILES[2], *FILES[3:]]
        entries = manifest(tmp_path)
        original = entries[FILES[2]]["sha256"]
        for name, kind in zip(FILES[3:], ("avenant", "consolidee", "comparaison"), strict=True):
            assert entries[name]["kind"] == kind
            assert entries[name]["avenant"] == 1
            assert entries[name]["amends_sha256"] == original
            digest = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
            assert entries[name]["sha256"] == digest
        revised = zipfile.ZipFile(tmp_path / FILES[5]).read("word/document.xml")
        assert b"<w:ins " in revised
        assert b"<w:del " in revised

    def test_an_edited_avenant_is_not_overwritten(
        self, framework: Framework, tmp_path: Path
    ) -> None:
        """An avenant edited by hand after generation stops the run before anything is written."""
        generate(framework, tmp_path)
        (tmp_path / FILES[3]).write_bytes(b"retouche")
        before = snapshot(tmp_path)
        with pytest.raises(OutputError, match=FILES[3]):
            generate(framework, tmp_path)
        assert snapshot(tmp_path) == before
        report = generate(framework, tmp_path, force=True)
        assert {o.file: o.status for o in report.outcomes}[FILES[3]] == "written"


def test_warnings_are_listed_in_the_manifest(example_path: Path, tmp_path: Path) -> None:
    """A warning of the data (a place the COG does not know) is listed in the manifest, and
    a manifest without warnings has no such list."""
    import tomllib

    from iscg_docs.inputs.loading import load_data

    data = tomllib.loads(example_path.read_text("utf-8"))
    post = data["conventions"][0]["posts"][0]
    post["commune"], post["hors_referentiel"] = "Hameau-Nouveau", True
    generate(load_data(data), tmp_path / "a")
    listed = json.loads((tmp_path / "a" / MANIFEST).read_text("utf-8"))["warnings"]
    assert [w["path"] for w in listed] == ["conventions[0].posts[0].commune"]
    assert listed[0]["code"] == "unknown-place"
    generate(load(example_path), tmp_path / "b")
    assert "warnings" not in json.loads((tmp_path / "b" / MANIFEST).read_text("utf-8"))


def test_manifest_of_a_batch_is_jsons_own_layout(tmp_path: Path) -> None:
    """The manifest of a batch rendered in two processes, with the data's warnings, is the
    text ``json.dumps(indent=2, sort_keys=True)`` gives for its data, as it always was;
    a rerun with the same warnings leaves it alone."""
    big = tmp_path / "big.json"
    make_large_input(big, 40)
    data = json.loads(big.read_text("utf-8"))
    data["conventions"][3]["posts"][0].update(commune="Hameau-Nouveau", hors_referentiel=True)
    big.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    framework = load(big)
    generate(framework, tmp_path / "out", jobs=2, input_sha256="ab" * 32)
    manifest = tmp_path / "out" / MANIFEST
    text = manifest.read_text("utf-8")
    listed = json.loads(text)
    assert text == json.dumps(listed, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert len(listed["documents"]) == 40
    assert listed["warnings"][0]["path"] == "conventions[3].posts[0].commune"
    before = manifest.stat()
    generate(framework, tmp_path / "out", jobs=2, input_sha256="ab" * 32)
    assert (manifest.stat().st_ino, manifest.stat().st_mtime_ns) == (
        before.st_ino,
        before.st_mtime_ns,
    )
