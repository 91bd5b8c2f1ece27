"""bnlib's folders are layers: a module imports only from its own layer or the ones below.

data/_checks/_blas -> norms -> engine -> probes -> plots -> widgets -> exercises. The package
`__init__` re-exports everything and is the only module allowed to import from every layer.
"""

import ast
from pathlib import Path

import bnlib

PACKAGE = Path(bnlib.__file__).parent
LAYERS = ["_checks", "_blas", "data"], ["norms"], ["engine"], ["probes"], ["experiments"], ["views"]
LAYERS += ["plots"], ["widgets"]
LAYERS += (["exercises"],)
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
