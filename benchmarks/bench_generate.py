"""``iscg-docs generate`` end to end against the render-only floor, in one run.

    python benchmarks/bench_generate.py              # 300, 1000, 3000 and 10 000 conventions
    python benchmarks/bench_generate.py -n 300 3000
    python benchmarks/bench_generate.py --no-verify-cost   # skip the runs that read back
    python benchmarks/bench_generate.py -n 3000 --repeat 3  # --jobs 1 and 2 alternated

For each size N (inputs from ``make_large_input.py``, seed fixed) it measures, each in a
fresh process so that peak memory is the run's own:

- the split of ``generate --jobs 1 --no-verify``, run in-process with timers around the
  library's steps: reading and parsing the input, records and validation, each
  convention's context, its financing plan, rendering, writing the documents (temporary,
  grouped flush, rename) and the manifest (journal and folds); the sum of context,
  financing and rendering is the render-only floor;
- the CLI end to end with ``--no-verify``, ``--jobs 1`` and ``--jobs 2``, into an empty
  folder: wall time and peak RSS (the largest of the parent and its workers); with
  ``--repeat R``, the two alternate R times and each keeps its shortest time, so that a
  burst of another tenant's work does not decide the ratio;
- unless ``--no-verify-cost``, the same two runs reading every document back (the
  default of ``generate``): what verification adds, a line per size;
- a pure-Python loop's own gain from two processes, measured just before: on a shared
  machine ``--jobs 2`` cannot gain more than that.

It prints ``end-to-end / render-only`` and, for each size 10 times another,
``time(10N) / (10 × time(N))`` and the ratio of their peak RSS. The machine may be
shared: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: The library's steps timed in the split: (module, attribute, timer). Nested steps are
#: subtracted from the steps that call them when the split is printed; a timer with
#: several steps counts a call inside another of its own once.
_STEPS = (
    ("iscg_docs.inputs.loading", "load_file", "load"),
    ("iscg_docs.inputs.loading", "_read_parsed", "parse"),
    ("iscg_docs.inputs.loading", "_parse", "parse"),
    ("iscg_docs.convention.render", "ConventionRenderer.render_convention", "render_all"),
    ("iscg_docs.convention.render", "build_context", "context_all"),
    ("iscg_docs.convention.context", "compute_financing", "financing"),
    ("iscg_docs.output.workers", "write_temporary", "write"),
    ("iscg_docs.output.batch", "sync_files", "write"),
    ("iscg_docs.output.batch", "sync_folder", "write"),
    ("iscg_docs.output.batch", "commit", "write"),
    ("iscg_docs.output.manifest", "Manifest.announce", "manifest"),
    ("iscg_docs.output.manifest", "Manifest.record", "manifest"),
    ("iscg_docs.output.manifest", "Manifest.write", "manifest"),
    ("iscg_docs.output.manifest", "Manifest.forget", "manifest"),
)


class _Timers:
    """Seconds spent in each timer; a call made inside another of the same timer counts once."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._depth: dict[str, int] = {}

    def wrap(self, function: Callable[..., Any], timer: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth = self._depth.get(timer, 0)
            self._depth[timer] = depth + 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth[timer] = depth
                if depth == 0:
                    spent = time.perf_counter() - started
                    self.seconds[timer] = self.seconds.get(timer, 0.0) + spent

        return timed

    def install(self) -> list[str]:
        """Wrap every step found; return the timers none of whose steps was found."""
        import importlib

        found: set[str] = set()
        for module_name, attribute, timer in _STEPS:
            owner: Any = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            if hasattr(owner, name):
                setattr(owner, name, self.wrap(getattr(owner, name), timer))
                found.add(timer)
        return sorted({timer for _, _, timer in _STEPS} - found)


def split(source: Path) -> None:
    """Run ``generate --jobs 1 --no-verify`` in this process and print its split as JSON."""
    timers = _Timers()
    missing = timers.install()
    from iscg_docs.cli import main

    out = Path(tempfile.mkdtemp(prefix="bench-split-"))
    started = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as null:
        code = main(
            ["generate", str(source), "--out", str(out), "--quiet", "--no-verify"],
            out=null,
            err=null,
        )
    total = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    if code != 0:
        raise SystemExit(f"generate failed on {source} ({code})")
    s = timers.seconds
    found = {
        "total": total,
        "parse": s.get("parse", 0.0),
        "validation": s.get("load", 0.0) - s.get("parse", 0.0),
        "context": s.get("context_all", 0.0) - s.get("financing", 0.0),
        "financing": s.get("financing", 0.0),
        "render": s.get("render_all", 0.0) - s.get("context_all", 0.0),
        "write": s.get("write", 0.0),
        "manifest": s.get("manifest", 0.0),
        "floor": s.get("render_all", 0.0),
        "missing": missing,
    }
    print(json.dumps(found))


def run_cli(source: Path, jobs: int, *, verify: bool) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MiB) of ``generate`` into a new folder."""
    out = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    command = [sys.executable, "-m", "iscg_docs", "generate", str(source), "--out", str(out)]
    command += ["--quiet", "--jobs", str(jobs)] + ([] if verify else ["--no-verify"])
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    # With --verify a finding would give 1; the generated data reads back clean.
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"generate failed on {source}")
    # ru_maxrss of a process waited for: the largest of it and its own waited children.
    return elapsed, usage.ru_maxrss / 1024


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def loop_gain(n: int = 6_000_000) -> float:
    """How much faster two processes run a pure-Python loop than one, on this machine now."""
    started = time.perf_counter()
    _spin(n)
    one = time.perf_counter() - started
    with multiprocessing.get_context("fork").Pool(2) as pool:
        started = time.perf_counter()
        pool.map(_spin, [n // 2, n // 2])
        two = time.perf_counter() - started
    return one / two


@contextmanager
def _inputs() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="bench-inputs-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(source: Path, n: int, *, verify_cost: bool, repeat: int = 1) -> dict[str, Any]:
    """Every figure of one size; prints its lines as soon as they are known."""
    done = subprocess.run(
        [sys.executable, __file__, "--split", str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    row["gain"] = loop_gain()
    for jobs in [1, 2] * repeat:
        elapsed, rss = run_cli(source, jobs, verify=False)
        row[f"jobs{jobs}"] = min(elapsed, row.get(f"jobs{jobs}", elapsed))
        row[f"rss{jobs}"] = max(rss, row.get(f"rss{jobs}", rss))
    parts = ("parse", "validation", "context", "financing", "render", "write", "manifest")
    rest = row["total"] - sum(row[p] for p in parts)
    print(
        f"N={n:>6}  split (--jobs 1, in-process, s): "
        + "  ".join(f"{p} {row[p]:.2f}" for p in parts)
        + f"  rest {rest:.2f}  = {row['total']:.2f}",
        flush=True,
    )
    if row["missing"]:
        print(f"         not timed (moved in the library): {', '.join(row['missing'])}")
    print(
        f"         end to end --no-verify: --jobs 1 {row['jobs1']:.2f} s ({row['rss1']:.0f} MiB)"
        f"  --jobs 2 {row['jobs2']:.2f} s ({row['rss2']:.0f} MiB)"
        f"  render-only floor {row['floor']:.2f} s",
        flush=True,
    )
    print(
        f"         end-to-end / render-only: {row['jobs1'] / row['floor']:.2f} (--jobs 1), "
        f"{row['jobs2'] / row['floor']:.2f} (--jobs 2)   --jobs 1 / --jobs 2: "
        f"{row['jobs1'] / row['jobs2']:.2f}× (a pure-Python loop in 2 processes: "
        f"{row['gain']:.2f}×)",
        flush=True,
    )
    if verify_cost:
        row["vjobs1"], _ = run_cli(source, 1, verify=True)
        row["vjobs2"], _ = run_cli(source, 2, verify=True)
        cost1, cost2 = row["vjobs1"] - row["jobs1"], row["vjobs2"] - row["jobs2"]
        print(
            f"         verification: +{cost1:.2f} s with --jobs 1 ({1000 * cost1 / n:.1f} ms "
            f"a document), +{cost2:.2f} s with --jobs 2 (end to end {row['vjobs1']:.2f} s "
            f"and {row['vjobs2']:.2f} s: {row['vjobs1'] / row['vjobs2']:.2f}×)",
            flush=True,
        )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[300, 1000, 3000, 10000])
    parser.add_argument(
        "--no-verify-cost", action="store_true", help="skip the runs that read documents back"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="alternate --jobs 1 and 2 this many times"
    )
    parser.add_argument("--split", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.split is not None:
        split(args.split)
        return
    results: dict[int, dict[str, Any]] = {}
    with _inputs() as folder:
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
            results[n] = measure(source, n, verify_cost=not args.no_verify_cost, repeat=args.repeat)
    for n, row in results.items():
        if 10 * n in results:
            big = results[10 * n]
            print(
                f"time({10 * n}) / (10 × time({n})): "
                f"{big['jobs1'] / (10 * row['jobs1']):.2f} (--jobs 1), "
                f"{big['jobs2'] / (10 * row['jobs2']):.2f} (--jobs 2), "
                f"{big['floor'] / (10 * row['floor']):.2f} (render-only); peak RSS "
                f"{big['rss1'] / row['rss1']:.2f}× (--jobs 1), {big['rss2'] / row['rss2']:.2f}× "
                "(--jobs 2)"
            )


if __name__ == "__main__":
    main()
