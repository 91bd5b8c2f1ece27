"""Notebook 05, Training vs inference: studies, views, plots, panel, checks."""
