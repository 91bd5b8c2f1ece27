"""Notebook 08, Small batches and the alternatives: studies, views, plots, panel, checks."""
