"""Project-wide pytest setup: doctest namespace, test categories, headless matplotlib."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _doctest_numpy(doctest_namespace):
    """Docstring examples may use `np` without importing it."""
    doctest_namespace["np"] = np


def pytest_collection_modifyitems(items):
    """Mark hypothesis tests `property`, so `make test` can report them as their own count."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
