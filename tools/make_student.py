"""Write the student edition of the notebooks: the same notebooks with every solution cell removed.

    python tools/make_student.py [--out build/student]

For instructors who hand out the exercises without the answers next to them. A solution cell is
a code cell whose source starts with "# Solution" (`is_solution`, the one rule: the web edition
collapses the same cells, JupyterLab opens with them hidden). Everything else is kept as it is,
the exercise cells with their unanswered `...` and the checker's NOT YET as stored output. The
copies go to `--out` (under build/, git-ignored); links between notebooks still work there.
`tests/test_make_student.py` runs each copy and checks that every checker says NOT YET.
"""

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = "# Solution"


def is_solution(cell):
    """True for a solution cell: a code cell whose first line starts with "# Solution"."""
    return cell.get("cell_type") == "code" and "".join(cell.get("source", "")).startswith(SOLUTION)


def student_copy(nb):
    """A copy of the notebook `nb` (an nbformat node) without its solution cells."""
    copy = nbformat.from_dict(nb)
    copy.cells = [cell for cell in nb.cells if not is_solution(cell)]
    return copy


def write(source=ROOT / "notebooks", out=ROOT / "build" / "student"):
    """Write the student copy of every notebook in `source` to `out`; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for path in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        target = out / path.name
        nbformat.write(student_copy(nbformat.read(path, as_version=4)), target)
        paths.append(target)
    if not paths:
        raise SystemExit(f"no notebooks in {source}")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    args = parser.parse_args(argv)
    for path in write(out=args.out):
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


if __name__ == "__main__":
    sys.exit(main())
