"""The committed pre-commit config: offline (local hooks only) and it strips only per-run
execution metadata from notebooks, keeping the outputs strict nbval compares."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import strip_execution_metadata  # noqa: E402


def executed_notebook():
    """A small notebook as nbclient leaves it: timestamps in cell metadata, outputs, tags."""
    stamp = {"iopub.execute_input": "2026-01-01T00:00:00Z", "shell.execute_reply": "2026-01-01"}
    return {
        "cells": [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# Title"]},
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "c",
                "metadata": {"execution": stamp, "ExecuteTime": {"end_time": "x"}, "tags": ["t"]},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": ["2\n"]}],
                "source": ["print(1 + 1)"],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_every_hook_is_local_so_it_runs_offline():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    ids = {hook["id"] for hook in config["repos"][0]["hooks"]}
    assert ids == {"ruff-check", "ruff-format", "strip-execution-metadata"}


def test_strip_removes_timestamps_and_keeps_outputs_counts_and_tags(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(executed_notebook()))
    assert strip_execution_metadata.main([path]) == 1
    cell = json.loads(path.read_text())["cells"][1]
    assert cell["metadata"] == {"tags": ["t"]}
    assert cell["execution_count"] == 1
    assert cell["outputs"] == executed_notebook()["cells"][1]["outputs"]


def test_strip_leaves_a_clean_notebook_byte_for_byte(tmp_path):
    path = tmp_path / "nb.ipynb"
    text = '{"cells": [], "metadata": {"x": 0.00001}, "nbformat": 4, "nbformat_minor": 5}'
    path.write_text(text)
    assert strip_execution_metadata.main([path]) == 0
    assert path.read_text() == text


def test_pre_commit_runs_the_hooks_offline_in_a_fresh_repo(tmp_path):
    """`pre-commit run --all-files` in a scratch git repo wired to this project's .venv."""
    venv_bin = Path(sys.executable).parent
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    # The hooks run .venv/bin/...; here they point at this interpreter's environment instead.
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    (repo / ".pre-commit-config.yaml").write_text(config.replace(".venv/bin/", f"{venv_bin}/"))
    shutil.copy(ROOT / "pyproject.toml", repo)
    shutil.copy(ROOT / "tools" / "strip_execution_metadata.py", repo / "tools")
    (repo / "nb.ipynb").write_text(json.dumps(executed_notebook()))
    (repo / "ok.py").write_text('"""A module."""\n\nx = 1\n')
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_CONFIG_GLOBAL": "/dev/null",
    }

    def run(*args):
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    run("git", "init", "-q")
    run("git", "add", ".")
    first = run(venv_bin / "pre-commit", "run", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr  # it rewrote nb.ipynb
    assert "execution" not in json.loads((repo / "nb.ipynb").read_text())["cells"][1]["metadata"]
    run("git", "add", ".")
    second = run(venv_bin / "pre-commit", "run", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr
