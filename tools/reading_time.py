"""How long each notebook takes a learner, estimated from its own content, and the time its
first cell states.

    python tools/reading_time.py [--write] [NOTEBOOK.ipynb ...]

prints one row per notebook (the counts, the estimated range, the stated time) and the course
total; --write sets each first cell's time line to the estimate, each end rounded to 5 minutes
(only that line of the file changes: no re-execution needed). tests/test_reading_time.py
checks that each stated time lies within the estimate.

The estimate is a range, from a fast learner (first number of each rate) to a careful one:

- prose: 180 to 120 words a minute. Adults read ordinary non-fiction silently at about 240
  words a minute (Brysbaert 2019, "How many words do we read per minute?", a meta-analysis of
  190 studies: 238 wpm); reading to learn, with definitions to hold and numbers to compare with
  the outputs, is markedly slower, and notebook prose is that kind of text. LaTeX counts too: one
  word for every 5 characters of its source (about an English word and its space; the markup
  that LaTeX adds is balanced by the time a formula takes to parse).
- code: 5 to 10 seconds a non-blank line, to read a cell, run it and see what it did (a
  10-line cell takes one to two minutes). Solution cells (hidden until revealed) are left out:
  the exercise time covers them.
- outputs: 2 to 4 seconds a printed line (a line of numbers is read against the prose), 30 to 60
  seconds a figure (axes, legend, what the prose says to look for), 1 to 3 minutes a slider
  panel (its "things to try").
- exercises: 4 to 8 minutes each (read the task, write a few lines, run the checker, maybe read
  the solution); a review self-test, which asks for one letter or one number, 1 to 3 minutes.

The stated time is the "**Time:**" line of the first markdown cell: "about 45 minutes" or
"about 45-60 minutes".
"""

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

WORDS_PER_MINUTE = (180, 120)
LATEX_CHARS_PER_WORD = 5
CODE_SECONDS_PER_LINE = (5, 10)
OUTPUT_SECONDS_PER_LINE = (2, 4)
FIGURE_SECONDS = (30, 60)
SLIDER_MINUTES = (1, 3)
EXERCISE_MINUTES = (4, 8)
SELF_TEST_MINUTES = (1, 3)

WIDGET = "application/vnd.jupyter.widget-view+json"
MATH = re.compile(r"\$\$?[^$]+\$\$?")
STATED = re.compile(r"\*\*Time:\*\*\s*about\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*minutes")
# An exercise's cells share "# Exercise N"; a self-test is one question ("kata 4" has two cells).
TASK = re.compile(r"#\s*(Exercise\s+\d+|Self-test(?::[^,(\n]*|[^:,(\n]*))")


@dataclass(frozen=True)
class Counts:
    """What a learner reads, runs, studies and solves in one notebook."""

    words: int
    code_lines: int
    output_lines: int
    figures: int
    sliders: int
    exercises: int
    self_tests: int

    def minutes(self):
        """(fast, careful) estimate in minutes, by the module docstring's rates."""
        return tuple(
            self.words / WORDS_PER_MINUTE[k]
            + self.code_lines * CODE_SECONDS_PER_LINE[k] / 60
            + self.output_lines * OUTPUT_SECONDS_PER_LINE[k] / 60
            + self.figures * FIGURE_SECONDS[k] / 60
            + self.sliders * SLIDER_MINUTES[k]
            + self.exercises * EXERCISE_MINUTES[k]
            + self.self_tests * SELF_TEST_MINUTES[k]
            for k in (0, 1)
        )


def _is_solution(cell):
    first = "".join(cell["source"]).lstrip().split("\n", 1)[0]
    hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
    return hidden or first.startswith("# Solution")


def count(nb):
    """Counts of a notebook (parsed JSON)."""
    words = code_lines = output_lines = figures = sliders = 0
    tasks = set()
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            math = sum(len(span) for span in MATH.findall(source))
            text = re.sub(r"\]\([^)]*\)", "]", MATH.sub(" ", source))  # no link addresses
            words += len(re.findall(r"[A-Za-z0-9][\w'.-]*", text)) + math // LATEX_CHARS_PER_WORD
            continue
        if cell["cell_type"] != "code" or _is_solution(cell):
            continue
        code_lines += sum(1 for line in source.splitlines() if line.strip())
        task = TASK.match(source.lstrip())
        if task:
            tasks.add(" ".join(task.group(1).split()))
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text" in output:
                output_lines += len("".join(output["text"]).strip().splitlines())
            elif "image/png" in data:
                figures += 1  # its text/plain is the figure's description, read with it
            elif WIDGET in data:
                sliders += 1
            elif "text/plain" in data:
                output_lines += len("".join(data["text/plain"]).strip().splitlines())
    exercises = sum(1 for task in tasks if task.startswith("Exercise"))
    return Counts(
        words, code_lines, output_lines, figures, sliders, exercises, len(tasks) - exercises
    )


def stated_minutes(nb):
    """(low, high) minutes stated in the first cell ("about 45" gives (45, 45)); ValueError if
    the first cell states no time."""
    first = "".join(nb["cells"][0]["source"])
    match = STATED.search(first)
    if not match:
        raise ValueError("the first cell has no '**Time:** about N minutes' line")
    low = int(match.group(1))
    return low, int(match.group(2) or low)


def rounded(minutes):
    """(fast, careful) minutes rounded to the nearest 5, as the first cell states them."""
    return tuple(5 * round(value / 5) for value in minutes)


def write_stated(path, low, high):
    """Replace the first cell's "**Time:** about ..." with "about low-high minutes", editing
    that one line of the file's text (the rest stays byte for byte)."""
    path = Path(path)
    text = path.read_text()
    first = json.loads(text)["cells"][0]["source"]
    (line,) = [line for line in first if STATED.search(line)]
    new = STATED.sub(f"**Time:** about {low}-{high} minutes", line)
    old_json, new_json = (json.dumps(s, ensure_ascii=False) for s in (line, new))
    if text.count(old_json) != 1:
        raise ValueError(f"{path.name}: the time line is not unique in the file: {old_json}")
    path.write_text(text.replace(old_json, new_json))


def table(paths):
    """Rows of (name, Counts, (fast, careful), stated) and the course totals."""
    rows = []
    for path in paths:
        nb = json.loads(Path(path).read_text())
        counts = count(nb)
        rows.append((Path(path).stem, counts, counts.minutes(), stated_minutes(nb)))
    return rows


def main(argv):
    root = Path(__file__).resolve().parents[1]
    write = "--write" in argv
    paths = [arg for arg in argv if arg != "--write"] or sorted(
        (root / "notebooks").glob("*.ipynb")
    )
    if write:
        for path in paths:
            write_stated(path, *rounded(count(json.loads(Path(path).read_text())).minutes()))
    rows = table(paths)
    header = "notebook                     words code out fig sld ex st  estimate  stated"
    print(header)
    for name, c, (fast, careful), (low, high) in rows:
        stated = f"{low}" if low == high else f"{low}-{high}"
        print(
            f"{name:28s} {c.words:5d} {c.code_lines:4d} {c.output_lines:3d} {c.figures:3d} "
            f"{c.sliders:3d} {c.exercises:2d} {c.self_tests:2d} "
            f"{fast:4.0f}-{careful:<4.0f} {stated:>6s}"
        )
    fast = sum(row[2][0] for row in rows)
    careful = sum(row[2][1] for row in rows)
    stated_low = sum(row[3][0] for row in rows)
    stated_high = sum(row[3][1] for row in rows)
    print(
        f"{'course total':28s} {'':34s}{fast:4.0f}-{careful:<4.0f} {stated_low}-{stated_high}"
        f" minutes ({stated_low / 60:.1f}-{stated_high / 60:.1f} hours stated)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
