"""Slider panel for notebook 10: learning rate x weight decay, ||W|| and the angle per step
approaching their equilibrium. The runs are precomputed; a slider only selects and draws."""

from functools import lru_cache

import ipywidgets as w

from bncourse.optimization import plots
from bncourse.optimization.studies import weight_decay_study
from bncourse.optimization.views import describe_weight_decay_view, weight_decay_view
from bncourse.slider_panel import SliderPanel
from bnlib.data import load_digits


@lru_cache(maxsize=1)
def default_weight_decay_study():
    """The study notebook 10 runs (digits, lr 0.1, 0.4, 1.6 x decay 0, 0.01, 0.05, 3 seeds)."""
    return weight_decay_study(load_digits())


def weight_decay_panel(study=None):
    """Sliders over a `WeightDecayStudy`'s learning rates and weight decays
    (`views.weight_decay_view`, drawn by `plots.weight_decay_figure`). Starts at the middle
    learning rate and the largest decay (lr 0.4, lambda 0.05 for the default study)."""
    study = default_weight_decay_study() if study is None else study
    sliders = {
        "lr": w.SelectionSlider(
            options=study.lrs, value=study.lrs[len(study.lrs) // 2], description="lr"
        ),
        "weight_decay": w.SelectionSlider(
            options=study.decays, value=study.decays[-1], description="weight decay"
        ),
    }
    return SliderPanel(
        lambda lr, weight_decay: weight_decay_view(study, lr, weight_decay),
        plots.weight_decay_figure,
        sliders,
        ncols=2,
        figsize=(10, 3.4),
        describe=describe_weight_decay_view,
    )
