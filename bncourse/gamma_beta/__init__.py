"""Notebook 02, Gamma and beta: studies, views, plots, panel, checks."""
