"""The pins: exact, each version written in one place, and covering what bnlib imports."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([0-9][A-Za-z0-9.+\-]*)$")


def pins(path):
    """name -> version for every requirement line of `path` (comments, blanks and -r skipped)."""
    found = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-r"):
            continue
        match = PIN.match(line)
        assert match, f"{path}: {line!r} is not pinned exactly as name==version"
        name = match.group(1).lower().replace("_", "-")
        assert name not in found, f"{path}: {name} is pinned twice"
        found[name] = match.group(2)
    return found


def test_every_requirement_is_pinned_exactly_and_only_once():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert not set(runtime) & set(dev), "a package is pinned in both files: keep one place"
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text()


def test_pyproject_dependencies_are_all_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pins("requirements.txt")
    for dep in project["dependencies"]:
        assert dep.lower() in runtime, f"pyproject needs {dep}, which requirements.txt does not pin"


def test_make_lab_installs_the_binder_settings_overrides(tmp_path):
    """`make lab` and Binder read one settings file: binder/overrides.json, copied to where
    JupyterLab looks for it in the environment (<prefix>/share/jupyter/lab/settings)."""
    subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), "lab-settings", f"VENV={tmp_path}"],
        check=True,
        capture_output=True,
    )
    written = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert written.read_bytes() == (ROOT / "binder" / "overrides.json").read_bytes()
    notification = json.loads(written.read_text())["@jupyterlab/apputils-extension:notification"]
    assert notification == {"checkForUpdates": False, "fetchNews": "false"}


def test_fork_ci_workflow_runs_make_test_on_the_oldest_and_newest_python():
    import yaml  # PyYAML comes with JupyterLab (jupyter-events)

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    job = workflow["jobs"]["make-test"]
    versions = job["strategy"]["matrix"]["python-version"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert versions[0] == requires.removeprefix(">=") and len(versions) == 2
    runs = [step.get("run", "") for step in job["steps"]]
    assert any(run.startswith("make test") for run in runs)
    assert f"Python {versions[0]} and {versions[-1]}" in (ROOT / "README.md").read_text()
