"""Time of the web page's requests: check and generate the three example conventions.

    python benchmarks/bench_web.py [--runs 20]

Starts ``iscg-docs serve``'s application in uvicorn on 127.0.0.1 (a free port, in a
thread) and sends real HTTP requests with httpx, as a browser would: the example workbook
(and its TOML twin) to ``/verification`` and to ``/generation`` (the zip of the three
documents and the manifest). The first request of each kind is timed apart (it pays for
the imports: openpyxl, docxtpl, the template's compilation); then the median and the
slowest of ``--runs`` requests. Needs the ``web`` and ``test`` extras.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from iscg_docs.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = (ROOT / "examples" / "saone-et-loire.xlsx", ROOT / "examples" / "saone-et-loire.toml")


def start() -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{port}"


def timed(client: httpx.Client, route: str, path: Path) -> tuple[float, httpx.Response]:
    content = path.read_bytes()
    start = time.perf_counter()
    response = client.post(route, files={"fichier": (path.name, content)})
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    server, base = start()
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            print(f"{'request':<42}{'first':>10}{'median':>10}{'slowest':>10}")
            for path in EXAMPLES:
                for route in ("/verification", "/generation"):
                    first, response = timed(client, route, path)
                    times = [timed(client, route, path)[0] for _ in range(args.runs)]
                    label = f"{route} {path.name} ({len(response.content) // 1024} ko)"
                    print(
                        f"{label:<42}{first * 1000:>8.0f}ms"
                        f"{statistics.median(times) * 1000:>8.0f}ms{max(times) * 1000:>8.0f}ms"
                    )
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
