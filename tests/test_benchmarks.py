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


def test_compare_interleaves_the_trees_and_swaps_their_order_every_round(tmp_path):
    """Old and new alternate notebook by notebook (old first in even rounds, new first in odd
    ones); each run imports from its own tree; the table's change is new median / old median."""
    import statistics
    from types import SimpleNamespace

    from benchmarks import compare

    trees = {"old": tmp_path / "old", "new": tmp_path / "new"}
    calls = []

    def fake_run(path, cores, pythonpath):
        calls.append((path.parent.parent.name, path.name, cores, pythonpath.name))
        total = {"old": 2.0, "new": 1.5}[pythonpath.name] + len(calls) / 100
        return SimpleNamespace(error=None, total=total)

    names = ["01_a.ipynb", "02_b.ipynb"]
    times = compare.interleaved(trees, names, 2, (2,), run=fake_run, report=lambda line: None)
    assert [c[0] for c in calls] == ["old", "new", "old", "new", "new", "old", "new", "old"]
    assert all(tree == imports for tree, _, _, imports in calls)
    assert len(times["01_a.ipynb", "old", 2]) == 2
    rows = compare.table(times, names, (2,), "abc123", 2).rows
    medians = {
        label: sum(statistics.median(times[name, label, 2]) for name in names)
        for label in ("old", "new")
    }
    assert rows[-1][0] == "sum of medians (2)"
    assert rows[-1][-1] == f"{medians['new'] / medians['old'] - 1:+.1%}" == "-24.4%"


def test_compare_extracts_a_revision_and_finds_its_notebooks(tmp_path):
    from benchmarks import compare

    tree = compare.extract("HEAD", tmp_path)
    assert (tree / "bnlib" / "__init__.py").exists()
    assert compare.notebook_names(tree, ["01"]) == ["01_normalization.ipynb"]
    with pytest.raises(SystemExit, match="starts with"):
        compare.notebook_names(tree, ["99"])
    with pytest.raises(SystemExit, match="git archive"):
        compare.extract("no-such-revision", tmp_path / "elsewhere")


def test_the_reference_workload_takes_time_and_depends_on_numpy_alone():
    from benchmarks._report import reference_seconds

    assert 0 < reference_seconds(rounds=1, steps=10) < reference_seconds(rounds=1, steps=400)
