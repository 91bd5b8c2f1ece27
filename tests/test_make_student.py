"""Solutions stay hidden until asked: in JupyterLab (cell metadata), on the web pages (a collapsed
"Show solution"), and in the student edition (`make student`: no solution cells at all), whose
notebooks run with every exercise unanswered, every checker saying NOT YET."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402
import make_student  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# A checker call: `checks.check_x(` in a notebook, `exercises.check_x(` in the review.
CHECKER_CALL = re.compile(r"^\s*(?:checks|exercises)\.check_\w+\(", re.MULTILINE)
NBVAL_SKIPS = ("nbval-skip", "nbval-ignore-output", "raises-exception")


def _read(path):
    return nbformat.read(path, as_version=4)


def _text(cell):
    """What a code cell printed or returned, as one string."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_solution_is_hidden_in_jupyterlab_and_still_checked_by_nbval(path):
    """Each solution cell hides its code and its output; nbval skips a cell only by a tag or a
    comment (not by `jupyter` metadata), so its PASS is still compared."""
    solutions = [cell for cell in _read(path).cells if make_student.is_solution(cell)]
    assert solutions, f"{path.name}: no solution cells"
    for cell in solutions:
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), cell.source[:40]
        assert not set(cell.metadata.get("tags", [])) & set(NBVAL_SKIPS), cell.source[:40]
        assert "NBVAL_SKIP" not in cell.source and "NBVAL_IGNORE" not in cell.source
        if CHECKER_CALL.search(cell.source):
            assert _text(cell).startswith("PASS"), f"{path.name}: {cell.source[:40]}"
    others = [cell for cell in _read(path).cells if not make_student.is_solution(cell)]
    assert not any(cell.metadata.get("jupyter", {}).get("outputs_hidden") for cell in others)


def test_the_student_edition_has_no_solution_and_keeps_every_exercise(tmp_path):
    paths = make_student.write(out=tmp_path)
    assert [p.name for p in paths] == [p.name for p in NOTEBOOKS]
    for full, student in zip(NOTEBOOKS, paths, strict=True):
        kept = [cell for cell in _read(full).cells if not make_student.is_solution(cell)]
        cells = _read(student).cells
        assert [c.source for c in cells] == [c.source for c in kept], student.name
        assert not any(make_student.is_solution(cell) for cell in cells)
        assert len(cells) < len(_read(full).cells), student.name


def _small_notebook():
    """An exercise, its hidden solution (with a nested-div output) and a cell after them."""
    v4 = nbformat.v4
    solution = v4.new_code_cell("# Solution 1\nprint('PASS: right')", id="sol1")
    solution.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
    solution.outputs = [v4.new_output("stream", name="stdout", text="PASS: right\n")]
    exercise = v4.new_code_cell("# Exercise 1\nprint('NOT YET: ...')", id="ex1")
    exercise.outputs = [v4.new_output("stream", name="stdout", text="NOT YET: fill in\n")]
    after = v4.new_markdown_cell("**Exercise 2.** Next.", id="md2")
    return v4.new_notebook(
        cells=[v4.new_markdown_cell("# Title", id="md1"), exercise, solution, after]
    )


def test_the_web_edition_collapses_each_solution():
    """A solution cell, code and output, sits inside a closed "Show solution" <details>; the
    exercise before it and the cell after it do not."""
    nb = _small_notebook()
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    page = build_site.collapse_solutions(body, nb)
    blocks = re.findall(r'<details class="bn-solution">(.*?)</details>', page, re.DOTALL)
    assert len(blocks) == 1
    block = blocks[0]
    assert block.startswith("<summary>Show solution</summary>")
    assert 'id="cell-id=sol1"' in block and "PASS: right" in block
    assert block.count("<div") == block.count("</div>")
    assert "NOT YET" not in block and "Exercise 2" not in block and "cell-id=ex1" not in block
    assert "<details open" not in page


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_student_notebook_runs_with_every_checker_saying_not_yet(path, tmp_path):
    """The student copy runs top to bottom with the exercises unanswered: no cell raises, and
    every checker call answers NOT YET (a placeholder never passes)."""
    (student,) = [p for p in make_student.write(out=tmp_path) if p.name == path.name]
    nb = _read(student)
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(tmp_path)}}).execute()
    checked = [
        cell for cell in nb.cells if cell.cell_type == "code" and CHECKER_CALL.search(cell.source)
    ]
    assert checked, f"{path.name}: no exercise cells"
    for cell in checked:
        verdict = _text(cell).strip().splitlines()[-1]
        assert verdict.startswith("NOT YET"), f"{path.name}: {cell.source[:60]!r} -> {verdict}"
