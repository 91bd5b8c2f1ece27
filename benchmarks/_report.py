"""Shared helpers: aligned plain-text tables, PASS/MISS marks, timing, the machine's description."""

import os
import platform
import statistics
import sys
import time

import numpy as np


class Table:
    """A plain-text table: first column left-aligned, the rest right-aligned."""

    def __init__(self, title, columns, notes=()):
        self.title, self.columns, self.notes, self.rows = title, list(columns), list(notes), []

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])

    def render(self):
        rows = [self.columns, *self.rows]
        widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(len(self.columns))]
        lines = [f"== {self.title}"]
        for row in rows:
            cells = [
                c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)
            ]
            lines.append("  ".join(cells).rstrip())
        lines += [f"   {note}" for note in self.notes]
        return "\n".join(lines)

    def misses(self):
        return sum(row.count("MISS") + row.count("ERROR") for row in self.rows)


def mark(ok):
    return "PASS" if ok else "MISS"


def best_time(fn, repeat=7, min_time=0.02):
    """Best per-call seconds of `fn()` over `repeat` rounds, each looping at least `min_time` s.

    The minimum, as timeit recommends: on a shared machine noise only ever adds time.
    """
    fn()
    number, elapsed = 1, 0.0
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        number *= 2 if elapsed * 4 > min_time else 10
    times = [elapsed / number]
    for _ in range(repeat - 1):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def reference_seconds(rounds=5, steps=1000):
    """Seconds the machine takes for a fixed numpy workload (best of `rounds`): `steps` passes of
    a training step's kind of arithmetic at the course's shapes ((60, 100) batches, 100 x 100
    weights), one BLAS thread. It imports nothing of bnlib, so it does not change with the
    course's code: printed beside a run's numbers, it says how fast the machine was that hour
    (this machine's speed drifts by 20-40%)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    x, w, v = rng.standard_normal((60, 100)), rng.standard_normal((100, 100)) / 10, rng.random(100)
    best = float("inf")
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(rounds):
            start = time.perf_counter()
            h = x
            for _ in range(steps):
                z = h @ w
                zc = z - np.add.reduce(z, axis=0) / 60
                s = np.tanh(zc * (1.0 / np.sqrt(np.einsum("nf,nf->f", zc, zc) / 60 + 1e-5)) * v)
                h = x + 0.1 * (s.T @ zc)[:60] / 100
            best = min(best, time.perf_counter() - start)
    return best


def median(values):
    return statistics.median(values) if values else float("nan")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load():
    """The 1-minute load average as text ('n/a' where the OS has none)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "n/a"


def machine():
    """One line describing the machine and the software versions."""
    try:
        import psutil

        ram = f", {psutil.virtual_memory().total / 2**30:.0f} GB RAM"
    except ImportError:
        ram = ""
    import matplotlib

    return (
        f"{cpu_model()}, {os.cpu_count()} cores{ram}; {platform.system()} "
        f"{platform.release()}; Python {sys.version.split()[0]}, numpy {np.__version__}, "
        f"matplotlib {matplotlib.__version__}"
    )
