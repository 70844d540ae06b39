"""Start-up time of the command line, and what it imports before it needs it.

    python benchmarks/bench_startup.py [--runs 10]

Times, as the median of ``--runs`` fresh processes, ``python -c pass``,
``iscg-docs --help`` and ``iscg-docs check examples/saone-et-loire.toml``; then checks
that neither ``--help`` nor ``check`` imports docxtpl, python-docx, lxml or openpyxl
(``check`` of a TOML file renders nothing and reads no workbook). Exits 1 if one does.

The command line runs as ``python -m iscg_docs``, so the checkout under test is the one
on ``PYTHONPATH``, whatever an installed ``iscg-docs`` script would import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "saone-et-loire.toml"
HEAVY = ("docxtpl", "docx", "lxml", "openpyxl")

# Run the CLI, then report which heavy top-level packages ended up in sys.modules.
_PROBE = """
import sys
from iscg_docs.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & set({heavy!r}))
print("HEAVY:" + ",".join(heavy), file=sys.stderr)
"""

COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "iscg-docs --help": ["-m", "iscg_docs", "--help"],
    "iscg-docs check (example)": ["-m", "iscg_docs", "check", str(EXAMPLE)],
}


def environment() -> dict[str, str]:
    """This checkout first on the path, and no bytecode writes between runs."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def median_ms(args: list[str], runs: int) -> float:
    """Median wall time of ``python args`` over ``runs`` fresh processes."""
    env = environment()
    times = []
    for _ in range(runs + 1):  # the first run warms the file cache and is dropped
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, *args], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT
        )
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[1:])


def heavy_imports(cli_args: list[str]) -> list[str]:
    """The heavy packages imported by running the CLI with ``cli_args``."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *cli_args],
        env=environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("HEAVY:"))
    return [name for name in line.removeprefix("HEAVY:").split(",") if name]


def main() -> int:
    """Print the timings and the import check; return 1 if a heavy import leaked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}")
    for label, command in COMMANDS.items():
        print(f"  {label:30s} {median_ms(command, args.runs):7.1f} ms")
    failed = False
    for label, cli_args in (("--help", ["--help"]), ("check", ["check", str(EXAMPLE)])):
        found = heavy_imports(cli_args)
        print(
            f"  {label:8s} imports {', '.join(found) if found else 'none of ' + ', '.join(HEAVY)}"
        )
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
