"""`pip install .` (not editable) gives a working bnlib: every subpackage, the shipped data, and
one notebook run against the installed wheel in a fresh virtual environment. (nbval and the
browser tests run every notebook against the source tree; this test checks the wheel.)"""

import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Run inside the fresh venv: bnlib must come from the wheel, whole, with its data.
CHECK = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import bnlib
    assert bnlib.__file__.startswith(sys.prefix), f"bnlib imported from {bnlib.__file__}"
    names = [m.name for m in pkgutil.walk_packages(bnlib.__path__, "bnlib.")]
    for name in names:
        importlib.import_module(name)
    digits = bnlib.load_digits()
    assert digits.x_train.shape[1] == 64
    print(len(names), "modules;", len(digits.x_train) + len(digits.x_test), "digits")
    """
)

# Run inside the fresh venv: execute one notebook (copied away from the source tree). Notebook
# 01 imports bnlib, loads the shipped data and draws with plots and widgets.
NOTEBOOK = "01_normalization.ipynb"
RUN_NOTEBOOK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient
    path = Path(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors
    print("ran", path.name)
    """
)


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


@pytest.mark.slow
def test_wheel_installs_a_complete_bnlib_and_runs_a_notebook(tmp_path):
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--disable-pip-version-check",
        "-q",
        "-w",
        str(tmp_path / "dist"),
        str(ROOT),
    )
    wheel = next((tmp_path / "dist").glob("bnlib-*.whl"))
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    run(
        str(python),
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--disable-pip-version-check",
        "-q",
        str(wheel),
    )
    # The pinned dependencies come from this environment's site-packages, added as a plain
    # path: its .pth files (among them the editable bnlib's) are not processed there.
    purelib = run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    (Path(purelib.stdout.strip()) / "pinned_deps.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    checked = run(str(python), "-c", CHECK, cwd=tmp_path)
    assert "digits" in checked.stdout
    notebook = tmp_path / "notebooks" / NOTEBOOK
    notebook.parent.mkdir()
    notebook.write_bytes((ROOT / "notebooks" / NOTEBOOK).read_bytes())
    ran = run(str(python), "-c", RUN_NOTEBOOK, str(notebook), cwd=tmp_path)
    assert f"ran {NOTEBOOK}" in ran.stdout
