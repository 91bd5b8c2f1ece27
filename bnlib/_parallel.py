"""Independent runs on every core: the runs of a sweep share nothing, so they can run at once.

`run_each(fn, items)` returns [fn(item) for item in items], in that order, whether it computed
them one after the other or in worker processes. Each run builds its own seeded generator, so the
results are the same either way, to the last bit (a test checks it); only the wall time
changes. On a 2-core machine a 57-run sweep takes a little over half as long.

Workers are forked from the calling process (Linux only; elsewhere, and when forking is not
available, the runs go one after the other), so `fn` may be a closure and needs no pickling; its
results are sent back pickled. The number of workers is the number of cores this process may
use, at most one per item; the environment variable BNLIB_WORKERS overrides it (BNLIB_WORKERS=1: no
workers). A worker never starts workers of its own.
"""

import gc
import multiprocessing
import os
import sys

_TASK = None  # (fn, items) the forked workers inherit; set only while a pool runs


def _call(i):
    fn, items = _TASK
    return fn(items[i])


def workers(n):
    """How many worker processes `run_each` uses for n runs (1 = none: a plain loop)."""
    if n < 2 or sys.platform != "linux" or multiprocessing.parent_process() is not None:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("BNLIB_WORKERS", "").strip()
    cores = int(wanted) if wanted.isdigit() else len(os.sched_getaffinity(0))
    return max(1, min(n, cores))


def run_each(fn, items):
    """[fn(item) for item in items], computed in up to `workers(len(items))` forked processes.

    Use it for runs that share nothing: each builds its own model and seeded generator.

    >>> run_each(lambda seed: seed * seed, [0, 1, 2, 3])
    [0, 1, 4, 9]
    """
    global _TASK
    items = list(items)
    count = workers(len(items))
    if count == 1:
        return [fn(item) for item in items]
    _TASK = fn, items
    gc.freeze()  # the workers' garbage collector then leaves the inherited objects' pages shared
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return pool.map(_call, range(len(items)), chunksize=1)
    finally:
        gc.unfreeze()
        _TASK = None
