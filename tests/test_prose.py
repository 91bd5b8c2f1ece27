"""The notebooks' prose is held to their stored outputs (tools/prose_checks.py has the rules,
tests/prose_claims.toml the registry): every quoted number is printed in its section or cited,
every named cause has its control printed before it or says "one candidate", and every
registered with/without verdict is printed under both of its analysis choices. Reads the
notebooks' JSON only (fast)."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import prose_checks  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COURSE = {notebook.stem: json.loads(notebook.read_text()) for notebook in NOTEBOOKS}
REGISTRY = prose_checks.load_registry(ROOT / "tests" / "prose_claims.toml")
CASES = [pytest.param(notebook, id=notebook.stem) for notebook in NOTEBOOKS]


def report(failures):
    return f"{len(failures)} finding(s):\n" + "\n".join(str(f) for f in failures)


@pytest.mark.parametrize("notebook", CASES)
def test_every_quoted_number_is_printed_in_its_section_or_cited(notebook):
    failures = prose_checks.unbacked_numbers(
        COURSE[notebook.stem], notebook.stem, REGISTRY["cited"], COURSE
    )
    assert not failures, report(failures)


@pytest.mark.parametrize("notebook", CASES)
def test_every_named_cause_has_its_control_printed_before_it(notebook):
    failures = prose_checks.uncontrolled_causes(
        COURSE[notebook.stem], notebook.stem, REGISTRY["cause"]
    )
    assert not failures, report(failures)


# Verdicts are registered one by one as they are printed under two analyses: no notebook is
# pending for this check.
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[notebook.stem for notebook in NOTEBOOKS])
def test_every_registered_verdict_is_printed_under_two_analyses(notebook):
    failures = prose_checks.unsupported_verdicts(
        COURSE[notebook.stem], notebook.stem, REGISTRY["verdict"]
    )
    assert not failures, report(failures)


def test_registry_names_only_existing_notebooks_and_complete_entries():
    stems = {notebook.stem for notebook in NOTEBOOKS}
    required = {
        "cited": {"notebook", "number", "cue", "source"},
        "cause": {"notebook", "phrase", "control", "separates"},
        "verdict": {"notebook", "phrase", "analyses"},
    }
    for kind, entries in REGISTRY.items():
        for entry in entries:
            assert entry["notebook"] in stems, f"{kind} entry names no notebook: {entry}"
            assert required[kind] <= entry.keys(), f"{kind} entry lacks {required[kind]}: {entry}"
