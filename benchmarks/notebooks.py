"""Course run time: every notebook executed headless by nbclient, each in a fresh kernel.

Wall time counts kernel start-up plus every cell, as a learner's "Restart and Run All" does.
Peak memory is the larger of the kernel process's resident-set high-water mark (Linux VmHWM,
read just before the kernel shuts down) and the largest total, polled every 20 ms, of the
proportional set sizes of the kernel and its worker processes (shared pages counted once).
CPU time counts the kernel and the workers it has reaped.
"""

import argparse
import pathlib
import subprocess
import threading
import time

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from ._report import Table, load, mark

ROOT = pathlib.Path(__file__).resolve().parent.parent
EACH_S, ALL_S, PEAK_MB = 15.0, 60.0, 500.0


def _memory(process):
    """A process's proportional set size (shared pages split among the processes sharing them),
    so forked workers are not counted twice for the pages they share with the kernel; its
    resident set size where PSS is not available."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


class PeakRss:
    """Poll the memory of a process and of its children in a thread; keep the largest total."""

    def __init__(self, pid, interval=0.02):
        self.process, self.interval, self.peak = psutil.Process(pid), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self):
        total = _memory(self.process)
        for child in self.process.children(recursive=True):
            try:
                total += _memory(child)
            except psutil.NoSuchProcess:  # a worker that finished between the two calls
                pass
        self.peak = max(self.peak, total)

    def _run(self):
        while not self._stop.is_set():
            try:
                self._sample()
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def cpu_seconds(self):
        """User + system CPU time the kernel has used so far: its own threads and the worker
        processes it started and has reaped (`bnlib.parallel.run_each` forks workers)."""
        times = self.process.cpu_times()
        return times.user + times.system + times.children_user + times.children_system

    def stop(self):
        """Stop polling; return the peak in bytes, the kernel's VmHWM where Linux has it."""
        self._stop.set()
        self._thread.join()
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return max(self.peak, int(line.split()[1]) * 1024)
        except OSError:
            pass
        return self.peak


def run_notebook(path, timeout=120):
    """Execute one notebook in a fresh kernel.

    Returns (start s, cells s, kernel CPU s during the cells, peak bytes, error or None).
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    )
    error = None
    start = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):  # the kernel's own log lines
        started = time.perf_counter()
        rss = PeakRss(client.km.provisioner.pid)
        cpu = rss.cpu_seconds()
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as err:
            error = f"cell {index}: {err.ename}: {err.evalue}"[:100]
        except CellTimeoutError:
            error = f"cell {index}: no result within {timeout} s"
        finished = time.perf_counter()
        cpu = rss.cpu_seconds() - cpu
        peak = rss.stop()
    return started - start, finished - started, cpu, peak, error


def table(paths=None):
    paths = sorted(paths or (ROOT / "notebooks").glob("*.ipynb"))
    t = Table(
        f"1. Course run time (nbclient, fresh kernel each; load {load()} at start)",
        [
            "notebook",
            "start s",
            "cells s",
            "total s",
            "budget s",
            "cells CPU s",
            "peak MB",
            "budget MB",
            "mark",
        ],
        [
            "total = kernel start + all cells (the budget's wall time); cells CPU = CPU time of"
            " the kernel and its workers for the cells (what one core would need)",
            "peak = the kernel's resident memory high-water mark (VmHWM), or the largest total"
            " of the kernel's and its workers' PSS seen every 20 ms, if larger",
        ],
    )
    grand = 0.0
    for path in paths:
        started, cells, cpu, peak, error = run_notebook(path)
        total = started + cells
        grand += total
        ok = error is None and total < EACH_S and peak / 2**20 < PEAK_MB
        t.add(
            path.name,
            f"{started:.2f}",
            f"{cells:.2f}",
            f"{total:.2f}",
            f"{EACH_S:.0f}",
            f"{cpu:.2f}",
            f"{peak / 2**20:.0f}",
            f"{PEAK_MB:.0f}",
            "ERROR" if error else mark(ok),
        )
        if error:
            t.notes.append(f"{path.name}: {error}")
    if not paths:
        t.notes.append("no notebooks found in notebooks/")
    t.add(f"all {len(paths)} notebooks", "", "", f"{grand:.2f}", f"{ALL_S:.0f}", "", "", "", "")
    t.rows[-1][-1] = mark(grand < ALL_S)
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    args = parser.parse_args(argv)
    print(table(args.notebooks).render())


if __name__ == "__main__":
    main()
