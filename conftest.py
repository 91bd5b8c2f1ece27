"""Project-wide pytest setup: doctest namespace, test categories, headless matplotlib."""

import os

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

# Headless figures in the test process only. Not via MPLBACKEND: notebook kernels started by
# nbval inherit the environment, and must keep the inline backend so figures are compared.
matplotlib.use("Agg")

# Hypothesis profiles (README, Testing). Under CI=true ("ci"): derandomized, the same examples
# every run, so a red build is reproducible and never random. Locally ("dev"): new examples each
# run, to explore; a failure prints the example and a @reproduce_failure blob. No deadline in
# either: the machine is shared, and timing is not what the properties test.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


@pytest.fixture(autouse=True)
def _doctest_numpy(doctest_namespace):
    """Docstring examples may use `np` without importing it."""
    doctest_namespace["np"] = np


def pytest_collection_modifyitems(items):
    """Mark hypothesis tests `property`, so `make test` can report them as their own count."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
