"""Notebook 09, Batch norm in practice: studies, views, plots, panel, checks.

`spread` is the course's "mean [min-max]" (from the shared `bncourse.runs`), here so that the
notebook, which imports only its own folder, prints its seeds as every notebook does."""

from bncourse.runs import spread

__all__ = ["spread"]
