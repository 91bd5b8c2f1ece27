"""Notebook 11, Review: studies, views, plots, panel, checks."""
