"""The benchmarks import and run (a --quick smoke run: tiny sweeps, no notebooks, no timing), and
the course run-time benchmark measures what it says: the kernel pinned to one CPU when asked,
drawing inline whatever MPLBACKEND the benchmark runs with, imports and figures timed."""

import os

import nbformat
import pytest

from benchmarks import notebooks, run

pytestmark = pytest.mark.slow


def test_quick_run_prints_every_table(capsys):
    assert run.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for title in ("2. Slider redraw in process", "3. Kernel speed", "4. Engine speed"):
        assert title in out


def small_notebook(path, cpus):
    """A notebook whose cells fail unless the kernel may use exactly `cpus` and draws inline."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import os\n\nimport matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell(
            f"assert os.sched_getaffinity(0) == {cpus!r}, os.sched_getaffinity(0)"
        ),
        nbformat.v4.new_code_cell("assert 'inline' in plt.get_backend(), plt.get_backend()"),
        nbformat.v4.new_code_cell("plt.plot([1, 2, 3])\nplt.show()"),
    ]
    nbformat.write(nb, path)
    return path


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")
@pytest.mark.parametrize("cores", notebooks.CORES)
def test_notebook_run_pins_draws_inline_and_times_imports_and_figures(cores, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # as `make bench` runs; the kernel must not inherit it
    cpus = {0} if cores == 1 else os.sched_getaffinity(0)
    result = notebooks.run_notebook(small_notebook(tmp_path / "small.ipynb", cpus), cores=cores)
    assert result.error is None, result.error
    assert result.figure_count == 1  # the one inline figure, rendered once
    assert 0 < result.figures < result.cells
    assert 0 < result.imports < result.cells  # matplotlib.pyplot, imported by the first cell
    assert result.compute > 0
    assert result.start > 0 and result.peak > 0
