"""Each notebook states an honest time: the "**Time:**" line of its first cell lies within the
range tools/reading_time.py estimates from the notebook's own prose, code, outputs and
exercises (its docstring gives the rates and why)."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import reading_time  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_the_stated_time_lies_within_the_estimate(notebook):
    nb = json.loads(notebook.read_text())
    fast, careful = reading_time.count(nb).minutes()
    low, high = reading_time.stated_minutes(nb)
    assert fast <= (low + high) / 2 <= careful, (
        f"{notebook.stem} states {low}-{high} minutes; its content takes {fast:.0f}-{careful:.0f} "
        "(python tools/reading_time.py --write updates the line)"
    )
    assert high - low <= careful - fast + 5, f"{notebook.stem}: the stated range is wider"


def markdown(text):
    return {"cell_type": "markdown", "metadata": {}, "source": [text]}


def code(source, outputs=(), hidden=False):
    metadata = {"jupyter": {"source_hidden": True}} if hidden else {}
    return {"cell_type": "code", "metadata": metadata, "outputs": list(outputs), "source": [source]}


SMALL = {
    "cells": [
        markdown("# 99 · Title\n\n**Time:** about 10-20 minutes.\n"),
        markdown("Four words and $x^2$ here."),  # "$x^2$" is 5 characters: one word
        code(
            "# Step 1\nx = 1\n\nprint(x)\n",
            [
                {"output_type": "stream", "name": "stdout", "text": ["1\n2\n"]},
                {"output_type": "display_data", "data": {"image/png": "", "text/plain": ["a"]}},
                {"output_type": "display_data", "data": {reading_time.WIDGET: {}}},
            ],
        ),
        code("# Exercise 1: do it\nanswer = ...\n"),
        code("# Exercise 1: your answer\ncheck(answer)\n"),
        code("# Solution 1\nanswer = 2\n", hidden=True),
        code("# Self-test kata 4 (two numbers)\nask()\n"),
        code("# Self-test kata 4, second part\nask()\n"),
        code("# Self-test: the batch of one\nask()\n"),
    ]
}


def test_count_reads_prose_code_outputs_and_tasks():
    counts = reading_time.count(SMALL)
    # "99", "Title", "Time", "about", "10-20", "minutes."; then four words and one for the math
    assert counts == reading_time.Counts(
        words=6 + 4 + 1,
        code_lines=3 + 2 + 2 + 6,
        output_lines=2,
        figures=1,
        sliders=1,
        exercises=1,
        self_tests=2,
    )


def test_minutes_apply_the_stated_rates():
    counts = reading_time.Counts(360, 12, 30, 2, 1, 1, 1)
    fast, careful = counts.minutes()
    assert fast == pytest.approx(2 + 1 + 1 + 1 + 1 + 4 + 1)
    assert careful == pytest.approx(3 + 2 + 2 + 2 + 3 + 8 + 3)


def test_stated_minutes_reads_a_number_or_a_range():
    assert reading_time.stated_minutes(SMALL) == (10, 20)
    single = {"cells": [markdown("**Time:** about 45 minutes.")]}
    assert reading_time.stated_minutes(single) == (45, 45)
    with pytest.raises(ValueError, match="Time"):
        reading_time.stated_minutes({"cells": [markdown("# Title")]})


def test_write_changes_only_the_time_line(tmp_path):
    path = tmp_path / "nb.ipynb"
    text = json.dumps(SMALL, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text)
    reading_time.write_stated(path, 25, 40)
    assert reading_time.stated_minutes(json.loads(path.read_text())) == (25, 40)
    assert path.read_text() == text.replace("about 10-20 minutes", "about 25-40 minutes")
