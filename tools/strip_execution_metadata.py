"""Remove the per-run execution metadata from notebooks, and nothing else.

    python tools/strip_execution_metadata.py NOTEBOOK.ipynb [...]

Executing a notebook (nbclient, nbconvert --execute, JupyterLab extensions) stamps each code
cell's metadata with timestamps that change on every run: `execution` (iopub/shell times) and
`ExecuteTime`. They make every re-run a diff. Outputs and execution counts stay: strict nbval
compares the outputs, and the counts show the notebook was run top to bottom. A file is only
rewritten when something was removed, in nbformat's own layout. Exits 1 if it changed a file,
as pre-commit hooks do.
"""

import json
import sys
from pathlib import Path

PER_RUN_KEYS = ("execution", "ExecuteTime")


def strip(nb):
    """Remove PER_RUN_KEYS from every cell's metadata; return how many were removed."""
    removed = 0
    for cell in nb.get("cells", []):
        metadata = cell.get("metadata", {})
        for key in PER_RUN_KEYS:
            if key in metadata:
                del metadata[key]
                removed += 1
    return removed


def main(paths):
    changed = []
    for path in map(Path, paths):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if strip(nb):
            # nbformat's layout: one-space indent, sorted keys, UTF-8 kept, final newline.
            text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            path.write_text(text, encoding="utf-8")
            changed.append(path)
            print(f"stripped execution metadata: {path}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
