"""Benchmarks for what learners feel: course run time, slider latency, kernel speed, engine speed.

Run them all with `make bench` (or `python -m benchmarks.run`); each module also runs alone,
e.g. `python -m benchmarks.kernels`. They print tables with budgets; they assert nothing.
"""
