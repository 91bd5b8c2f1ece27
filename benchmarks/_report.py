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
