"""`pip install .` (not editable) gives both packages whole: bnlib (the library) and bncourse
(the course's machinery), every module and the data they ship, and one notebook run against the
installed wheel in a fresh virtual environment. (nbval and the browser tests run every notebook
against the source tree; this test checks the wheel.)"""

import email
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bnlib", "bncourse")
# Data files the packages read at run time (pyproject.toml, package-data).
DATA = ("bnlib/data/*.npz", "bnlib/data/*.md", "bncourse/review/review.json")

# Run inside the fresh venv: both packages must come from the wheel, whole, with their data.
CHECK = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    import bnlib, bncourse
    from bncourse.review import checks
    names = []
    for package in (bnlib, bncourse):
        assert package.__file__.startswith(sys.prefix), f"imported from {package.__file__}"
        prefix = package.__name__ + "."
        names += [m.name for m in pkgutil.walk_packages(package.__path__, prefix)]
    for name in names:
        importlib.import_module(name)
    digits = bnlib.load_digits()
    assert digits.x_train.shape[1] == 64
    questions = len(checks.CHOICES) + len(checks.NUMBERS)
    print(len(names), "modules;", len(digits.x_train) + len(digits.x_test), "digits;",
          questions, "review questions")
    """
)

# Run inside the fresh venv: execute one notebook (copied away from the source tree). Notebook
# 01 imports bnlib and its folder bncourse.normalization, loads the shipped data and draws with
# its plots and slider panels.
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


def source_files():
    """Every file of the two packages in the source tree that the wheel must carry: the modules
    and the data files, as paths relative to the root."""
    modules = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    data = {str(path.relative_to(ROOT)) for pattern in DATA for path in ROOT.glob(pattern)}
    assert len(data) >= 3, data
    return modules | data


def clean_copy(where):
    """The files a build reads, copied to `where`: setuptools builds in the source directory and
    keeps its build/ there, where a module deleted since an earlier build would linger."""
    for name in ("pyproject.toml", "README.md"):
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_bytes((ROOT / name).read_bytes())
    for name in source_files():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_bytes((ROOT / name).read_bytes())
    return where


@pytest.mark.slow
def test_wheel_installs_both_packages_whole_and_runs_a_notebook(tmp_path):
    source = clean_copy(tmp_path / "source")
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
        str(source),
    )
    wheel = next((tmp_path / "dist").glob("bnlib-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        listed = set(archive.namelist())
        (metadata,) = [n for n in listed if n.endswith(".dist-info/METADATA")]
        summary = email.message_from_bytes(archive.read(metadata))["Summary"]
    # Exactly the packages' modules and data: nothing missing, and no tests, notebooks or tools.
    assert {name for name in listed if ".dist-info/" not in name} == source_files()
    assert {"bncourse/convolution/studies.py", "bncourse/review/review.json"} <= listed
    assert all(package in summary for package in PACKAGES), summary
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
    assert "digits;" in checked.stdout and "review questions" in checked.stdout
    notebook = tmp_path / "notebooks" / NOTEBOOK
    notebook.parent.mkdir()
    notebook.write_bytes((ROOT / "notebooks" / NOTEBOOK).read_bytes())
    ran = run(str(python), "-c", RUN_NOTEBOOK, str(notebook), cwd=tmp_path)
    assert f"ran {NOTEBOOK}" in ran.stdout
