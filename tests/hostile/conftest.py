"""Run the command line as a subprocess under memory and CPU limits, and judge a refusal."""

from __future__ import annotations

import io
import re
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from attrs import frozen

from iscg_docs.convention.render import default_template

#: Address space and CPU time a run may take: a hostile file must be refused well within.
MEMORY = 2 * 1024**3
CPU_SECONDS = 60
TIMEOUT = 90

#: The exit codes README documents.
INVALID = 1
UNREADABLE = 2
TEMPLATE = 4


@frozen
class Run:
    """What one command-line run gave."""

    code: int
    stdout: str
    stderr: str


def _limits() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def run_cli(*args: str | Path, cwd: Path) -> Run:
    """``python -m iscg_docs ARGS`` in ``cwd``, bounded in memory, CPU and time."""
    done = subprocess.run(
        [sys.executable, "-m", "iscg_docs", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
        preexec_fn=_limits,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    return Run(done.returncode, done.stdout, done.stderr)


# Words every French refusal uses one of; an English message uses none.
_FRENCH = re.compile(
    r"\b(fichier|modèle|classeur|feuille|impossible|illisible|trop|refusé|interdit|"
    r"profondeur|taille|ligne|n'est pas|nombre|données|erreur|invalide)\b",
    re.IGNORECASE,
)


def assert_refused(run: Run, code: int, *, out: Path | None = None, says: str = "") -> None:
    """A refusal as README promises it: its exit code, a French message, no traceback.

    Args:
        run: what the command gave.
        code: the documented exit code.
        out: the output folder, which must have nothing in it.
        says: a piece of text the message must hold.
    """
    everything = run.stdout + run.stderr
    assert "Traceback" not in everything, everything
    assert run.code == code, everything
    assert _FRENCH.search(everything), everything
    assert " object at 0x" not in everything, everything
    assert says in everything, everything
    if out is not None:
        assert not out.exists() or not any(out.iterdir()), sorted(out.iterdir())


def zip_with(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding ``members`` in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def template_members() -> dict[str, bytes]:
    """The bundled template's members, in order."""
    with zipfile.ZipFile(default_template()) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., Run]:
    """Run the command line in ``tmp_path``."""

    def run(*args: str | Path) -> Run:
        return run_cli(*args, cwd=tmp_path)

    return run
