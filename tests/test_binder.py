"""Binder (repo2docker) configuration: the learner's lock with its hashes (so repo2docker's
`pip install -r binder/requirements.txt` checks every file), the oldest Python the project
declares, and it really installs."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from locks import entries

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def test_binder_installs_exactly_the_learners_lock_with_its_hashes():
    lock = entries("requirements.txt")
    assert lock, "requirements.txt has no pins"
    assert all("==" in e.requirement for e in lock), "unpinned requirement in requirements.txt"
    assert entries("binder/requirements.txt") == lock, (
        "binder/requirements.txt must be a copy of the learner's lock requirements.txt; "
        "run make lock"
    )
    # A hash on every requirement: repo2docker's plain `pip install -r` then runs in pip's
    # hash-checking mode (tests/test_packaging.py checks each hash's form).
    assert all(e.hashes for e in lock)


def declared_pythons():
    """The Pythons the project declares: requires-python's floor and the CI matrix."""
    import yaml  # PyYAML comes with JupyterLab (jupyter-events)

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    matrix = workflow["jobs"]["make-test"]["strategy"]["matrix"]["python-version"]
    return requires.removeprefix(">="), [str(v) for v in matrix]


def test_runtime_is_the_oldest_python_the_project_declares():
    """Binder runs the oldest Python of CI's matrix, which is requires-python's floor (not the
    interpreter running this test: CI also runs on the newest Python)."""
    floor, matrix = declared_pythons()
    assert matrix[0] == floor, f"CI's oldest Python {matrix[0]} is not requires-python {floor}"
    assert (BINDER / "runtime.txt").read_text().strip() == f"python-{floor}"


def test_postbuild_is_strict_and_installs_only_the_project_itself():
    """postBuild's one install is this repository, editable, with no dependencies (they came
    hashed from binder/requirements.txt) and the locked setuptools (no isolated build fetching
    an unhashed one)."""
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK), "binder/postBuild must be executable"
    text = script.read_text()
    assert text.startswith("#!"), "postBuild needs a shebang line"
    assert re.search(r"^set -e", text, re.MULTILINE)
    installs = re.findall(r"^[^#\n]*\bpip\b.*$", text, re.MULTILINE)
    assert installs == ["pip install --no-deps --no-build-isolation -e ."]


def test_settings_overrides_save_widget_state_and_silence_news():
    overrides = json.loads((BINDER / "overrides.json").read_text())
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"]["saveState"] is True
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"checkForUpdates": False, "fetchNews": "false"}


def test_readme_badge_opens_notebook_01_in_jupyterlab_on_binder():
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", (ROOT / "README.md").read_text())
    assert badge, "README has no Binder badge link"
    assert badge.group(0).endswith("?urlpath=lab/tree/notebooks/01_normalization.ipynb)")
    assert (ROOT / "notebooks" / "01_normalization.ipynb").is_file()


def test_repo2docker_builds_from_binder_with_the_runtime_python():
    """`repo2docker --no-build --no-run` prints the Dockerfile it would build, with no Docker."""
    exe = shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    assert exe, "repo2docker missing: it is pinned in requirements-dev.txt"
    run = subprocess.run(
        [exe, "--no-build", "--no-run", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    minor = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    assert f"python={minor}" in run.stderr  # "Building conda environment for python=3.11"
    dockerfile = run.stdout
    # The conda lock file it copies in names the Python; build-file paths are escaped "-2e" = ".".
    unescaped = re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), dockerfile)
    assert f"environment.py-{minor}-linux-64.lock" in unescaped
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    # With binder/ present, the top-level requirements.txt is ignored.
    assert "src/requirements.txt" not in dockerfile


@pytest.mark.slow
def test_fresh_venv_from_binder_config_imports_bnlib_and_ipywidgets(tmp_path):
    """Install binder/requirements.txt into a new venv as repo2docker does (plain `pip install
    -r`: its hashes put pip in hash-checking mode), run postBuild there, import the course."""
    env_dir = tmp_path / "binder-venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("PYTHONPATH", None)
    pip = [bin_dir / "python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "install", "-r", BINDER / "requirements.txt"], env=env, check=True, timeout=900
    )
    subprocess.run(["bash", BINDER / "postBuild"], env=env, check=True, timeout=300, cwd=tmp_path)
    probe = (
        "import bnlib, bncourse, ipywidgets, jupyterlab; "
        "print(bnlib.__file__, bncourse.__file__, ipywidgets.__version__, jupyterlab.__version__)"
    )
    out = subprocess.run(
        [bin_dir / "python", "-c", probe],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert Path(out[0]).is_relative_to(ROOT / "bnlib")
    assert Path(out[1]).is_relative_to(ROOT / "bncourse")
    wanted = dict(
        e.requirement.split(";")[0].strip().split("==") for e in entries("binder/requirements.txt")
    )
    assert out[2:] == [wanted["ipywidgets"], wanted["jupyterlab"]]
    # postBuild put the settings overrides where this JupyterLab reads them.
    lab_path = subprocess.run(
        [bin_dir / "jupyter", "lab", "path"], env=env, capture_output=True, text=True, check=True
    ).stdout
    app_dir = re.search(r"Application directory:\s*(\S+)", lab_path).group(1)
    written = json.loads((Path(app_dir) / "settings" / "overrides.json").read_text())
    assert written == json.loads((BINDER / "overrides.json").read_text())
