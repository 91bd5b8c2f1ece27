"""Two packages, and the direction of every import between and inside them.

- `bnlib`, the library, never imports the course package `bncourse`, nor ipywidgets or
  matplotlib: it is the math, the layers, training, probes and data.
- `bncourse` holds one folder per notebook, named by topic. Inside a folder the layers are
  studies (and any helper module) -> views -> plots -> panel; `checks` sits beside plots and
  may import studies and views, never plots or panels. A folder imports bnlib, the shared
  modules (`answers`, `feedback`, `style`, `slider_panel`, `batch_statistics`, `runs`,
  `redraw`) and itself, never another folder.
- The shared modules import no folder; `exercises` (every checker) and `panels` (every panel)
  gather the folders' checks and panels and nothing else of them.
- ipywidgets only in panels (`*/panel.py`, `slider_panel`, `panels`).
"""

import ast
import re
from pathlib import Path

import bncourse
import bnlib

LIBRARY = Path(bnlib.__file__).parent
COURSE = Path(bncourse.__file__).parent
SHARED = {"answers", "feedback", "style", "slider_panel", "batch_statistics", "runs", "redraw"}
GATHERERS = {"exercises": "checks", "panels": "panel"}
RANK = {"views": 1, "plots": 2, "checks": 2, "panel": 3}  # any other module: a study, rank 0


def imports(path, package):
    """Absolute names of the modules `path` imports (a module inside `package`, dotted)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            yield module
            for alias in node.names:  # `from bncourse.x import plots` imports a module
                yield f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def modules(root):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        package = ".".join(parts[:-1]) if parts[-1] != "__init__" else ".".join(parts[:-1])
        yield parts, path, set(imports(path, package))


def test_the_library_never_imports_the_course_or_a_plotting_or_widget_package():
    bad = [
        f"{'/'.join(parts)} imports {name}"
        for parts, _, names in modules(LIBRARY)
        for name in names
        if name.split(".")[0] in ("bncourse", "ipywidgets", "matplotlib")
    ]
    assert not bad, bad


def course_module(name):
    """(folder or None, module) of a bncourse module name, or None when not bncourse's."""
    parts = name.split(".")
    if parts[0] != "bncourse" or len(parts) < 2:
        return None
    if (COURSE / parts[1]).is_dir() and len(parts) >= 3:
        return parts[1], parts[2]
    if (COURSE / f"{parts[1]}.py").exists():
        return None, parts[1]
    return None


def test_every_course_import_runs_downwards():
    bad = []
    for parts, _, names in modules(COURSE):
        here = "/".join(parts[1:])
        if len(parts) == 3 and parts[2] != "__init__":  # a module inside a notebook folder
            folder, module = parts[1], parts[2]
            for name in names:
                target = course_module(name)
                if target is None:
                    continue
                if target[0] is None:
                    if target[1] not in SHARED:
                        bad.append(f"{here} imports {name}: a folder imports only shared modules")
                elif target[0] != folder:
                    bad.append(f"{here} imports {name}: another notebook's folder")
                elif RANK.get(target[1], 0) > RANK.get(module, 0) or (
                    module == "checks" and target[1] in ("plots", "panel")
                ):
                    bad.append(f"{here} imports {name}: against studies->views->plots->panel")
        elif len(parts) == 2:  # a shared module or a gatherer
            module = parts[1]
            for name in names:
                target = course_module(name)
                if target is None or target[0] is None:
                    continue
                if module not in GATHERERS or target[1] != GATHERERS[module]:
                    bad.append(f"{here} imports {name}")
    assert not bad, bad


def test_ipywidgets_only_in_panels():
    bad = []
    for parts, _, names in modules(COURSE):
        if any(n.split(".")[0] == "ipywidgets" for n in names):
            if parts[-1] not in ("panel", "slider_panel", "panels"):
                bad.append("/".join(parts))
    assert not bad, bad


def test_every_notebook_has_its_folder_and_imports_only_it():
    """A notebook imports bnlib and its own folder (found by the folder its import names); the
    review asks questions of every notebook, so it imports every checker (`exercises`)."""
    import json

    notebooks = sorted((LIBRARY.parent / "notebooks").glob("*.ipynb"))
    folders = set()
    for notebook in notebooks:
        cells = json.loads(notebook.read_text())["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        used = set()
        # An import statement at the start of a line, with its parenthesized names if it wraps.
        for statement in re.finditer(r"^(?:import|from) [^\n(]*(?:\([^)]*\))?", source, re.M):
            for node in ast.walk(ast.parse(statement.group(0))):
                if isinstance(node, ast.ImportFrom) and node.module.startswith("bncourse"):
                    used.add(node.module.split(".")[1] if "." in node.module else "")
                elif isinstance(node, ast.Import):
                    used |= {a.name.split(".")[1] for a in node.names if "bncourse." in a.name}
        if notebook.stem.endswith("review"):
            used = {"review"} if used == {""} else used
        assert len(used) == 1 and (COURSE / next(iter(used))).is_dir(), (notebook.name, used)
        folders |= used
    assert len(folders) == len(notebooks)
