"""Notebook 01, The normalization formula and epsilon: studies, views, plots, panel, checks."""
