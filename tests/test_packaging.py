"""The pins: intent in requirements*.in, a complete lock in requirements*.txt, and the two in
step; pyproject's lower bounds agree with them."""

import json
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# intent -> lock generated from it (`make lock`)
LOCKS = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt"}


def requirements(path):
    """The Requirement of every requirement line of `path` (comments, blanks, -r/-c skipped)."""
    found = []
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


def pins(path):
    """name -> exact version of every requirement of `path` whose marker holds here."""
    found = {}
    for req in requirements(path):
        if req.marker is not None and not req.marker.evaluate():
            continue
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path}: {req} is not pinned exactly as name==version"
        name = canonicalize_name(req.name)
        assert name not in found, f"{path}: {name} is pinned twice"
        found[name] = spec.version
    return found


@pytest.mark.parametrize("intent", sorted(LOCKS))
def test_every_pin_of_the_intent_is_in_its_lock_identically(intent):
    lock = pins(LOCKS[intent])
    wanted = pins(intent)
    if intent == "requirements-dev.in":  # it includes the learner's intent (-r)
        assert "-r requirements.in" in (ROOT / intent).read_text()
        wanted |= pins("requirements.in")
    drift = {name: (v, lock.get(name)) for name, v in wanted.items() if lock.get(name) != v}
    assert not drift, (
        f"{LOCKS[intent]} is out of step with {intent} (pin: lock): {drift}; run make lock"
    )


def test_the_dev_lock_keeps_every_learner_package_at_its_version():
    learner, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    differ = {n: (v, dev.get(n)) for n, v in learner.items() if dev.get(n) != v}
    assert not differ, f"requirements-dev.txt differs from requirements.txt: {differ}"


def test_test_tools_are_not_in_the_learner_set():
    learner = pins("requirements.txt")
    assert not {"pytest", "nbval", "hypothesis"} & set(learner)


@pytest.mark.skipif(
    os.environ.get("BNLIB_NEWEST") == "1",
    reason="make test NEWEST=1 installs the newest releases, not the lock",
)
def test_this_environment_is_exactly_the_dev_lock_and_pip_check_passes():
    """make installs the lock with --no-deps: a lock missing a dependency fails `pip check`, and
    anything installed from outside the lock shows up here."""
    lock = pins("requirements-dev.txt")
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    ours = {"pip", "bnlib"}  # the venv's own installer, and the project (editable)
    outside = {n: v for n, v in installed.items() if n not in lock and n not in ours}
    assert not outside, f"installed but not in requirements-dev.txt: {outside}"
    differ = {n: (v, installed.get(n)) for n, v in lock.items() if installed.get(n) != v}
    assert not differ, f"locked version vs installed: {differ}"
    check = subprocess.run(
        [sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_pyproject_dependencies_are_pinned_within_their_lower_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    intent = pins("requirements.in")
    for dep in map(Requirement, project["dependencies"]):
        name = canonicalize_name(dep.name)
        assert name in intent, f"pyproject needs {dep}, which requirements.in does not pin"
        assert dep.specifier.contains(intent[name]), f"{name}=={intent[name]} breaks {dep}"
    bounds = {
        canonicalize_name(Requirement(d).name): str(Requirement(d).specifier)
        for d in project["dependencies"]
    }
    assert bounds["numpy"] == ">=2" and bounds["ipywidgets"] == ">=8"


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


def load_workflow(name):
    import yaml  # PyYAML comes with JupyterLab (jupyter-events)

    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def test_fork_ci_workflow_runs_make_test_on_the_oldest_and_newest_python():
    job = load_workflow("test.yml")["jobs"]["make-test"]
    versions = job["strategy"]["matrix"]["python-version"]
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert versions[0] == requires.removeprefix(">=") and len(versions) == 2
    runs = [step.get("run", "") for step in job["steps"]]
    assert any(run.startswith("make test") for run in runs)
    assert f"Python {versions[0]} and {versions[-1]}" in (ROOT / "CONTRIBUTING.md").read_text()


def test_a_weekly_workflow_runs_make_test_on_the_newest_releases():
    workflow = load_workflow("newest.yml")
    assert workflow[True]["schedule"][0]["cron"]  # YAML reads the key `on` as True
    (job,) = workflow["jobs"].values()
    runs = [step.get("run", "") for step in job["steps"]]
    assert any(run.startswith("make test") and "NEWEST=1" in run for run in runs)
