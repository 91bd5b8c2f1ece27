"""Notebook 09, Batch norm in practice: studies, views, plots, panel, checks."""
