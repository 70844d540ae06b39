"""Regenerate the README's images from the example, as a partner sees the documents.

    python tools/make_images.py

Generates the Saône-et-Loire example with ``--pdf`` (LibreOffice) into a temporary
folder and renders pages with ``pdftoppm`` (poppler):

- ``docs/premiere-page.png``: page 1 of convention 01, 100 dpi;
- ``docs/financement.png``: the top of convention 01's last page (the annexed
  financing plan, landscape), 100 dpi;
- ``docs/avenant.png``: page 1 of avenant n° 1 to convention 03, 70 dpi;
- ``docs/comparaison.png``: the page of article 4 in the comparison with tracked
  changes, 70 dpi.

Look at each image after running it: they are what the README shows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "saone-et-loire.toml"
STEM = "CD71-ISCG-2021"
FINANCING_HEIGHT = 480  # pixels of the plan's page kept, from its top, at 100 dpi


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    if match is None:
        raise SystemExit(f"pdfinfo gives no page count for {pdf}")
    return int(match[1])


def _page_with(pdf: Path, text: str) -> int:
    """The first page of ``pdf`` whose text holds ``text``."""
    for page in range(1, _pages(pdf) + 1):
        found = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if text in found:
            return page
    raise SystemExit(f"« {text} » is on no page of {pdf}")


def _render(pdf: Path, page: int, dpi: int, target: Path, height: int | None = None) -> None:
    with tempfile.TemporaryDirectory() as work:
        prefix = Path(work) / "page"
        command = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page)]
        if height is not None:
            command += ["-x", "0", "-y", "0", "-W", "100000", "-H", str(height)]
        subprocess.run([*command, "-singlefile", str(pdf), str(prefix)], check=True)
        shutil.copyfile(prefix.with_suffix(".png"), target)
    print(f"written: {target.relative_to(ROOT)}")


def main() -> int:
    for program in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(program) is None:
            print(f"{program} (poppler-utils) is needed", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "out"
        command = [sys.executable, "-m", "iscg_docs", "generate", str(EXAMPLE), "--pdf"]
        subprocess.run([*command, "--out", str(out), "--quiet"], check=True)
        first = out / f"{STEM}-01.pdf"
        _render(first, 1, 100, DOCS / "premiere-page.png")
        _render(first, _pages(first), 100, DOCS / "financement.png", FINANCING_HEIGHT)
        _render(out / f"{STEM}-03-avenant-1.pdf", 1, 70, DOCS / "avenant.png")
        comparison = out / f"{STEM}-03-comparaison-1.pdf"
        _render(comparison, _page_with(comparison, "Financement"), 70, DOCS / "comparaison.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
