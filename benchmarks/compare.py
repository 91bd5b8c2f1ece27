"""Old code against new, timed interleaved: `python -m benchmarks.compare REF [NAME ...]`.

This machine's speed drifts by 20-40% between hours and days (a shared host), so two runs of
`benchmarks.notebooks` taken apart compare the days as much as the code. Here every notebook runs
alternately from the tree at git revision REF (extracted with `git archive` into a temporary
directory) and from this working tree, in a fresh kernel each time, `--rounds` times, the order
swapped every round; the kernel imports bnlib and bncourse from the tree it runs (PYTHONPATH)
and executes that tree's copy of the notebook. The table gives each notebook's median wall time
and its range (min-max) for both trees, the change of the medians, and the course's sum of
medians; a change inside the two ranges is not told apart from the drift. A reference workload
(`_report.reference_seconds`, numpy alone: it does not change with the code) is timed before and
after, so a reader sees how fast the machine was.

    python -m benchmarks.compare 69a0f98 04 05 --rounds 3 --cores 2 1
"""

import argparse
import io
import pathlib
import statistics
import subprocess
import tarfile
import tempfile

from ._report import Table, load, reference_seconds
from .notebooks import ROOT, run_notebook


def extract(ref, into):
    """The tree at git revision `ref` of this repository, written under `into`; returns it."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise SystemExit(f"git archive {ref} failed: {archive.stderr.decode().strip()}")
    tree = pathlib.Path(into) / "old"
    tree.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as files:
        files.extractall(tree, filter="data")
    return tree


def notebook_names(tree, prefixes):
    """The notebook file names in `tree`/notebooks that start with any of `prefixes` (all if
    none), in order."""
    names = sorted(path.name for path in (tree / "notebooks").glob("*.ipynb"))
    chosen = [name for name in names if not prefixes or name.startswith(tuple(prefixes))]
    if not chosen:
        raise SystemExit(f"no notebook in {tree / 'notebooks'} starts with any of {prefixes}")
    return chosen


def interleaved(trees, names, rounds, cores, run=run_notebook, report=print):
    """{(name, tree label, cores): [wall seconds per round]}: every notebook run from each tree
    in turn (the first tree first in even rounds, last in odd ones), fresh kernel each."""
    times = {}
    labels = list(trees)
    for r in range(rounds):
        for name in names:
            for n in cores:
                for label in labels if r % 2 == 0 else labels[::-1]:
                    tree = trees[label]
                    result = run(tree / "notebooks" / name, cores=n, pythonpath=tree)
                    if result.error:
                        raise SystemExit(f"{name} ({label}, {n} core(s)): {result.error}")
                    times.setdefault((name, label, n), []).append(result.total)
                    report(f"round {r + 1}: {name} {label} {n} core(s) {result.total:.2f} s")
    return times


def table(times, names, cores, ref, rounds, speed=("", "")):
    """The comparison as a Table: per notebook and core count, old and new medians and ranges."""
    t = Table(
        f"Old ({ref}) against new (this tree), interleaved, {rounds} round(s)",
        ["notebook", "cores", "old median s", "old range", "new median s", "new range", "change"],
        [
            "median and range (min-max) of the wall time over the rounds, fresh kernel each run;"
            " a change inside both ranges is not told apart from the machine's drift",
            f"reference workload (numpy alone) at start {speed[0]}, at end {speed[1]}",
        ],
    )

    def cells(values):
        return f"{statistics.median(values):.2f}", f"{min(values):.2f}-{max(values):.2f}"

    for n in cores:
        sums = {"old": 0.0, "new": 0.0}
        for name in names:
            old, new = times[name, "old", n], times[name, "new", n]
            sums["old"] += statistics.median(old)
            sums["new"] += statistics.median(new)
            change = statistics.median(new) / statistics.median(old) - 1
            t.add(name, n, *cells(old), *cells(new), f"{change:+.1%}")
        change = sums["new"] / sums["old"] - 1
        t.add(f"sum of medians ({len(names)})", n, f"{sums['old']:.2f}", "",
              f"{sums['new']:.2f}", "", f"{change:+.1%}")  # fmt: skip
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ref", help="the old code: a git revision of this repository")
    parser.add_argument("names", nargs="*", help="notebook name prefixes (default: every one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", nargs="+", type=int, choices=(2, 1), default=(2,))
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1; got {args.rounds}")
    print(f"load average (1 min) at start: {load()}")
    start_speed = f"{reference_seconds() * 1e3:.0f} ms"
    with tempfile.TemporaryDirectory() as scratch:
        trees = {"old": extract(args.ref, scratch), "new": ROOT}
        names = notebook_names(trees["new"], args.names)
        missing = [name for name in names if not (trees["old"] / "notebooks" / name).exists()]
        if missing:
            raise SystemExit(f"{args.ref} has no {', '.join(missing)}")
        times = interleaved(trees, names, args.rounds, args.cores)
    speed = (start_speed, f"{reference_seconds() * 1e3:.0f} ms")
    print(table(times, names, args.cores, args.ref, args.rounds, speed).render())
    print(f"load average (1 min) at end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
