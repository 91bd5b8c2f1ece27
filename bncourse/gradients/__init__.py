"""Notebook 03, Gradients and gradient flow: studies, views, plots, panel, checks."""
