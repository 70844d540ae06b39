"""The Code officiel géographique: what the first lookup costs, and the file's size.

    PYTHONPATH=. python benchmarks/bench_cog.py [--runs 15]

In ``--runs`` fresh processes (the first, which warms the file cache, dropped), after
``import iscg_docs`` has been paid: the time to read the shipped file
(``cog.referentiel()``), then the first lookup of a commune in its département, and the
sum of both, against the 100 ms budget, as medians. Then, in this process, the cost of
further lookups: a commune in a département already read, a commune by INSEE code and an
EPCI by name (the first of each builds an index; these are timed apart, on a fresh
referential), and a typo's suggestions. Prints the data file's size against the 1.5 MB budget, and checks
that ``import iscg_docs`` does not read the data (exit 1 if it does).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 100.0
BUDGET_BYTES = 1_500_000

# Runs in a fresh process: import the package, then time the load and one lookup.
_PROBE = """
import json, sys, time
import iscg_docs
lazy = "iscg_docs.model.cog" not in sys.modules
from iscg_docs.model import cog
start = time.perf_counter()
ref = cog.referentiel()
loaded = time.perf_counter()
ref.commune("Montceau-les-Mines", "Saône-et-Loire")
found = time.perf_counter()
print(json.dumps({"lazy": lazy, "load": loaded - start, "lookup": found - loaded}))
"""


def fresh_runs(runs: int) -> list[dict[str, float]]:
    """Load and first-lookup times of ``runs`` fresh processes (after one warm-up)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out = []
    for _ in range(runs + 1):
        result = subprocess.run(
            [sys.executable, "-c", _PROBE], env=env, cwd=ROOT, capture_output=True, check=True
        )
        out.append(json.loads(result.stdout))
    return out[1:]


def per_call_ms(call: object, repeat: int) -> float:
    """Median ms of ``repeat`` calls of ``call``."""
    assert callable(call)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def once_ms(call: object) -> float:
    """Ms of one call of ``call``."""
    return per_call_ms(call, 1)


def main() -> int:
    """Print the timings and the size; return 1 if importing iscg_docs read the data."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from iscg_docs.model import cog

    runs = fresh_runs(args.runs)
    load = statistics.median(r["load"] for r in runs) * 1000
    lookup = statistics.median(r["lookup"] for r in runs) * 1000
    first = statistics.median((r["load"] + r["lookup"]) for r in runs) * 1000
    print(f"fresh processes: median of {args.runs}, Python {sys.version.split()[0]}")
    print(f"  read the file (referentiel())        {load:6.1f} ms")
    print(f"  first lookup of a commune            {lookup:6.1f} ms")
    print(
        f"  both: first answer                   {first:6.1f} ms  ({first / BUDGET_MS:.2f} of the budget)"
    )

    ref = cog.referentiel()
    print("in one process, after the first answer:")
    first_code = once_ms(lambda: cog.load().commune_by_code("71306")) - once_ms(cog.load)
    first_name = once_ms(lambda: cog.load().commune("Hirson")) - once_ms(cog.load)
    first_epci = once_ms(lambda: cog.load().epci("200070308")) - once_ms(cog.load)
    print(f"  first lookup by INSEE code (index of codes)      {first_code:6.1f} ms, once")
    print(f"  first commune without département (name index) {first_name:6.1f} ms, once")
    print(f"  first EPCI (EPCI table and names)              {first_epci:6.1f} ms, once")
    print(
        f"  commune by name in its département     {per_call_ms(lambda: ref.commune('le creusot', '71'), 200) * 1000:6.1f} µs"
    )
    print(
        f"  commune by INSEE code                  {per_call_ms(lambda: ref.commune_by_code('71306'), 200) * 1000:6.1f} µs"
    )
    print(
        f"  EPCI by name                           {per_call_ms(lambda: ref.epci('Mâconnais Beaujolais Agglomération'), 200) * 1000:6.1f} µs"
    )
    print(
        f"  suggestions in a département           {per_call_ms(lambda: ref.closest_communes('Montceau-les-Mine', '71'), 20):6.1f} ms"
    )
    print(
        f"  suggestions across France              {per_call_ms(lambda: ref.closest_communes('Montceau-les-Mine'), 5):6.1f} ms"
    )

    size = (ROOT / "iscg_docs" / "model" / cog.DATA_FILE).stat().st_size
    print(f"data file: {size / 1e6:.2f} MB ({size / BUDGET_BYTES:.2f} of the 1.5 MB budget)")
    lazy = all(r["lazy"] for r in runs)
    print(f"import iscg_docs reads the data: {'no' if lazy else 'YES'}")
    return 0 if lazy else 1


if __name__ == "__main__":
    sys.exit(main())
