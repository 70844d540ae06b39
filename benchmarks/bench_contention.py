"""Does a rendering process slow down when a second one runs beside it?

    python benchmarks/bench_contention.py [-n 150] [--rounds 3]

Mode b of bench_render.py (``Renderer.render`` on prebuilt contexts) is timed alone, beside
a second process rendering in a loop, and beside a second process running a pure-Python
loop, in turns. On two free cores the three figures should be alike; if rendering beside a
renderer is slower, two processes cannot reach twice one process's speed (b/c), whatever
the code does to split the work.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench_render import Job, compiled, framework, jobs, spin

from iscg_docs.rendering import Renderer


def render_forever(work: Sequence[Job], stop: Any) -> None:
    """A second renderer: render the first 20 contexts until told to stop."""
    renderer = Renderer()
    while not stop.is_set():
        compiled(renderer, work[:20])


def spin_forever(work: Sequence[Job], stop: Any) -> None:
    """A second process with a pure-Python loop, until told to stop."""
    while not stop.is_set():
        spin(100_000)


def timed_beside(
    neighbour: Callable[[Sequence[Job], Any], None] | None,
    renderer: Renderer,
    work: Sequence[Job],
) -> float:
    """ms per document of mode b while ``neighbour`` runs in another process."""
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    process = None
    if neighbour is not None:
        process = context.Process(target=neighbour, args=(work, stop))
        process.start()
        time.sleep(0.5)  # let it start working
    try:
        start = time.perf_counter()
        compiled(renderer, work)
        return (time.perf_counter() - start) * 1000 / len(work)
    finally:
        stop.set()
        if process is not None:
            process.join()


def main() -> None:
    """Print mode b's ms per document alone, beside a renderer, beside a loop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=150, help="conventions per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = jobs(framework(args.n))
    renderer = Renderer()
    compiled(renderer, work[:5])
    neighbours = {"alone": None, "beside a renderer": render_forever, "beside a loop": spin_forever}
    results: dict[str, list[float]] = {label: [] for label in neighbours}
    for _ in range(args.rounds):
        for label, neighbour in neighbours.items():
            results[label].append(timed_beside(neighbour, renderer, work))
    for label, values in results.items():
        figures = ", ".join(f"{value:.2f}" for value in values)
        print(f"  b {label:18s} {figures} ms/doc")


if __name__ == "__main__":
    main()
