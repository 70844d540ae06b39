"""PDF copies of the documents, made by a headless LibreOffice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from iscg_docs.errors import OutputError
from iscg_docs.output.atomic import TEMP_PREFIX, adopt

__all__ = ["convert_to_pdf", "soffice"]


def soffice() -> str | None:
    """The LibreOffice program on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    documents: Sequence[Path], out_dir: Path, *, timeout: float | None = None
) -> dict[Path, Path]:
    """Convert documents to PDF with one headless LibreOffice process.

    The PDFs are made in a temporary folder, then each is renamed into ``out_dir``, so
    an interrupted conversion leaves no partial PDF.

    Args:
        documents: the .docx files.
        out_dir: where the PDFs go (same stem, ``.pdf``).
        timeout: seconds allowed; 60 plus 10 per document by default.

    Returns:
        Each document's PDF.

    Raises:
        OutputError: LibreOffice is missing, timed out, or made no PDF for a document.
    """
    program = soffice()
    if program is None:
        raise OutputError(
            "LibreOffice est introuvable : installez-le (paquet Debian "
            "libreoffice-writer-nogui) pour produire les PDF.",
            str(out_dir),
        )
    if timeout is None:
        timeout = 60 + 10 * len(documents)
    # Absolute: LibreOffice's profile is given as a file URI, which a relative path
    # (``--out out/``) cannot be.
    work = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}pdf-", dir=out_dir)).absolute()
    try:
        _run_soffice(program, documents, work, timeout, out_dir)
        return _collect(documents, work, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_soffice(
    program: str, documents: Sequence[Path], work: Path, timeout: float, out_dir: Path
) -> None:
    """Convert ``documents`` into ``work``, with a LibreOffice profile of its own there."""
    command = [
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work),
        *(str(d) for d in documents),
    ]
    # A session of its own, so that its group can be ended whole: on a timeout the
    # converter's children (soffice starts soffice.bin) would outlive it, and Ctrl-C from
    # the terminal no longer reaches them, so any interruption ends the group too.
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise OutputError(
            f"LibreOffice n'a pas terminé la conversion en PDF en {timeout:.0f} s.",
            str(out_dir),
        ) from None
    finally:
        _end_group(process)


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process``, if it still runs, and what it started in its group; reap it."""
    if hasattr(os, "killpg"):
        with suppress(OSError):  # every process of the group has ended
            os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()
    process.wait()


def _collect(documents: Sequence[Path], work: Path, out_dir: Path) -> dict[Path, Path]:
    """Move each PDF LibreOffice made in ``work`` into ``out_dir``; fail if one is missing."""
    made: dict[Path, Path] = {}
    missing = []
    for document in documents:
        produced = work / (document.stem + ".pdf")
        if not produced.is_file():
            missing.append(document.name)
            continue
        target = out_dir / produced.name
        adopt(produced, target)
        made[document] = target
    if missing:
        raise OutputError(
            "LibreOffice n'a pas produit de PDF pour : " + ", ".join(missing) + ".",
            str(out_dir),
        )
    return made
