"""One BLAS thread while the engine trains: its matrices (60 x 100) are too small to share.

OpenBLAS splits every matrix product over all cores by default. For the course's tiny layers
the threads cost more than they save, and on a busy machine (CI, Binder, a laptop running a
browser) they wait for each other: a 1,000-step digits run measured 10 to 20 times slower with
two threads than with one. The thread count is normally fixed when numpy loads (the
OPENBLAS_NUM_THREADS variable), too late for a notebook, so `one_blas_thread` asks numpy's own
OpenBLAS through its C API, and restores the old count afterwards. Where that library cannot
be found (another BLAS, another platform) it does nothing.
"""

import contextlib
import ctypes
from pathlib import Path

import numpy as np

_NAMES = [(p, s) for p in ("scipy_openblas", "openblas") for s in ("64_", "_64_", "")]


def _find_openblas():
    """(get_num_threads, set_num_threads) of the OpenBLAS numpy loaded, or None."""
    root = Path(np.__file__).parent
    for folder in (root.parent / "numpy.libs", root / ".dylibs"):
        for path in sorted(folder.glob("*openblas*")) if folder.is_dir() else []:
            try:
                lib = ctypes.CDLL(str(path))
            except OSError:
                continue
            for prefix, suffix in _NAMES:
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    return get, put
    return None


_OPENBLAS = _find_openblas()


@contextlib.contextmanager
def one_blas_thread():
    """Run the body with OpenBLAS on one thread, then restore the previous thread count.

    >>> with one_blas_thread():
    ...     float((np.ones((2, 2)) @ np.ones((2, 2)))[0, 0])
    2.0
    """
    if _OPENBLAS is None:
        yield
        return
    get, put = _OPENBLAS
    before = get()
    put(1)
    try:
        yield
    finally:
        put(before)
