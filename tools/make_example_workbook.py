"""Regenerate examples/saone-et-loire.xlsx from examples/saone-et-loire.toml.

Run from the repository root: ``python tools/make_example_workbook.py``. The workbook must
load to records equal to the TOML's; the script checks it before keeping the file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from iscg_docs.inputs.loading import load, read_data
from iscg_docs.inputs.workbook import workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "examples" / "saone-et-loire.toml"
TARGET = ROOT / "examples" / "saone-et-loire.xlsx"

#: The TOML's warning, carried into the workbook (Notice and Cadre sheets).
NOTE = (
    "ATTENTION — DONNÉES ILLUSTRATIVES. Le communiqué du Département ne donne ni coûts, ni "
    "montants, ni noms de signataires, ni numéros de délibération. Les coûts (environ "
    "44 000 € par ETP et par an, salaire et charges, +2 % par an), les participations de "
    "l'État (FIPD), les clés de répartition, les noms des signataires, les adresses et les "
    "délibérations sont FICTIFS et ne servent qu'à montrer l'outil. Remplacez-les par les "
    "valeurs réelles avant toute signature."
)


def example_bytes() -> bytes:
    """The example workbook's bytes: the same TOML always gives the same bytes."""
    return workbook_bytes(read_data(SOURCE), note=NOTE)


def main() -> int:
    """Write the workbook next to the TOML, after checking it loads to the same records."""
    content = example_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / TARGET.name
        trial.write_bytes(content)
        if load(trial) != load(SOURCE):
            print(
                "le classeur ne redonne pas les mêmes enregistrements que le TOML", file=sys.stderr
            )
            return 1
    TARGET.write_bytes(content)
    print(TARGET.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
