"""Notebook 10, What batch norm does to the optimizer: studies, views, plots, panel, checks."""
