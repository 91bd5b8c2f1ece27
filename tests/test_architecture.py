"""bnlib's folders are layers: a module imports only from its own layer or the ones below.

_checks/_numerics/_blas/_parallel/data -> norms -> engine -> probes -> experiments -> views ->
plots -> widgets; `exercises` sits above `views` but beside `plots`/`widgets`: it never imports
widgets (nor ipywidgets), and neither does `views`. The package `__init__` re-exports the public
names and is the only module allowed to import from every layer.
"""

import ast
from pathlib import Path

import bnlib

PACKAGE = Path(bnlib.__file__).parent
LAYERS = ["_checks", "_numerics", "_blas", "_parallel", "data"], ["norms"], ["engine"], ["probes"]
LAYERS += ["experiments"], ["views"], ["plots"], ["widgets"]
LAYERS += (["exercises"],)
# exercises rank above widgets only to keep the list linear; these imports stay forbidden:
FORBIDDEN = {"exercises": {"widgets", "plots"}, "views": {"widgets", "plots"}}
NO_IPYWIDGETS = ("_checks", "_numerics", "_blas", "_parallel", "data", "norms", "engine", "probes")
NO_IPYWIDGETS += ("experiments", "views", "plots", "exercises")
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def layer_of(parts):
    """The layer of a module given its path inside bnlib, e.g. ("engine", "layers")."""
    return RANK[parts[0]]


def imported_parts(tree, module_parts):
    """bnlib-internal modules that this module imports, as path tuples inside bnlib."""
    package = module_parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = (*base, *(node.module.split(".") if node.module else ()))
                if target:
                    yield target
                else:  # `from .. import plots`
                    yield from ((alias.name,) for alias in node.names)
            elif node.module and node.module.split(".")[0] == "bnlib":
                yield tuple(node.module.split(".")[1:]) or ("",)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bnlib."):
                    yield tuple(alias.name.split(".")[1:])


def test_every_module_belongs_to_a_layer():
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    tops -= {"__init__", "__pycache__"}
    tops = {t for t in tops if (PACKAGE / t).is_dir() or (PACKAGE / f"{t}.py").exists()}
    assert tops <= set(RANK), f"add {sorted(tops - set(RANK))} to a layer in this test"


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts == ("__init__",):
            continue
        tree = ast.parse(path.read_text())
        for target in imported_parts(tree, parts):
            if target[0] in RANK and layer_of(target) > layer_of(parts):
                violations.append(f"{'/'.join(parts)} imports {'.'.join(target)}")
    assert not violations, "imports against the layering: " + "; ".join(violations)


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts != ("__init__",):
            yield parts, ast.parse(path.read_text())


def test_exercises_and_views_never_import_widgets_or_plots():
    violations = [
        f"{'/'.join(parts)} imports {'.'.join(target)}"
        for parts, tree in _modules()
        for target in imported_parts(tree, parts)
        if target[0] in FORBIDDEN.get(parts[0], ())
    ]
    assert not violations, "; ".join(violations)


def test_only_widgets_import_ipywidgets():
    violations = []
    for parts, tree in _modules():
        if parts[0] not in NO_IPYWIDGETS:
            continue
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] == "ipywidgets" for n in names):
                violations.append("/".join(parts))
    assert not violations, f"ipywidgets imported outside bnlib.widgets: {violations}"


def test_probes_never_import_experiments():
    probes, experiments = RANK["probes"], RANK["experiments"]
    assert probes < experiments  # the general rule forbids it; this states it by name
    violations = [
        "/".join(parts)
        for parts, tree in _modules()
        if parts[0] == "probes"
        for target in imported_parts(tree, parts)
        if target[0] == "experiments"
    ]
    assert not violations, f"probes importing experiments: {violations}"
