"""The pins: intent in requirements*.in, a complete lock in requirements*.txt with the sha256 of
every file, and the two in step; every install from a lock checks those hashes; pyproject's
lower bounds agree with the pins."""

import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from locks import HASHED, entries
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
# intent -> lock generated from it (`make lock`)
LOCKS = {"requirements.in": "requirements.txt", "requirements-dev.in": "requirements-dev.txt"}


def requirements(path):
    """The Requirement of every requirement of `path` (comments, blanks, -r/-c, hashes skipped)."""
    return [Requirement(entry.requirement) for entry in entries(path)]


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


@pytest.mark.parametrize("lock", HASHED)
def test_every_locked_requirement_carries_the_sha256_of_its_files(lock):
    """pip's hash-checking mode needs a hash on every requirement: one without is refused."""
    found = entries(lock)
    assert len(found) > 100, f"{lock}: {len(found)} requirements"
    for entry in found:
        assert entry.hashes, f"{lock}: {entry.requirement} has no --hash"
        for algorithm, digest in entry.hashes:
            assert algorithm == "sha256" and re.fullmatch(r"[0-9a-f]{64}", digest), entry
    # Nothing else pip would read from the file: every non-comment line is a pin or a hash.
    for line in (ROOT / lock).read_text().splitlines():
        line = line.strip()
        assert not line or line.startswith(("#", "--hash=sha256:")) or "==" in line, line


@pytest.mark.parametrize("intent", sorted(LOCKS))
def test_the_intent_has_no_hashes(intent):
    """Hashes are the lock's: `make lock` writes them, no one types them."""
    assert all(not entry.hashes for entry in entries(intent))


def make_dry_run(tmp_path, *args):
    """The commands `make` would run to build a fresh environment in tmp_path (make -n), one per
    line, with no make variables inherited from a calling make (make test NEWEST=1)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    venv = tmp_path / "venv"
    run = subprocess.run(
        ["make", "-n", "--no-print-directory", "-C", str(ROOT), f"VENV={venv}", *args,
         f"{venv}/.dev-installed"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return run.stdout.replace("\\\n", " ").splitlines()


def pip_installs(lines):
    """The `pip install` commands among shell lines, split at `&&`, `;` and `||`."""
    commands = (c.strip() for line in lines for c in re.split(r"&&|\|\||;", line))
    return [c for c in commands if re.search(r"\bpip\b.*\binstall\b", c)]


# The one install that carries no hash: this repository, editable, from its directory.
EDITABLE = re.compile(r"\binstall --no-deps --no-build-isolation -e \.$")


def test_make_installs_every_lock_with_require_hashes_and_the_project_apart(tmp_path):
    installs = pip_installs(make_dry_run(tmp_path))
    locked = [c for c in installs if not EDITABLE.search(c)]
    assert [re.search(r"-r (\S+)", c)[1] for c in locked] == list(LOCKS.values())
    for command in locked:
        assert "--require-hashes" in command and "--no-deps" in command, command
    assert len(installs) - len(locked) == 1, installs  # the editable install, once


def test_make_newest_installs_the_newest_releases_without_a_lock(tmp_path):
    """NEWEST=1 (the weekly workflow) installs the unpinned names of the .in files (read by a
    sed in the command): no lock, so no hashes; the project is installed as always."""
    lines = [line for line in make_dry_run(tmp_path, "NEWEST=1") if " install " in line]
    upgrades = [line for line in lines if not EDITABLE.search(line)]
    assert len(upgrades) == 2 and len(lines) == 3, lines
    for line in upgrades:
        assert "install --upgrade $(sed" in line and "--require-hashes" not in line, line
        assert "requirements.in" in line and ".txt" not in line, line


SCRIPTS = [".ci/run", "binder/postBuild", "README.md", "CONTRIBUTING.md"]


@pytest.mark.parametrize(
    "path", SCRIPTS + sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(".github/workflows/*"))
)
def test_every_other_install_checks_hashes_or_is_the_editable_project(path):
    """CI (.ci/run, the workflows) installs through make; Binder's postBuild and the by-hand
    steps of README and CONTRIBUTING install a lock with --require-hashes and the project apart."""
    text = (ROOT / path).read_text()
    if path.endswith(".md"):  # the commands in its code blocks
        text = "\n".join(re.findall(r"^```\w*\n(.*?)^```", text, re.M | re.S))
    lines = [re.sub(r"(^|\s)#.*", "", line) for line in text.splitlines()]  # no comments
    for command in pip_installs(lines):
        locked = re.search(r"-r \S*requirements[-\w]*\.txt", command)
        hashed = locked and "--require-hashes" in command
        assert hashed or EDITABLE.search(command), f"{path}: {command}"


@pytest.mark.slow
def test_pip_refuses_a_locked_file_whose_hash_was_changed(tmp_path):
    """One requirement of the learner's lock, as written and with its hashes changed, downloaded
    in the mode make installs with: as written, pip gets a file whose sha256 the lock lists;
    changed, pip refuses that file. The requirement is the one with the fewest files (today a
    release of one wheel: one hash changed); every hash is changed, as pip takes any file of the
    release whose hash is listed (it falls back to the source archive if only the wheel's is
    changed)."""
    here = [e for e in entries("requirements.txt") if Requirement(e.requirement).marker is None]
    entry = min(here, key=lambda e: len(e.hashes))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "download", "--no-deps"]

    def download(digests, where):
        lock = tmp_path / f"{where}.txt"
        options = " ".join(f"--hash=sha256:{digest}" for digest in digests)
        lock.write_text(f"{entry.requirement} {options}\n")
        args = [*pip, "--require-hashes", "-r", str(lock), "-d", str(tmp_path / where)]
        return subprocess.run(args, capture_output=True, text=True, timeout=300)

    listed = [digest for _, digest in entry.hashes]
    genuine = download(listed, "genuine")
    assert genuine.returncode == 0, genuine.stderr
    (file,) = (tmp_path / "genuine").iterdir()
    got = hashlib.sha256(file.read_bytes()).hexdigest()
    assert got in listed
    changed = [d[:-1] + ("0" if d[-1] != "0" else "1") for d in listed]
    refused = download(changed, "tampered")
    assert refused.returncode != 0 and not any((tmp_path / "tampered").glob("*"))
    assert "DO NOT MATCH THE HASHES" in refused.stderr, refused.stderr
    assert re.search(rf"Got\s+{got}", refused.stderr), refused.stderr
