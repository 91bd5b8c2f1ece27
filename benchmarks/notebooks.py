"""Course run time: every notebook executed headless by nbclient, each in a fresh kernel, twice:
with the kernel free to use both cores, and pinned to one CPU (`taskset -c 0`: what a free
Binder gives a learner). The two runs of a notebook follow each other, in alternating order, so
that the machine's drift weighs on both alike.

Wall time counts kernel start-up plus every cell, as a learner's "Restart and Run All" does, and
is split into where it goes: starting the kernel (until it answers), imports (time inside the
cells' top-level import statements), figures (time inside matplotlib's
`FigureCanvasBase.print_figure`: the inline figures and every figure saved as a PNG, such as a
panel's frames) and the rest of the cells (computing). A probe, run silently in the kernel before
the first cell, times the imports and figures; it wraps `builtins.__import__` and patches
`print_figure` once matplotlib is imported.

Peak memory is the larger of the kernel process's resident-set high-water mark (Linux VmHWM,
read just before the kernel shuts down) and the largest total, polled every 20 ms, of the
proportional set sizes of the kernel and its worker processes (shared pages counted once).
CPU time counts the kernel and the workers it has reaped.

    python -m benchmarks.notebooks [notebooks/01_normalization.ipynb ...] [--cores 1 2]
"""

import argparse
import ast
import os
import pathlib
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

import nbformat
import psutil
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from ._report import Table, load, mark

ROOT = pathlib.Path(__file__).resolve().parent.parent
EACH_S, ALL_S, PEAK_MB = 15.0, 60.0, 500.0
CORES = (2, 1)

# Run silently in the fresh kernel before the first cell: accumulates the seconds spent in
# top-level imports and in figure rendering, in a module the notebook never sees by name.
PROBE = """
def _bench_probe():
    import builtins, sys, time, types

    probe = types.ModuleType("_bench_probe")
    probe.imports, probe.figures, probe.figure_count = 0.0, 0.0, 0
    probe.importing = probe.drawing = probe.patched = False
    sys.modules["_bench_probe"] = probe
    original_import = builtins.__import__

    def patch_figures():
        backend_bases = sys.modules.get("matplotlib.backend_bases")
        if backend_bases is None:
            return
        probe.patched = True
        canvas = backend_bases.FigureCanvasBase
        print_figure = canvas.print_figure

        def timed_print_figure(self, *args, **kwargs):
            if probe.drawing:
                return print_figure(self, *args, **kwargs)
            probe.drawing, start = True, time.perf_counter()
            try:
                return print_figure(self, *args, **kwargs)
            finally:
                probe.figures += time.perf_counter() - start
                probe.figure_count += 1
                probe.drawing = False

        canvas.print_figure = timed_print_figure

    def timed_import(*args, **kwargs):
        if probe.importing:
            return original_import(*args, **kwargs)
        probe.importing, start = True, time.perf_counter()
        try:
            return original_import(*args, **kwargs)
        finally:
            probe.imports += time.perf_counter() - start
            probe.importing = False
            if not probe.patched:
                patch_figures()

    builtins.__import__ = timed_import


_bench_probe()
del _bench_probe
"""
PROBE_READ = (
    "(lambda m: (m.imports, m.figures, m.figure_count))(__import__('sys').modules['_bench_probe'])"
)


class OneCpuKernelManager(AsyncKernelManager):
    """Starts the kernel as `taskset -c 0 <kernel command>`: it and every worker it forks may
    run on CPU 0 only (taskset execs the kernel, so the process id is the kernel's)."""

    def format_kernel_cmd(self, extra_arguments=None):
        return ["taskset", "-c", "0", *super().format_kernel_cmd(extra_arguments)]


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


@dataclass
class Run:
    """One execution of a notebook: seconds, bytes and the first error, if any."""

    start: float  # launching the kernel until it answers
    cells: float  # every cell, from the first request to the last reply
    cpu: float  # CPU of the kernel and its reaped workers during the cells
    imports: float  # inside the cells' top-level imports
    figures: float  # inside matplotlib's print_figure
    figure_count: int
    peak: int
    error: str | None

    @property
    def total(self):
        return self.start + self.cells

    @property
    def compute(self):
        """The cells' time outside imports and figure rendering."""
        return self.cells - self.imports - self.figures


def _silent(client, code, **expressions):
    """Run `code` in the kernel without output or history; the values of `expressions`."""
    msg_id = client.kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
    content = client.wait_for_reply(msg_id)["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"probe failed in the kernel: {content.get('evalue')}")
    values = content["user_expressions"]
    for name, value in values.items():
        if value["status"] != "ok":
            raise RuntimeError(f"probe {name} failed in the kernel: {value.get('evalue')}")
    return {name: ast.literal_eval(value["data"]["text/plain"]) for name, value in values.items()}


def run_notebook(path, cores=2, timeout=120, pythonpath=None):
    """Execute one notebook in a fresh kernel, on one CPU if `cores` is 1 (else unpinned); with
    `pythonpath`, the kernel imports bnlib and bncourse from that tree (`benchmarks.compare`)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": path.parent}},
        **({"kernel_manager_class": OneCpuKernelManager} if cores == 1 else {}),
    )
    # The kernel draws inline, as a learner's does: `make bench` runs with MPLBACKEND=Agg, which
    # a kernel would inherit (ipykernel keeps a backend already set), drawing no figure at all.
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    error = None
    start = time.perf_counter()
    # stderr: the kernel's own log lines
    with client.setup_kernel(env=env, stderr=subprocess.DEVNULL):
        started = time.perf_counter()
        _silent(client, PROBE)
        rss = PeakRss(client.km.provisioner.pid)
        cpu = rss.cpu_seconds()
        cells_start = time.perf_counter()
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
        imports, figures, figure_count = _silent(client, "", probe=PROBE_READ)["probe"]
    return Run(
        started - start,
        finished - cells_start,
        cpu,
        imports,
        figures,
        figure_count,
        peak,
        error,
    )


def table(paths=None, cores=CORES):
    paths = sorted(paths or (ROOT / "notebooks").glob("*.ipynb"))
    if 1 in cores and shutil.which("taskset") is None:
        raise SystemExit("taskset (util-linux) is needed to pin the kernel to one CPU")
    t = Table(
        f"1. Course run time (nbclient, fresh kernel each; load {load()} at start)",
        [
            "notebook",
            "cores",
            "start s",
            "imports s",
            "figures s (n)",
            "compute s",
            "total s",
            "budget s",
            "cells CPU s",
            "peak MB",
            "mark",
        ],
        [
            "cores: 2 = the kernel may use both cores; 1 = pinned to CPU 0 (taskset -c 0), as on"
            " a free Binder; a notebook's two runs follow each other, in alternating order",
            "total = start (kernel launch until it answers) + imports (the cells' top-level"
            " imports) + figures (matplotlib print_figure: inline figures and saved PNGs) +"
            " compute (the rest of the cells)",
            "cells CPU = CPU time of the kernel and its workers for the cells (what one core"
            " would need); peak = the kernel's VmHWM, or the largest total PSS of the kernel and"
            f" its workers seen every 20 ms, if larger; budget {PEAK_MB:.0f} MB",
        ],
    )
    totals = dict.fromkeys(cores, 0.0)
    for k, path in enumerate(paths):
        runs = {}
        for n in cores if k % 2 == 0 else cores[::-1]:
            runs[n] = run_notebook(path, cores=n)
        for n in cores:
            run = runs[n]
            totals[n] += run.total
            ok = run.error is None and run.total <= EACH_S and run.peak / 2**20 <= PEAK_MB
            t.add(
                path.name,
                n,
                f"{run.start:.2f}",
                f"{run.imports:.2f}",
                f"{run.figures:.2f} ({run.figure_count})",
                f"{run.compute:.2f}",
                f"{run.total:.2f}",
                f"{EACH_S:.0f}",
                f"{run.cpu:.2f}",
                f"{run.peak / 2**20:.0f}",
                "ERROR" if run.error else mark(ok),
            )
            if run.error:
                t.notes.append(f"{path.name} on {n} core(s): {run.error}")
    if not paths:
        t.notes.append("no notebooks found in notebooks/")
    for n in cores:
        budget = ALL_S if n == 2 else None
        t.add(
            f"all {len(paths)} notebooks",
            n,
            *[""] * 4,
            f"{totals[n]:.2f}",
            f"{budget:.0f}" if budget else "-",
            "",
            "",
            mark(totals[n] <= budget) if budget else "",
        )
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--cores", nargs="+", type=int, choices=CORES, default=CORES)
    args = parser.parse_args(argv)
    print(table(args.notebooks, tuple(args.cores)).render())


if __name__ == "__main__":
    main()
