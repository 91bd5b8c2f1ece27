"""Notebook 06, Batch norm in convolutional networks: studies, views, plots, panel, checks."""
