"""Runs on every core: `run_each` gives the results of a plain loop, in order, to the last bit."""

import sys

import numpy as np
import pytest

from bnlib.data import load_digits
from bnlib.parallel import run_each, workers
from bnlib.sweep import sweep

DIGITS = load_digits()
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


def test_results_come_back_in_order_from_a_closure(monkeypatch):
    monkeypatch.setenv("BNLIB_WORKERS", "2")
    offset = 10  # a closure: forked workers inherit it, nothing is pickled but the results
    assert run_each(lambda i: (i, i + offset), range(7)) == [(i, i + offset) for i in range(7)]


@linux_only
def test_the_worker_count_follows_the_runs_and_the_environment(monkeypatch):
    monkeypatch.setenv("BNLIB_WORKERS", "3")
    assert (workers(1), workers(2), workers(10)) == (1, 2, 3)
    monkeypatch.setenv("BNLIB_WORKERS", "1")
    assert workers(10) == 1
    monkeypatch.setenv("BNLIB_WORKERS", "many")  # not a number: the cores this process may use
    assert 1 <= workers(10) <= 10


@linux_only
def test_runs_happen_in_other_processes_which_start_none_of_their_own(monkeypatch):
    import os

    monkeypatch.setenv("BNLIB_WORKERS", "2")
    seen = run_each(lambda i: (os.getpid(), workers(5)), range(4))
    assert all(pid != os.getpid() for pid, _ in seen)
    assert [nested for _, nested in seen] == [1, 1, 1, 1]


def test_an_error_in_a_run_reaches_the_caller(monkeypatch):
    monkeypatch.setenv("BNLIB_WORKERS", "2")

    def run(i):
        if i == 2:
            raise ValueError("run 2 failed")
        return i

    with pytest.raises(ValueError, match="run 2 failed"):
        run_each(run, range(4))


def test_a_sweep_in_workers_equals_the_sweep_in_one_process(monkeypatch):
    settings = [{"lr": 0.5, "batchnorm": True}, {"lr": 1e4}, {"lr": 1.0, "init_scale": 3.0}]
    monkeypatch.setenv("BNLIB_WORKERS", "1")
    alone = sweep(DIGITS, [64, 16, 10], settings, seeds=(0, 1), steps=30)
    monkeypatch.setenv("BNLIB_WORKERS", "2")
    shared = sweep(DIGITS, [64, 16, 10], settings, seeds=(0, 1), steps=30)
    for name in ("accuracy", "start_loss", "end_loss", "start_norms", "end_norms"):
        np.testing.assert_array_equal(getattr(shared, name), getattr(alone, name), err_msg=name)
    assert (
        shared.diverged.tolist()
        == alone.diverged.tolist()
        == [[False] * 2, [True] * 2, [False] * 2]
    )


@linux_only
def test_a_container_quota_caps_the_cores(monkeypatch):
    from bnlib import parallel as _parallel

    monkeypatch.delenv("BNLIB_WORKERS", raising=False)
    monkeypatch.setattr(_parallel.os, "sched_getaffinity", lambda _pid: set(range(16)))
    monkeypatch.setattr(_parallel, "_cpu_quota", lambda: 1)  # e.g. Binder: 16 seen, 1 allowed
    assert workers(10) == 1
    monkeypatch.setattr(_parallel, "_cpu_quota", lambda: None)  # no quota
    assert workers(10) == 10


@linux_only
def test_each_worker_runs_with_one_blas_thread(monkeypatch):
    from threadpoolctl import threadpool_info

    monkeypatch.setenv("BNLIB_WORKERS", "2")
    seen = run_each(
        lambda i: [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"], range(2)
    )
    assert all(threads and set(threads) == {1} for threads in seen), seen


def test_one_blas_thread_limits_its_block_and_restores_the_count():
    from threadpoolctl import threadpool_info, threadpool_limits

    from bnlib._blas import one_blas_thread

    def blas_threads():
        return {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        with one_blas_thread():
            assert blas_threads() == {1}
        assert blas_threads() == before
