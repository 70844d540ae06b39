"""Milliseconds per convention: stock docxtpl, the compiled engine in one and two processes.

    python benchmarks/bench_render.py [-n 300] [--stock-n 30]

Renders the bundled template for ``n`` invented conventions (make_large_input.py) and
prints, for each way of rendering, ms per document and documents per second:

a. stock docxtpl as its documentation shows it: ``DocxTemplate(path)``, ``render(context,
   env, autoescape=True)``, ``save`` to memory; on the first ``--stock-n`` contexts only,
   as it is slow (the ratio is per document);
b. the compiled engine, ``Renderer.render`` with prebuilt contexts, one process;
c. the same in two worker processes, as ``generate --jobs 2`` splits a batch: each
   worker builds its Renderer and receives the prebuilt contexts in the pool's
   initializer (before timing); tasks name a range of conventions and the documents
   are sent back. Each round also times a pure-Python loop in one and two processes:
   the speed-up the machine itself offers at that moment, which other tenants of a
   shared machine lower;
d. the floor: ``Renderer.render_parts``, the templated parts rendered, no package.

Building the contexts (``build_context`` and ``document_properties``) is timed on its
own and is in none of a to d. Modes b to d run in ``--repeat`` rounds (5), in an order
that changes each round, b and d alternating every ``--slice`` documents (20); each mode
keeps its best round: on a shared machine, measuring each mode in a block of its own let
a slow spell of the machine land on one mode and skew the ratios by 30 %. Memory
of mode b is measured in fresh subprocesses for ``n`` and ``3n`` conventions, streaming
(each context built, rendered and dropped).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from make_large_input import framework_data

from iscg_docs.context import build_context, document_properties
from iscg_docs.french import FILTERS
from iscg_docs.loading import load_data
from iscg_docs.records import Framework
from iscg_docs.rendering import Renderer, default_template, make_environment

Job = tuple[dict[str, Any], dict[str, str]]


def framework(n: int) -> Framework:
    """A validated framework of ``n`` invented conventions."""
    return load_data(framework_data(n), source="make_large_input")


def jobs(fw: Framework) -> list[Job]:
    """Every convention's context and core properties (final documents, not drafts)."""
    return [(build_context(fw, c), document_properties(fw, c)) for c in fw.conventions]


def timed(label: str, run: Callable[[], int], count: int, repeat: int) -> float:
    """Best of ``repeat`` runs of ``run`` (each renders ``count`` documents), in ms per doc."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = run()
        seconds.append(time.perf_counter() - start)
        assert done == count, (label, done, count)
    return report(label, seconds, count)


def report(label: str, seconds: list[float], count: int) -> float:
    """Print and return the best run's ms per document."""
    ms = min(seconds) * 1000 / count
    spread = max(seconds) / min(seconds)
    print(
        f"  {label:44s} {ms:8.2f} ms/doc {1000 / ms:8.1f} doc/s   "
        f"({count} docs, slowest run {spread:4.2f}x the best)"
    )
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


def compiled(renderer: Renderer, work: Sequence[Job]) -> int:
    """Mode b: the compiled engine, the whole document, in this process."""
    for context, properties in work:
        renderer.render(context, properties=properties)
    return len(work)


def parts(renderer: Renderer, work: Sequence[Job]) -> int:
    """Mode d: only the Jinja stage of the templated parts."""
    for context, _properties in work:
        renderer.render_parts(context)
    return len(work)


_RENDERER: list[Renderer] = []
_JOBS: list[Job] = []


def _init_worker(work: Sequence[Job]) -> None:
    _RENDERER.append(Renderer())
    _JOBS.extend(work)


def _ready(_: int) -> int:
    time.sleep(0.2)  # long enough that both workers take one
    return os.getpid()


def _render_chunk(bounds: tuple[int, int]) -> list[bytes]:
    renderer = _RENDERER[0]
    return [
        renderer.render(context, properties=properties)
        for context, properties in _JOBS[bounds[0] : bounds[1]]
    ]


def spin(iterations: int) -> int:
    """Pure-Python work, to measure the parallel speed-up the machine offers right now."""
    total = 0
    for i in range(iterations):
        total += i & 7
    return total


def machine_parallel(pool: concurrent.futures.Executor, iterations: int) -> float:
    """Seconds for ``spin(iterations)`` here, over seconds for two halves in the pool."""
    start = time.perf_counter()
    spin(iterations)
    one = time.perf_counter() - start
    start = time.perf_counter()
    list(pool.map(spin, [iterations // 2] * 2))
    return one / (time.perf_counter() - start)


def alternating(renderer: Renderer, work: Sequence[Job], size: int) -> tuple[float, float]:
    """Modes b and d over ``work``, alternating every ``size`` documents: their seconds.

    Alternating this often gives both modes the same moments of a machine whose speed
    drifts, so that their ratio holds even when their own figures move.
    """
    b_total = d_total = 0.0
    for index, first in enumerate(range(0, len(work), size)):
        chunk = work[first : first + size]
        for mode in ("b", "d") if index % 2 == 0 else ("d", "b"):
            start = time.perf_counter()
            if mode == "b":
                compiled(renderer, chunk)
                b_total += time.perf_counter() - start
            else:
                parts(renderer, chunk)
                d_total += time.perf_counter() - start
    return b_total, d_total


def parallel(pool: concurrent.futures.Executor, count: int, size: int) -> int:
    """Mode c: ``count`` documents in tasks of ``size`` across the pool; documents come back."""
    bounds = [(i, min(i + size, count)) for i in range(0, count, size)]
    return sum(len(documents) for documents in pool.map(_render_chunk, bounds))


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
    parser.add_argument("--repeat", type=int, default=5, help="rounds of b, c, d; best kept")
    parser.add_argument("--chunk", type=int, default=25, help="documents per task in mode c")
    parser.add_argument(
        "--slice", type=int, default=20, help="documents between switches of b and d (20)"
    )
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
    a = timed("a. stock docxtpl", lambda: stock(stock_work), len(stock_work), 1)
    compiled(renderer, work[:5])
    parts(renderer, work[:5])
    with concurrent.futures.ProcessPoolExecutor(
        2, initializer=_init_worker, initargs=(work,)
    ) as pool:
        pids = set(pool.map(_ready, range(4)))
        assert len(pids) == 2, "both workers should be up before timing"
        parallel(pool, 4 * args.chunk, args.chunk)  # warm both workers
        # "b~" is b measured alternating with d; "b" is b alone, as c runs.
        times: dict[str, list[float]] = {"b": [], "b~": [], "c": [], "d": []}
        speedups: list[float] = []

        def b_and_d() -> None:
            b_total, d_total = alternating(renderer, work, args.slice)
            times["b~"].append(b_total)
            times["d"].append(d_total)

        def b_alone() -> None:
            start = time.perf_counter()
            compiled(renderer, work)
            times["b"].append(time.perf_counter() - start)

        def c_alone() -> None:
            start = time.perf_counter()
            assert parallel(pool, n, args.chunk) == n
            times["c"].append(time.perf_counter() - start)

        def machine_alone() -> None:
            speedups.append(machine_parallel(pool, 3_000_000))

        steps = [b_and_d, b_alone, c_alone, machine_alone]
        for index in range(args.repeat):
            # A different order each round, so no mode always follows the same one.
            for step in steps[index % 4 :] + steps[: index % 4]:
                step()
    labels = {
        "b": "b. compiled engine, 1 process",
        "c": "c. compiled engine, 2 processes",
        "b~": "b, alternating with d",
        "d": "d. render_parts (floor), alternating with b",
    }
    b, c, b_alternating, d = (report(labels[mode], times[mode], n) for mode in labels)
    print(
        "  per round, b/c against the speed-up a pure-Python loop got from two processes "
        "meanwhile: "
        + ", ".join(
            f"{times['b'][i] / times['c'][i]:.2f} ({speedups[i]:.2f})" for i in range(args.repeat)
        )
    )
    # Ratios of the same round are spared most of the machine's drift; the median round
    # is printed beside the ratio of the bests. b/d compares b and d alternating every
    # few documents (switching code paths slows both a little, alike); b/c compares b
    # alone with c, each a block of n documents.
    per_round = {
        "b/d": statistics.median(times["b~"][i] / times["d"][i] for i in range(args.repeat)),
        "b/c": statistics.median(times["b"][i] / times["c"][i] for i in range(args.repeat)),
    }

    memory = {k: measure_memory(k) for k in (n, 3 * n)}
    print("ratios (target)")
    print(f"  a/b  stock / compiled                 {a / b:6.2f}   (>= 12)")
    print(
        f"  b/d  compiled / floor                 {b_alternating / d:6.2f}   (<= 1.5)"
        f"   median round {per_round['b/d']:.2f}"
    )
    print(
        f"  b/c  two processes / one              {b / c:6.2f}   (>= 1.7)"
        f"   median round {per_round['b/c']:.2f}, machine {statistics.median(speedups):.2f}"
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
