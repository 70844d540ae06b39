"""``iscg-docs generate`` end to end against the render-only floor, in one run.

    python benchmarks/bench_generate.py              # 300, 1000 and 3000 conventions
    python benchmarks/bench_generate.py -n 300 3000

For each size N (inputs from ``make_large_input.py``, seed fixed) it measures, each in a
fresh process so that peak memory is the run's own:

- the CLI end to end, ``--jobs 1`` and ``--jobs 2``, into an empty folder: wall time
  and peak RSS;
- the parts, in one process: reading and parsing the input, records and validation
  (``load_file``), then rendering every convention without writing (the render-only
  floor), then writing.

It prints ``end-to-end / render-only`` and, for each size 10 times another,
``time(10N) / (10 × time(N))``. The machine may be shared: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

_PARTS = r"""
import json, sys, time, resource
from pathlib import Path
t0 = time.perf_counter()
from iscg_docs.inputs.loading import load_file
from iscg_docs.convention.render import ConventionRenderer
loaded = load_file(sys.argv[1])
t1 = time.perf_counter()
fw = loaded.framework
renderer = ConventionRenderer()
t2 = time.perf_counter()
for c in fw.conventions:
    renderer.render_convention(fw, c)
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "render": t3 - t2}))
"""


def run_cli(source: Path, jobs: int) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of ``generate`` into a new folder."""
    out = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    command = [sys.executable, "-m", "iscg_docs", "generate", str(source), "--out", str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "--quiet", "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"generate failed on {source}")
    # ru_maxrss: the largest child waited for (with --jobs, a worker may be larger).
    return elapsed, usage.ru_maxrss / 1024


def parts(source: Path) -> dict[str, float]:
    """Seconds to load (read, parse, validate) and to render every convention, no writing."""
    done = subprocess.run(
        [sys.executable, "-c", _PARTS, str(source)], capture_output=True, text=True, check=True
    )
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[300, 1000, 3000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-inputs-"))
    results: dict[int, dict[str, float]] = {}
    try:
        for n in args.n:
            source = folder / f"large-{n}.toml"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "make_large_input.py"),
                    "-n",
                    str(n),
                    "-o",
                    str(source),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            row = parts(source)
            row["jobs1"], row["rss1"] = run_cli(source, 1)
            row["jobs2"], row["rss2"] = run_cli(source, 2)
            results[n] = row
            print(
                f"N={n:>6}  load {row['load']:6.2f} s  render-only {row['render']:6.2f} s  "
                f"end-to-end --jobs 1 {row['jobs1']:6.2f} s ({row['rss1']:.0f} MiB)  "
                f"--jobs 2 {row['jobs2']:6.2f} s ({row['rss2']:.0f} MiB)",
                flush=True,
            )
            print(
                f"         end-to-end / render-only: {row['jobs1'] / row['render']:.2f} "
                f"(--jobs 1)   writing and the rest: "
                f"{row['jobs1'] - row['load'] - row['render']:.2f} s   "
                f"--jobs 1 / --jobs 2: {row['jobs1'] / row['jobs2']:.2f}×",
                flush=True,
            )
        for n, row in results.items():
            if 10 * n in results:
                big = results[10 * n]
                print(
                    f"time({10 * n}) / (10 × time({n})): "
                    f"{big['jobs1'] / (10 * row['jobs1']):.2f} (--jobs 1), "
                    f"{big['jobs2'] / (10 * row['jobs2']):.2f} (--jobs 2); "
                    f"peak RSS ratio {big['rss1'] / row['rss1']:.2f}"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
