"""The benchmarks import and run (a --quick smoke run: tiny sweeps, no notebooks, no timing)."""

import pytest

from benchmarks import run

pytestmark = pytest.mark.slow


def test_quick_run_prints_every_table(capsys):
    assert run.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for title in ("2. Slider latency", "3. Kernel speed", "4. Engine speed"):
        assert title in out
