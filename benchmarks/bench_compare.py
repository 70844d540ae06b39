"""Time the comparison of two .docx: the example's conventions, and unrelated documents.

Usage: PYTHONPATH=. python benchmarks/bench_compare.py [--repeat 5] [--paragraphs 100]
"""

from __future__ import annotations

import argparse
import io
import random
import time

import attrs

from iscg_docs.convention.render import ConventionRenderer
from iscg_docs.docx.compare import compare_documents
from iscg_docs.inputs.loading import load

WORDS = ("la", "convention", "État", "département", "commune", "coût", "année", "poste")


def best_ms(old: bytes, new: bytes, repeat: int) -> float:
    """The best of ``repeat`` comparisons of ``old`` with ``new``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        compare_documents(old, new)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def unrelated(paragraphs: int, seed: int) -> bytes:
    """A python-docx document of ``paragraphs`` random sentences."""
    import docx

    rng = random.Random(seed)
    document = docx.Document()
    for _ in range(paragraphs):
        document.add_paragraph(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30))))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=100)
    args = parser.parse_args()
    framework = load("examples/saone-et-loire.toml")
    renderer = ConventionRenderer()
    for convention in framework.conventions:
        old = renderer.render_convention(framework, convention)
        years = tuple(attrs.evolve(y, cost=y.cost + 1000) for y in convention.funding.years)
        changed = attrs.evolve(convention, funding=attrs.evolve(convention.funding, years=years))
        new = renderer.render_convention(framework, changed)
        count = compare_documents(old, new)[1]
        ms = best_ms(old, new, args.repeat)
        print(f"{convention.reference}, every cost + 1000 €: {ms:.1f} ms, {count} revisions")
        ms = best_ms(old, old, args.repeat)
        print(f"{convention.reference} with itself: {ms:.1f} ms")
    old, new = unrelated(args.paragraphs, 1), unrelated(args.paragraphs, 2)
    count = compare_documents(old, new)[1]
    ms = best_ms(old, new, args.repeat)
    print(
        f"two unrelated documents of {args.paragraphs} paragraphs: {ms:.0f} ms, {count} revisions"
    )


if __name__ == "__main__":
    main()
