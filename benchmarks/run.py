"""Run every benchmark, one table each: `python -m benchmarks.run` (what `make bench` does).

Budgets are printed next to each number with PASS or MISS; a MISS does not fail the run (the
numbers depend on the machine and its load), but a notebook that raises does, unless --strict
is given, which also fails on any MISS. --quick is a smoke run with tiny sweeps, no notebooks
and no browser. The web table needs the built site (`make bench` builds it first; the frame
cache makes that quick); the JupyterLab table starts its own throwaway server.
"""

import argparse
import time

from . import engine, kernels, lab, notebooks, sliders, web
from ._report import load, machine, reference_seconds

# What the reference workload's time says: how fast the machine was during the run (its speed
# drifts by 20-40% between hours here); the code does not change it.
REFERENCE = "lower is a faster machine; the same for any version of the course"
TABLES = ("notebooks", "sliders", "kernels", "engine", "web", "lab")


def _ms(seconds):
    return f"{seconds * 1e3:.0f} ms"


def tables(only, quick):
    """Yield each requested table, built in turn."""
    if "notebooks" in only and not quick:
        yield notebooks.table()
    if "sliders" in only:
        yield sliders.table(points=3 if quick else 9)
    if "kernels" in only:
        cases = kernels.CASES[:1] if quick else kernels.CASES
        yield kernels.table(repeat=2 if quick else 7, min_time=0.0 if quick else 0.02, cases=cases)
    if "engine" in only:
        yield engine.table(steps=20 if quick else 1000, batch_sizes=(60,) if quick else (60, 128))
    if "web" in only and not quick:
        yield web.table()
    if "lab" in only and not quick:
        yield lab.table()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=TABLES, default=TABLES)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: tiny sweeps, no notebooks, no browser"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 on any MISS")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"load average (1 min) at start: {load()}")
    print(f"reference workload (numpy alone, {REFERENCE}) at start: {_ms(reference_seconds())}\n")
    start, errors, misses = time.perf_counter(), 0, 0
    for t in tables(args.only, args.quick):
        print(t.render(), end="\n\n", flush=True)
        errors += sum(row.count("ERROR") for row in t.rows)
        misses += sum(row.count("MISS") for row in t.rows)
    print(
        f"{misses} MISS, {errors} ERROR; {time.perf_counter() - start:.0f} s; "
        f"load average (1 min) at end: {load()}; reference workload at end: "
        f"{_ms(reference_seconds())}"
    )
    return 1 if errors or (args.strict and misses) else 0


if __name__ == "__main__":
    raise SystemExit(main())
