"""Milliseconds per document to verify a convention, as a ratio to rendering it.

    python benchmarks/bench_verify.py [-n 60] [--rounds 7]

Renders ``n`` invented conventions (make_large_input.py) with the bundled template, then
times, in alternating rounds over the same documents, (r) rendering them from prebuilt
contexts, (v) ``verify_document`` on their bytes, as ``generate`` does, and (p) the mere
reading of their text with python-docx (``docx.Document`` and every body paragraph's
text), which is what the verifier used to do before checking anything. Each mode's
median round gives ms per document; the ratios v/r and p/r hold on a shared machine whose
speed drifts, because the modes are timed at the same moments.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

import docx
from make_large_input import framework_data

from iscg_docs.convention.context import build_context
from iscg_docs.convention.properties import document_properties
from iscg_docs.convention.render import ConventionRenderer
from iscg_docs.convention.verify import verify_document
from iscg_docs.inputs.loading import load_data


def python_docx_text(data: bytes) -> int:
    """The body paragraphs' text through python-docx (the former reader's first step)."""
    document = docx.Document(io.BytesIO(data))
    return sum(len(p.text) for p in document.paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="conventions (60)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of each mode (7)")
    args = parser.parse_args()

    fw = load_data(framework_data(args.n), source="make_large_input")
    renderer = ConventionRenderer()
    jobs = [(build_context(fw, c), document_properties(fw, c)) for c in fw.conventions]
    documents = [renderer.render(context, properties=props) for context, props in jobs]
    found = sum(len(verify_document(d)) for d in documents)

    modes: dict[str, Callable[[], object]] = {
        "r": lambda: [renderer.render(c, properties=p) for c, p in jobs],
        "v": lambda: [verify_document(d) for d in documents],
        "p": lambda: [python_docx_text(d) for d in documents],
    }
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    for _ in range(args.rounds):
        for mode, run in modes.items():
            start = time.perf_counter()
            run()
            times[mode].append((time.perf_counter() - start) * 1000 / len(documents))
    ms = {mode: statistics.median(values) for mode, values in times.items()}
    print(f"{len(documents)} documents, {args.rounds} rounds, {found} findings")
    print(f"  r  render                       {ms['r']:7.2f} ms/doc")
    print(
        f"  v  verify_document              {ms['v']:7.2f} ms/doc   v/r = {ms['v'] / ms['r']:.2f}"
    )
    print(
        f"  p  python-docx text alone       {ms['p']:7.2f} ms/doc   p/r = {ms['p'] / ms['r']:.2f}"
    )


if __name__ == "__main__":
    main()
