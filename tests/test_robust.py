"""Processes, output places and environments a run may meet: each ends in French, with
its documented exit code, no traceback, in bounded time, and changes nothing it refuses."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iscg_docs.errors import OutputError
from iscg_docs.output.pdf import convert_to_pdf
from iscg_docs.output.workers import cores
from tests.helpers import cli_process

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "saone-et-loire.toml"
REFERENCE = "CD71-ISCG-2021-01"

JOBS_2 = ("--jobs", "2", "--quiet")

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def _json_file(data: dict[str, Any], path: Path) -> Path:
    dates = lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)  # noqa: E731
    path.write_text(json.dumps(data, default=dates, ensure_ascii=False), "utf-8")
    return path


def _with_reference(data: dict[str, Any], reference: str, path: Path) -> Path:
    """The example with the first convention's reference replaced, as a JSON file."""
    data["conventions"][0]["reference"] = reference
    return _json_file(data, path)


def _many(data: dict[str, Any], n: int, path: Path) -> Path:
    """The example with ``n`` copies of its first convention, each its own reference."""
    first = data["conventions"][0]
    data["conventions"] = [
        {**copy.deepcopy(first), "reference": f"{REFERENCE}-{k:04d}"} for k in range(n)
    ]
    data["etp_authorised"] = str(2 * n)
    return _json_file(data, path)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` with its mode and modification time."""
    return {
        str(p.relative_to(folder)): (p.lstat().st_mode, p.lstat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def _refused(done: subprocess.CompletedProcess[bytes], code: int, *words: str) -> str:
    """Standard error of a run that exited ``code`` with each French word and no traceback."""
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == code, err
    assert "Traceback" not in err, err
    assert "Exception ignored" not in err, err
    for word in words:
        assert word in err, err
    return err


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie has ended, only its parent has not reaped it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] not in ("Z", "X")


class TestProcesses:
    """No process outlives the run it served; the number of processes is bounded."""

    @linux_only
    @pytest.mark.skipif(cores() < 2, reason="one core: --jobs 2 runs in one process")
    def test_workers_die_with_killed_parent(
        self, example_data: dict[str, Any], tmp_path: Path
    ) -> None:
        """SIGKILL on the parent of ``--jobs 2`` ends its workers; the next run removes
        the temporaries they held."""
        source = _many(example_data, 800, tmp_path / "many.json")
        out = tmp_path / "out"
        parent = subprocess.Popen(
            [sys.executable, "-m", "iscg_docs", "generate", source, "--out", out, *JOBS_2],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert _wait_for(lambda: any(out.glob(".iscg-docs-*.part")), 60)
            workers = _children(parent.pid)
        finally:
            parent.kill()
            parent.wait()
        assert workers, "no worker was started"
        assert _wait_for(lambda: not any(map(_alive, workers)), 10), "a worker survived"
        done = cli_process(
            "generate", source, "--out", out, "--only", f"{REFERENCE}-0000", cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr.decode()
        assert not list(out.glob(".iscg-docs-*"))

    @pytest.mark.skipif(os.name != "posix", reason="process groups")
    def test_libreoffice_timeout_ends_its_children(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A converter that outlives its timeout is ended with what it started."""
        bin_dir, child = tmp_path / "bin", tmp_path / "child.pid"
        bin_dir.mkdir()
        fake = bin_dir / "soffice"
        fake.write_text(f'#!/bin/sh\nsleep 300 &\necho $! > "{child}"\nwait\n')
        fake.chmod(0o755)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        document = tmp_path / "a.docx"
        document.write_bytes(b"")
        with pytest.raises(OutputError, match="n'a pas terminé la conversion"):
            convert_to_pdf([document], tmp_path, timeout=1)
        pid = int(child.read_text())
        assert _wait_for(lambda: not _alive(pid), 5), "the converter's child survived"
        assert not list(tmp_path.glob(".iscg-docs-*"))

    def test_jobs_capped_at_the_work(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """``--jobs 500`` for three conventions starts at most three processes."""
        import concurrent.futures

        from iscg_docs.inputs.loading import load
        from iscg_docs.output.batch import generate

        started: list[int] = []
        real = concurrent.futures.ProcessPoolExecutor

        def recording(*args: Any, max_workers: int, **kwargs: Any) -> Any:
            started.append(max_workers)
            return real(*args, max_workers=max_workers, **kwargs)

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", recording)
        framework = load(EXAMPLE)
        report = generate(framework, tmp_path / "out", jobs=500)
        assert {o.reference for o in report.written} == {c.reference for c in framework.conventions}
        assert all(n <= min(3, cores()) for n in started)

    @pytest.mark.parametrize(
        "jobs", ["99999999999999999999", "0", "-3", "deux", "1025", "9" * 5000]
    )
    def test_jobs_out_of_bounds(self, jobs: str, tmp_path: Path) -> None:
        """``--jobs`` outside 1 to 1024 is a usage error, before anything is made."""
        done = cli_process("generate", EXAMPLE, "--out", "out", "--jobs", jobs, cwd=tmp_path)
        _refused(done, 2, "un nombre entier entre 1 et 1024 est attendu")
        assert not (tmp_path / "out").exists()

    def test_jobs_500_runs(self, tmp_path: Path) -> None:
        """``--jobs 500`` is accepted and writes the three conventions."""
        done = cli_process("generate", EXAMPLE, "--out", "out", "--jobs", "500", cwd=tmp_path)
        assert done.returncode == 0, done.stderr.decode()
        for n in (1, 2, 3):
            assert (tmp_path / "out" / f"CD71-ISCG-2021-0{n}.docx").is_file()


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


class TestWritingOverOthers:
    """Only regular files are written over; file names hold on any disk."""

    @pytest.mark.parametrize("force", [True, False], ids=["force", "no-force"])
    @pytest.mark.parametrize("kind", ["fifo", "folder", "link-to-fifo"])
    def test_workbook_template_refuses_special(
        self, kind: str, force: bool, tmp_path: Path
    ) -> None:
        """A pipe, a folder, or a link to a pipe is left as it is, in French, exit 3."""
        target = tmp_path / "classeur.xlsx"
        if kind == "folder":
            target.mkdir()
        elif kind == "fifo":
            _fifo(target)
        else:
            target.symlink_to(_fifo(tmp_path / "pipe"))
        before = _snapshot(tmp_path)
        done = cli_process("workbook-template", target, *(["--force"] * force), cwd=tmp_path)
        _refused(done, 3, "pas un fichier ordinaire", "rien n'y a été écrit")
        assert _snapshot(tmp_path) == before

    @pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod")
    def test_workbook_template_force_spares_a_device(self, tmp_path: Path) -> None:
        """``--force`` on a device node, as root, who could replace it, leaves it."""
        device = tmp_path / "full"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
        done = cli_process("workbook-template", device, "--force", cwd=tmp_path)
        _refused(done, 3, "pas un fichier ordinaire")
        assert stat.S_ISCHR(device.lstat().st_mode)

    def test_workbook_template_dev_full(self, tmp_path: Path) -> None:
        """``/dev/full`` is not reported written."""
        done = cli_process("workbook-template", "/dev/full", cwd=tmp_path)
        _refused(done, 3, "/dev/full")
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
        assert done.stdout == b""

    def test_workbook_template_disk_full(self, tmp_path: Path) -> None:
        """A disk that fills up while the workbook is made: exit 3, no file left."""
        done = cli_process("workbook-template", "classeur.xlsx", cwd=tmp_path, file_size=4096)
        _refused(done, 3, "n'accepte plus d'écriture")
        assert list(tmp_path.iterdir()) == []

    def test_generate_disk_full(self, tmp_path: Path) -> None:
        """A disk that fills up while a document is written: exit 3, no document, no
        temporary left."""
        done = cli_process("generate", EXAMPLE, "--out", "out", cwd=tmp_path, file_size=20000)
        _refused(done, 3, "écriture impossible")
        assert list((tmp_path / "out").iterdir()) == []

    @pytest.mark.parametrize(
        "reference", ["CON", "nul", "Com1", "LPT9", "prn.txt", "AUX.2021", "LPT¹", "con "]
    )
    def test_reserved_names(
        self, reference: str, example_data: dict[str, Any], tmp_path: Path
    ) -> None:
        """A reference Windows keeps for a device is refused at validation (exit 1),
        located, by ``check`` and by ``generate``, which writes nothing."""
        source = _with_reference(example_data, reference, tmp_path / "in.json")
        for args in (["check"], ["generate", "--out", "out"]):
            done = cli_process(args[0], source, *args[1:], cwd=tmp_path)
            _refused(done, 1, "réserve à un périphérique", "@ conventions[0].reference")
        assert not (tmp_path / "out").exists()

    @pytest.mark.parametrize(
        "reference",
        ["CD71/ISCG/2021/02", "cd71-iscg-2021-02", "CD71-ISCG-2021-02.", "CD71 ISCG 2021 02"],
    )
    def test_file_name_clash(
        self, reference: str, example_data: dict[str, Any], tmp_path: Path
    ) -> None:
        """Two references giving one file name are a validation error, not one file."""
        source = _with_reference(example_data, reference, tmp_path / "in.json")
        done = cli_process("generate", source, "--out", "out", cwd=tmp_path)
        _refused(done, 1, "CD71-ISCG-2021-02.docx", "déjà celui de la convention")
        assert not (tmp_path / "out").exists()

    @pytest.mark.parametrize("kind", ["avenant", "consolidee", "comparaison"])
    def test_file_name_of_an_avenant_document(
        self, kind: str, example_data: dict[str, Any], tmp_path: Path
    ) -> None:
        """A reference naming one of another convention's avenant documents (the Bresse
        convention 03 has avenant n° 1) is a validation error: the two would share a file."""
        source = _with_reference(example_data, f"CD71-ISCG-2021-03-{kind}-1", tmp_path / "in.json")
        done = cli_process("generate", source, "--out", "out", cwd=tmp_path)
        _refused(
            done,
            1,
            f"CD71-ISCG-2021-03-{kind}-1.docx",
            "avenant n° 1 à la convention « CD71-ISCG-2021-03 »",
            "@ conventions[0].reference",
        )
        assert not (tmp_path / "out").exists()

    def test_unsafe_characters(self, example_data: dict[str, Any], tmp_path: Path) -> None:
        """Separators, wildcards, quotes, colons, trailing dots and spaces never reach a
        file name: the document lands in the folder under a plain name."""
        source = _with_reference(example_data, 'A/B\\C:D*E?F"G<H>I|J. .', tmp_path / "in.json")
        done = cli_process("generate", source, "--out", "out", cwd=tmp_path)
        assert done.returncode == 0, done.stderr.decode()
        names = sorted(p.name for p in (tmp_path / "out").iterdir())
        assert "A-B-C-D-E-F-G-H-I-J.docx" in names
        assert [
            p for p in tmp_path.rglob("*") if p.parent not in (tmp_path, tmp_path / "out")
        ] == []


class TestOutputFolder:
    """An output folder with something in a document's way is refused, unchanged."""

    @pytest.mark.parametrize(
        ("name", "make"),
        [
            pytest.param("manifest.json", Path.mkdir, id="manifest-folder"),
            pytest.param(f"{REFERENCE}.docx", Path.mkdir, id="document-folder"),
            pytest.param(f"{REFERENCE}.docx", _fifo, id="document-fifo"),
            pytest.param(
                f"{REFERENCE}.docx", lambda p: p.symlink_to("/dev/zero"), id="document-dev-zero"
            ),
            pytest.param(
                "manifest.json", lambda p: p.symlink_to("/dev/zero"), id="manifest-dev-zero"
            ),
        ],
    )
    def test_entry_in_the_way(
        self, name: str, make: Callable[[Path], object], tmp_path: Path
    ) -> None:
        """Exit 3, the entry named in French, nothing written, no hang."""
        out = tmp_path / "out"
        out.mkdir()
        make(out / name)
        before = _snapshot(tmp_path)
        done = cli_process("generate", EXAMPLE, "--out", out, cwd=tmp_path, timeout=60)
        _refused(done, 3, f"« {name} »", "rien n'a été écrit")
        assert _snapshot(tmp_path) == before

    def test_pdf_in_the_way(self, tmp_path: Path) -> None:
        """With ``--pdf``, a pipe with a PDF's name is refused before LibreOffice runs."""
        out = tmp_path / "out"
        out.mkdir()
        _fifo(out / f"{REFERENCE}.pdf")
        before = _snapshot(tmp_path)
        done = cli_process("generate", EXAMPLE, "--out", out, "--pdf", cwd=tmp_path, timeout=60)
        _refused(done, 3, f"« {REFERENCE}.pdf »")
        assert _snapshot(tmp_path) == before

    @pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads all")
    @pytest.mark.parametrize("name", ["manifest.json", f"{REFERENCE}.docx"])
    def test_unreadable(self, name: str, tmp_path: Path) -> None:
        """A document or manifest this user may not read is named, not a traceback."""
        out = tmp_path / "out"
        out.mkdir()
        (out / name).write_text("{}")
        (out / name).chmod(0)
        done = cli_process("generate", EXAMPLE, "--out", out, cwd=tmp_path)
        _refused(done, 3, f"« {name} »", "lecture impossible")

    @pytest.mark.parametrize(
        "args",
        [
            pytest.param(["generate", str(EXAMPLE), "--out", ""], id="generate"),
            pytest.param(["generate", str(EXAMPLE), "--out", "  "], id="generate-blank"),
            pytest.param(["workbook-template", ""], id="workbook-template"),
            pytest.param(["compare", "a.docx", "b.docx", "--out", ""], id="compare"),
        ],
    )
    def test_empty_out(self, args: list[str], tmp_path: Path) -> None:
        """An empty output name is a usage error, not the current folder."""
        done = cli_process(*args, cwd=tmp_path)
        _refused(done, 2, "un nom de fichier ou de dossier est attendu")
        assert list(tmp_path.iterdir()) == []


COMMANDS = {
    "check": ["check", str(EXAMPLE)],
    "generate": ["generate", str(EXAMPLE), "--out", "out"],
    "variables": ["variables"],
    "lint": ["lint", str(EXAMPLE.parent.parent / "templates" / "convention_cadre.docx")],
}


class TestEnvironment:
    """Any console encoding, a closed, full or abandoned standard output."""

    @pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_console_encoding(self, command: str, encoding: str, tmp_path: Path) -> None:
        """Output in the console's encoding: what it lacks is written as near as it can."""
        done = cli_process(*COMMANDS[command], cwd=tmp_path, env={"PYTHONIOENCODING": encoding})
        assert done.returncode == 0, done.stderr.decode(encoding, "replace")
        text = done.stdout.decode(encoding)  # every byte is of that encoding
        assert "Traceback" not in done.stderr.decode(encoding, "replace")
        if command == "check":
            assert ("État" if encoding != "ascii" else "Etat") in text

    def test_lang_c(self, tmp_path: Path) -> None:
        """``LANG=C`` without Python's UTF-8 mode: ASCII, accents dropped, errors too."""
        env = {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
        done = cli_process("check", EXAMPLE, cwd=tmp_path, env=env)
        assert done.returncode == 0
        assert "Departement de Saone-et-Loire" in done.stdout.decode("ascii")
        done = cli_process("check", "absent.toml", cwd=tmp_path, env=env)
        err = done.stderr.decode("ascii")
        assert done.returncode == 2
        assert "Traceback" not in err
        assert "Erreur" in err

    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_stdout_closed(self, command: str, tmp_path: Path) -> None:
        """``>&-``: exit 3, said on standard error, and nothing done."""
        done = cli_process(*COMMANDS[command], cwd=tmp_path, closed=(1,), stdout=None)
        _refused(done, 3, "la sortie standard est fermée")
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_stdout_full(self, command: str, tmp_path: Path) -> None:
        """``> /dev/full``: exit 3, said on standard error."""
        with open("/dev/full", "wb") as full:
            done = cli_process(*COMMANDS[command], cwd=tmp_path, stdout=full)
        _refused(done, 3, "la sortie standard n'accepte plus de texte")

    def test_stdout_abandoned(self, tmp_path: Path) -> None:
        """A pipe whose reader left (``| head``): exit 3, no traceback."""
        process = subprocess.Popen(
            [sys.executable, "-m", "iscg_docs", "variables", "--format", "json"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert process.stdout is not None
        process.stdout.close()
        _out, err = process.communicate(timeout=60)
        done = subprocess.CompletedProcess(process.args, process.returncode, b"", err)
        _refused(done, 3, "la sortie standard n'accepte plus de texte")

    def test_stderr_closed_keeps_the_code(self, tmp_path: Path) -> None:
        """With standard error closed, an unreadable input still exits 2."""
        done = cli_process("check", "absent.toml", cwd=tmp_path, closed=(2,), stderr=None)
        assert done.returncode == 2
