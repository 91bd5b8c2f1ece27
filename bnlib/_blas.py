"""One BLAS thread while the engine trains: its matrices (60 x 100) are too small to share.

OpenBLAS splits every matrix product over all cores by default. For the course's tiny layers
the threads cost more than they save, and on a busy machine (CI, Binder, a laptop running a
browser) they wait for each other: a 1,000-step digits run measured 10 to 20 times slower with
two threads than with one. The thread count is normally fixed when numpy loads (the
OPENBLAS_NUM_THREADS variable), too late for a notebook, so threadpoolctl changes it for the
duration of a block, whichever BLAS numpy uses, and restores it afterwards. It finds the
BLAS libraries once (a `ThreadpoolController`, made on first use): `threadpool_limits`
searched for them on every call, about 240 us each, and the course enters such a block about
1,400 times (recorders, probes); with the controller kept, 13 us.
"""

from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller():
    return ThreadpoolController()


def set_one_blas_thread():
    """One BLAS thread from now on, for the whole process (a worker of `run_each`, the course's
    kernel): unlike `one_blas_thread`, nothing is restored."""
    _controller().limit(limits=1, user_api="blas")


def one_blas_thread():
    """A context manager: its body runs with one BLAS thread.

    >>> with one_blas_thread():
    ...     float((np.ones((2, 2)) @ np.ones((2, 2)))[0, 0])
    2.0
    """
    return _controller().limit(limits=1, user_api="blas")
