"""Independent runs on every core: the runs of a sweep share nothing, so they can run at once.

`run_each(fn, items)` returns [fn(item) for item in items], in that order, whether it computed
them one after the other or in worker processes. Each run builds its own seeded generator, so
the results are the same either way, to the last bit (tests check it, and the notebooks'
stored outputs did not change); only the wall time changes: on this 2-core machine a 57-run
sweep takes a little over half as long. The CPU time stays about the same.

Workers are forked from the calling process (Linux only; elsewhere the runs go one after the
other), so `fn` may be a closure (a notebook's recorders, say) and needs no pickling; only its
results travel back, pickled. There is one worker per core this process may use (its CPU
affinity, capped by a container's CPU quota), at most one per item. BNLIB_WORKERS=k in the
environment sets k workers (1: a plain loop). A worker never starts workers of its own. Each
worker holds its own run's arrays, so runs that are large in memory are better left in a loop.

Each worker runs with one BLAS thread (its whole life, whatever its run calls): the workers
already fill the cores, and a worker whose matrix products each started a thread per core
would have them wait for each other. On this 2-core machine notebook 05's train/eval-gap study
(12 runs, whose scoring outside `train` had no limit) took 3.25 s with two BLAS threads per
worker against 2.48 s in a plain loop on one core.
"""

import gc
import math
import multiprocessing
import os
import sys
from pathlib import Path

from bnlib._blas import set_one_blas_thread

_TASK = None  # (fn, items) the forked workers inherit; set only while a pool runs


def _call(i):
    fn, items = _TASK
    return fn(items[i])


def _cpu_quota():
    """The cores a container's CPU quota allows (cgroup v2 or v1), or None if unlimited: a
    JupyterHub or Binder container may see all of its host's cores but be allowed one."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        try:
            quota = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text().strip()
            period = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    if quota in ("max", "-1"):
        return None
    try:
        return max(1, math.ceil(int(quota) / int(period)))
    except (ValueError, ZeroDivisionError):
        return None


def cores():
    """The cores this process may use: its CPU affinity, capped by a container's CPU quota."""
    allowed = len(os.sched_getaffinity(0))
    quota = _cpu_quota()
    return allowed if quota is None else min(allowed, quota)


def workers(n):
    """How many worker processes `run_each` uses for n runs (1 = none: a plain loop)."""
    if n < 2 or sys.platform != "linux" or multiprocessing.parent_process() is not None:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("BNLIB_WORKERS", "").strip()
    return max(1, min(n, int(wanted) if wanted.isdigit() else cores()))


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
        context = multiprocessing.get_context("fork")
        with context.Pool(count, initializer=set_one_blas_thread) as pool:
            return pool.map(_call, range(len(items)), chunksize=1)
    finally:
        gc.unfreeze()
        _TASK = None
