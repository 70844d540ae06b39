"""Milliseconds per convention: stock docxtpl, the compiled engine in one and two processes.

    python benchmarks/bench_render.py [-n 300] [--stock-n 30]

Renders the bundled template for ``n`` invented conventions (make_large_input.py) and
prints, for each way of rendering, ms per document and documents per second:

a. stock docxtpl as its documentation shows it: ``DocxTemplate(path)``, ``render(context,
   env, autoescape=True)``, ``save`` to memory; on the first ``--stock-n`` contexts only,
   as it is slow (the ratio is per document);
b. the compiled engine, ``Renderer.render`` with prebuilt contexts, one process;
c. the same in two worker processes, each with its own Renderer and half of the
   prebuilt contexts, made before timing; the documents stay in the worker that
   rendered them, as in ``generate --jobs 2``, whose workers write them to disk;
d. the floor: ``CompiledTemplate.render_parts``, the templated parts rendered, no package.

Building the contexts (``build_context`` and ``document_properties``) is timed on its
own and is in none of a to d.

The speed of this shared machine drifts by up to 70 % within a second, for any code;
only modes timed at the same moments give ratios that hold. So b, c and d are timed in
short windows of time (``--window``, 50 ms) one right after the other, d b c s2 s1 and
back, ``--windows`` turns (8) a round, ``--repeat`` rounds (5). In its window a mode
renders the conventions in order, round and round, and counts the documents it
finishes; c's two processes start together and the window ends when the later one
finishes its last document. s1 and s2 time a pure-Python loop the same way in one
process and in two: s1/s2 is what work that shares nothing gains from a second process
at those moments, the machine's own speed-up, which other tenants lower; b/c cannot be
expected to beat it.

Memory of mode b is measured in fresh subprocesses for ``n`` and ``3n`` conventions,
streaming (each context built, rendered and dropped).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from make_large_input import framework_data

from iscg_docs.convention.context import build_context
from iscg_docs.convention.properties import document_properties
from iscg_docs.convention.render import ConventionRenderer, default_template
from iscg_docs.docx.engine.compiled import CompiledTemplate
from iscg_docs.docx.environment import make_environment
from iscg_docs.french import FILTERS
from iscg_docs.inputs.loading import load_data
from iscg_docs.model.records import Framework

Job = tuple[dict[str, Any], dict[str, str]]


class Renderer(ConventionRenderer):
    """The bundled template's renderer, and the floor: its templated parts rendered alone."""

    def __init__(self) -> None:
        super().__init__()
        self._floor = CompiledTemplate(self.source, make_environment(FILTERS), autoescape=True)

    def render_parts(self, context: dict[str, Any]) -> dict[str, str]:
        """The Jinja stage of each templated part (mode d)."""
        return self._floor.render_parts(context)


def framework(n: int) -> Framework:
    """A validated framework of ``n`` invented conventions."""
    return load_data(framework_data(n), source="make_large_input")


def jobs(fw: Framework) -> list[Job]:
    """Every convention's context and core properties (final documents, not drafts)."""
    return [(build_context(fw, c), document_properties(fw, c)) for c in fw.conventions]


def timed(label: str, run: Callable[[], int], count: int) -> float:
    """Time ``run`` (which renders ``count`` documents); print and return ms per document."""
    start = time.perf_counter()
    done = run()
    ms = (time.perf_counter() - start) * 1000 / count
    assert done == count, (label, done, count)
    print(f"  {label:44s} {ms:8.2f} ms/doc {1000 / ms:8.1f} doc/s   ({count} docs)")
    return ms


# --------------------------------------------------------------------------- the modes


def stock(work: Sequence[Job]) -> int:
    """Mode a: docxtpl the usual way, one DocxTemplate per document."""
    from docxtpl import DocxTemplate

    path = default_template()
    env = make_environment(FILTERS)
    for context, _properties in work:
        tpl = DocxTemplate(path)
        tpl.render(context, env, autoescape=True)
        tpl.save(io.BytesIO())
    return len(work)


def spin(iterations: int) -> int:
    """Pure-Python work that touches almost no memory."""
    total = 0
    for i in range(iterations):
        total += i & 7
    return total


# --------------------------------------------------------------------------- windows of time

#: One document's work in each mode: the whole document, its parts, or a pure-Python
#: loop of about the same length.
STEPS: dict[str, Callable[[Renderer, Job], object]] = {
    "b": lambda renderer, job: renderer.render(job[0], properties=job[1]),
    "d": lambda renderer, job: renderer.render_parts(job[0]),
    "s": lambda renderer, job: spin(12_000),
}


class Cycle:
    """The conventions of ``work`` in order, round and round, in windows of time."""

    def __init__(self, renderer: Renderer, work: Sequence[Job]) -> None:
        self.renderer = renderer
        self.work = work
        self.next = 0

    def until(self, deadline: float, step: str) -> tuple[int, float]:
        """Do ``step`` document after document until ``deadline`` has passed.

        Returns:
            How many documents were finished, and when the last one was.
        """
        work = STEPS[step]
        done = 0
        while True:
            work(self.renderer, self.work[self.next])
            self.next = (self.next + 1) % len(self.work)
            done += 1
            end = time.perf_counter()
            if end >= deadline:
                return done, end


def _worker(pipe: Connection, work: Sequence[Job]) -> None:
    """One process of the pair: for each (step, deadline) received, work and report."""
    cycle = Cycle(Renderer(), work)
    cycle.until(0.0, "b")  # warm: one document before timing, as in this process
    pipe.send("ready")
    while (message := pipe.recv()) is not None:
        step, deadline = message
        pipe.send(cycle.until(deadline, step))


class Pair:
    """Two worker processes, each with its own Renderer and half of the conventions."""

    def __init__(self, work: Sequence[Job]) -> None:
        context = multiprocessing.get_context()
        self.pipes: list[Connection] = []
        self.processes = []
        for half in (work[0::2], work[1::2]):
            here, there = context.Pipe()
            process = context.Process(target=_worker, args=(there, half), daemon=True)
            process.start()
            self.pipes.append(here)
            self.processes.append(process)
        for pipe in self.pipes:
            assert pipe.recv() == "ready"

    def until(self, deadline: float, step: str) -> tuple[int, float]:
        """Both processes work until ``deadline``: documents finished, when the later ended."""
        for pipe in self.pipes:
            pipe.send((step, deadline))
        results = [pipe.recv() for pipe in self.pipes]
        return sum(done for done, _ in results), max(end for _, end in results)

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for process in self.processes:
            process.join()


#: Each mode: who works (this process or the pair) and what it does. In this order, or
#: the reverse, each ratio compares two modes timed one right after the other.
MODES = {
    "d": ("one", "d"),
    "b": ("one", "b"),
    "c": ("two", "b"),
    "s2": ("two", "s"),
    "s1": ("one", "s"),
}


def one_round(
    one: Cycle, two: Pair, window: float, turns: int, first_turn: int
) -> dict[str, tuple[int, float]]:
    """``turns`` turns of every mode, a window each: each mode's documents and seconds."""
    totals = dict.fromkeys(MODES, (0, 0.0))
    for turn in range(first_turn, first_turn + turns):
        # Every other turn in reverse, so that no mode always goes first.
        for mode in reversed(MODES) if turn % 2 else MODES:
            who, step = MODES[mode]
            start = time.perf_counter()
            done, end = (one if who == "one" else two).until(start + window, step)
            count, seconds = totals[mode]
            totals[mode] = (count + done, seconds + end - start)
    return totals


# --------------------------------------------------------------------------- memory


def memory_probe(n: int) -> dict[str, float]:
    """Memory of mode b over ``n`` conventions, streamed, in this (fresh) process.

    Returns the tracemalloc peak during the loop, what is still allocated after it
    once a full collection has run (what rendering kept), and the peak resident size
    (the framework included).
    """
    fw = framework(n)
    renderer = Renderer()
    renderer.render_convention(fw, fw.conventions[0])  # warm the caches first
    gc.collect()
    tracemalloc.start()
    for convention in fw.conventions:
        renderer.render_convention(fw, convention)
    _current, peak = tracemalloc.get_traced_memory()
    # A full collection finds nothing unreachable here, but empties the interpreter's
    # free lists, which fill slowly over thousands of renders and inflate the peak.
    gc.collect()
    retained, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "peak_mib": peak / 2**20,
        "retained_kib": retained / 2**10,
        "maxrss_mib": high_water_kib() / 1024,
    }


def high_water_kib() -> int:
    """Peak resident memory of this process, in KiB.

    Linux's ru_maxrss survives exec, so a child started from a big parent reports the
    parent's size; VmHWM belongs to the process's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_memory(n: int) -> dict[str, float]:
    """Run :func:`memory_probe` in a fresh interpreter, so nothing else is counted."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-probe", str(n)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- main


def machine() -> str:
    """One line saying where the figures come from."""
    import docxtpl

    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"docxtpl {docxtpl.__version__}"
    )


def main() -> None:
    """Measure every mode and print the ratios the issue sets targets for."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=300, help="conventions to render (300)")
    parser.add_argument("--stock-n", type=int, default=30, help="of which stock renders (30)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (5)")
    parser.add_argument("--windows", type=int, default=8, help="turns of every mode a round (8)")
    parser.add_argument("--window", type=float, default=50, help="ms of one mode's window (50)")
    parser.add_argument("--memory-probe", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        print(json.dumps(memory_probe(args.memory_probe)))
        return

    n = args.n
    print(machine())
    load = os.getloadavg()[0]
    print(
        f"load average {load:.2f}"
        + ("  (other work is running: figures are pessimistic)" if load > 0.5 else "")
    )
    fw = framework(n)
    start = time.perf_counter()
    work = jobs(fw)
    context_ms = (time.perf_counter() - start) * 1000 / n
    start = time.perf_counter()
    renderer = Renderer()
    compile_ms = (time.perf_counter() - start) * 1000
    print(f"bundled template, {n} invented conventions")
    print(f"  building the contexts (not in a-d)           {context_ms:8.2f} ms/doc")
    print(f"  compiling the template once (not in b-d)     {compile_ms:8.2f} ms")

    stock_work = work[: min(args.stock_n, n)]
    stock(stock_work[:2])  # warm imports and caches, as every mode gets
    a = timed("a. stock docxtpl", lambda: stock(stock_work), len(stock_work))
    one = Cycle(renderer, work)
    for step in "bd":
        one.until(0.0, step)  # warm
    two = Pair(work)
    rounds: list[dict[str, float]] = []  # ms per document of each mode, each round
    totals = dict.fromkeys(MODES, (0, 0.0))
    try:
        for index in range(args.repeat):
            result = one_round(one, two, args.window / 1000, args.windows, index * args.windows)
            rounds.append({mode: s * 1000 / count for mode, (count, s) in result.items()})
            for mode, (count, seconds) in result.items():
                totals[mode] = (totals[mode][0] + count, totals[mode][1] + seconds)
    finally:
        two.close()
    labels = {
        "b": "b. compiled engine, 1 process",
        "c": "c. compiled engine, 2 processes",
        "d": "d. render_parts (floor)",
        "s1": "s1. pure-Python loop, 1 process",
        "s2": "s2. pure-Python loop, 2 processes",
    }
    ms = {}
    for mode, label in labels.items():
        count, seconds = totals[mode]
        ms[mode] = seconds * 1000 / count
        per_round = [r[mode] for r in rounds]
        print(
            f"  {label:44s} {ms[mode]:8.2f} ms/doc {1000 / ms[mode]:8.1f} doc/s   "
            f"({count} docs; rounds {min(per_round):.2f} to {max(per_round):.2f})"
        )
    b, c, d = ms["b"], ms["c"], ms["d"]
    ratios = {
        "b/d": [r["b"] / r["d"] for r in rounds],
        "b/c": [r["b"] / r["c"] for r in rounds],
        "s1/s2": [r["s1"] / r["s2"] for r in rounds],
    }
    for ratio, values in ratios.items():
        print(f"  {ratio:5s} each round: " + ", ".join(f"{v:.2f}" for v in values))

    memory = {k: measure_memory(k) for k in (n, 3 * n)}
    print("ratios (target)")
    print(f"  a/b  stock / compiled                 {a / b:6.2f}   (>= 12)")
    print(
        f"  b/d  compiled / floor                 {b / d:6.2f}   (<= 1.5)"
        f"   median round {statistics.median(ratios['b/d']):.2f}"
    )
    print(
        f"  b/c  two processes / one              {b / c:6.2f}   (>= 1.7)"
        f"   median round {statistics.median(ratios['b/c']):.2f}"
    )
    print(
        f"  s1/s2  the machine's own speed-up    {ms['s1'] / ms['s2']:6.2f}"
        f"            median round {statistics.median(ratios['s1/s2']):.2f}"
    )
    print("memory of mode b, streaming, a fresh process for each count")
    for k, m in memory.items():
        print(
            f"  {k:5d} conventions: peak RSS {m['maxrss_mib']:6.1f} MiB, tracemalloc peak "
            f"{m['peak_mib']:5.2f} MiB, retained after the loop {m['retained_kib']:5.1f} KiB"
        )
    low, high = memory[n], memory[3 * n]
    print(
        f"  3N/N peak RSS                         {high['maxrss_mib'] / low['maxrss_mib']:6.2f}"
        "   (<= 1.10)"
    )
    print(f"  3N/N tracemalloc peak                 {high['peak_mib'] / low['peak_mib']:6.2f}")


if __name__ == "__main__":
    main()
