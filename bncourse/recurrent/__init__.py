"""Notebook 07, Per-timestep batch norm in RNNs: studies, views, plots, panel, checks."""
