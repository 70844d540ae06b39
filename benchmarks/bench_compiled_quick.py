"""Quick measurement: milliseconds per document, stock docxtpl against the compiled engine."""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from iscg_docs.docx.engine.compiled import CompiledTemplate

DEFAULT = Path("/work/shared/conformance/docxtpl-0.20.2-templates/order_tpl.docx")


def order_context(rows: int) -> dict[str, Any]:
    """A context for order_tpl.docx with ``rows`` order lines."""
    return {
        "customer_name": "Commune de Lille & associés",
        "items": [
            {"desc": f"Prestation n° {index} <ISCG>", "qty": index, "price": f"{index},00 €"}
            for index in range(rows)
        ],
        "total_price": "1 234,00 €",
        "is_paid": False,
        "in_europe": True,
        "company_name": "L’État",
    }


def per_document_ms(render: Callable[[], object], repeat: int) -> float:
    """Best-of-three mean wall time of ``render``, in milliseconds."""
    render()  # warm caches
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            render()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1000


def main() -> None:
    """Print ms per document for stock, compiled and render_parts, with ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("template", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rows", type=int, default=40, help="order lines in the context")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    context = order_context(args.rows)

    def stock() -> bytes:
        tpl = DocxTemplate(args.template)
        tpl.render(context, autoescape=True)
        buffer = io.BytesIO()
        tpl.save(buffer)
        return buffer.getvalue()

    start = time.perf_counter()
    compiled = CompiledTemplate(args.template, autoescape=True)
    compile_ms = (time.perf_counter() - start) * 1000

    timings = {
        "stock docxtpl": per_document_ms(stock, args.repeat),
        "compiled render": per_document_ms(lambda: compiled.render(context), args.repeat),
        "render_parts (floor)": per_document_ms(
            lambda: compiled.render_parts(context), args.repeat
        ),
    }
    print(f"{args.template.name}, {args.rows} rows; compiling once: {compile_ms:.1f} ms")
    stock_ms = timings["stock docxtpl"]
    for label, ms in timings.items():
        print(f"{label:22s} {ms:8.2f} ms/doc   stock/this = {stock_ms / ms:5.1f}x")


if __name__ == "__main__":
    main()
