"""The course reads as one path: each notebook's first and last cells link to its neighbours,
and every relative link in a notebook's markdown points at a file that exists."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)(?:#[^)]*)?\)")


def cell_text(cell):
    return "".join(cell["source"])


def test_the_course_has_its_numbered_notebooks_with_the_review_last():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{k:02d}" for k in range(1, 12)]
    assert NOTEBOOKS[-1].name == "11_review.ipynb"


@pytest.mark.parametrize("k", range(len(NOTEBOOKS)), ids=[p.stem for p in NOTEBOOKS])
def test_first_and_last_cells_link_to_the_neighbours(k):
    cells = json.loads(NOTEBOOKS[k].read_text())["cells"]
    first, last = cell_text(cells[0]), cell_text(cells[-1])
    neighbours = [NOTEBOOKS[j].name for j in (k - 1, k + 1) if 0 <= j < len(NOTEBOOKS)]
    for name in neighbours:
        assert f"]({name})" in first, f"first cell of {NOTEBOOKS[k].name} lacks a link to {name}"
    if k + 1 < len(NOTEBOOKS):
        assert f"]({NOTEBOOKS[k + 1].name})" in last, "last cell lacks the next notebook"
    else:
        assert f"]({NOTEBOOKS[k - 1].name})" in last


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_link_resolves(path):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            for target in LINK.findall(cell_text(cell)):
                assert (path.parent / target).exists(), f"{path.name} links to missing {target}"
