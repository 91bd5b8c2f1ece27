"""Notebook 04, Internal covariate shift: studies, views, plots, panel, checks."""
