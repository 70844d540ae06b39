"""The manifest tells the truth: merged runs, foreign entries, no needless write, a lock."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from iscg_docs.errors import OutputError
from iscg_docs.model.records import Framework
from iscg_docs.output import manifest as manifest_module
from iscg_docs.output.atomic import lock_folder
from iscg_docs.output.batch import generate
from iscg_docs.output.manifest import MANIFEST, read_manifest
from tests.helpers import run

REFS = ["CD71-ISCG-2021-01", "CD71-ISCG-2021-02", "CD71-ISCG-2021-03"]
#: The example's documents: the conventions, and the Bresse avenant's three documents.
DOCUMENTS = sorted(
    [
        *(f"{r}.docx" for r in REFS),
        *(f"{REFS[2]}-{kind}-1.docx" for kind in ("avenant", "consolidee", "comparaison")),
    ]
)


def listed(folder: Path) -> list[str]:
    """The file names ``manifest.json`` lists, as the file stands."""
    data = json.loads((folder / MANIFEST).read_text("utf-8"))
    return sorted(d["file"] for d in data["documents"])


def cli(*args: str, limit_file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess, optionally unable to write past a file size."""

    def limit() -> None:  # pragma: no cover - runs in the child
        if limit_file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run(
        [sys.executable, "-m", "iscg_docs", *args],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=limit,
        timeout=120,
    )


class TestMerge:
    def test_disjoint_only_runs_one_after_the_other(
        self, example_path: Path, tmp_path: Path
    ) -> None:
        """Two runs with disjoint --only into one folder: the manifest lists both's documents."""
        assert run("generate", str(example_path), "--out", str(tmp_path), "--only", REFS[0])[0] == 0
        code, _ = run("generate", str(example_path), "--out", str(tmp_path), "--only", REFS[1])
        assert code == 0
        assert listed(tmp_path) == DOCUMENTS[:2]

    def test_disjoint_only_runs_at_once(self, example_path: Path, tmp_path: Path) -> None:
        """Started together, the second waits for the first's lock; neither drops the other."""
        command = [sys.executable, "-m", "iscg_docs", "generate", str(example_path)]
        procs = [
            subprocess.Popen(
                [*command, "--out", str(tmp_path), "--quiet", *refs],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for refs in (["--only", REFS[0]], ["--only", REFS[1], "--only", REFS[2]])
        ]
        for proc in procs:
            _, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stderr
        assert listed(tmp_path) == DOCUMENTS
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*DOCUMENTS, MANIFEST])


class TestForeignEntries:
    @pytest.mark.parametrize("name", ["/etc/hostname", "../outside.txt", "sub/x.docx"])
    def test_entry_outside_the_folder_is_dropped(
        self, framework: Framework, tmp_path: Path, name: str
    ) -> None:
        """An entry naming a file outside the folder is dropped, and that file untouched."""
        out = tmp_path / "out"
        (out / "sub").mkdir(parents=True)
        (tmp_path / "outside.txt").write_bytes(b"not ours")
        (out / "sub" / "x.docx").write_bytes(b"not ours either")
        target = out / name
        before = target.read_bytes() if target.exists() else None
        sha = hashlib.sha256(before or b"").hexdigest()
        entry = {"file": name, "sha256": sha, "pdf": name, "pdf_sha256": sha}
        (out / MANIFEST).write_text(json.dumps({"documents": [entry]}), "utf-8")
        assert name not in read_manifest(out)
        generate(framework, out)
        assert listed(out) == DOCUMENTS
        if before is not None:
            assert target.read_bytes() == before

    def test_foreign_pdf_name_forgotten(self, framework: Framework, tmp_path: Path) -> None:
        """A document's entry keeps its document but not a PDF named outside the folder."""
        generate(framework, tmp_path)
        data = json.loads((tmp_path / MANIFEST).read_text("utf-8"))
        data["documents"][0]["pdf"] = "../../x.pdf"
        (tmp_path / MANIFEST).write_text(json.dumps(data), "utf-8")
        entry = read_manifest(tmp_path)[DOCUMENTS[0]]
        assert "pdf" not in entry


class TestNoNeedlessWrite:
    def test_up_to_date_folder_is_not_written(self, example_path: Path, tmp_path: Path) -> None:
        """A rerun over up-to-date documents writes nothing, so a read-only folder is fine."""
        assert run("generate", str(example_path), "--out", str(tmp_path))[0] == 0
        before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
        tmp_path.chmod(0o555)
        try:
            code, printed = run("generate", str(example_path), "--out", str(tmp_path))
        finally:
            tmp_path.chmod(0o755)
        assert code == 0, printed
        after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
        assert after == before


class TestFailedWrites:
    def test_full_disk_writes_nothing(self, example_path: Path, tmp_path: Path) -> None:
        """No room for a document: exit 3, a French message, and no file in the folder."""
        out = tmp_path / "out"
        done = cli("generate", str(example_path), "--out", str(out), limit_file_size=20_000)
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr
        assert "écriture impossible" in done.stderr
        assert list(out.iterdir()) == []

    def test_failed_manifest_write_leaves_a_journal(
        self, framework: Framework, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The manifest cannot be written: the journal lists every document present."""

        def refuse(path: object, data: bytes, **options: object) -> None:
            raise OutputError("écriture impossible (plus de place).", str(path))

        monkeypatch.setattr(manifest_module, "write_atomic", refuse)
        with pytest.raises(OutputError):
            generate(framework, tmp_path)
        assert not (tmp_path / MANIFEST).exists()
        present = sorted(p.name for p in tmp_path.glob("*.docx"))
        # The run stops at the failed write, after the conventions, before the avenant's.
        assert present == sorted(f"{r}.docx" for r in REFS)
        assert sorted(read_manifest(tmp_path)) == present
        monkeypatch.undo()
        report = generate(framework, tmp_path)
        assert all(o.status == "unchanged" for o in report.outcomes if o.file in present)
        assert listed(tmp_path) == DOCUMENTS
        assert not list(tmp_path.glob(".iscg-docs*"))


class TestLock:
    def test_second_run_refused_in_french(self, tmp_path: Path) -> None:
        """A run that cannot take the lock in time says that another run is writing there."""
        with (
            lock_folder(tmp_path),
            pytest.raises(OutputError, match="un autre lancement"),
            lock_folder(tmp_path, wait=0.3),
        ):
            pass

    def test_second_run_waits_for_the_first(self, tmp_path: Path) -> None:
        """The second run takes the lock as soon as the first lets it go."""
        held = threading.Event()
        release = threading.Event()

        def first() -> None:
            with lock_folder(tmp_path):
                held.set()
                release.wait(10)

        thread = threading.Thread(target=first)
        thread.start()
        held.wait(10)
        threading.Timer(0.3, release.set).start()
        with lock_folder(tmp_path, wait=10):
            assert release.is_set()
        thread.join()
        assert not list(tmp_path.iterdir())

    def test_lock_left_by_a_killed_run_is_taken_over(self, tmp_path: Path) -> None:
        """The lock file a killed run left is no obstacle: the system released its lock."""
        (tmp_path / ".iscg-docs.lock").write_bytes(b"")
        with lock_folder(tmp_path, wait=0):
            pass
        assert not os.path.exists(tmp_path / ".iscg-docs.lock")
