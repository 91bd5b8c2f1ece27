"""Views: the pure computations behind the slider panels, one function per panel.

Each `*_view` takes the slider values and returns a NamedTuple that a `bnlib.plots` function
draws and a `describe_*` function puts in words. No ipywidgets here: exercise checkers and
tests call views directly. Every slider value is valid input, so moving a slider never raises.
Imports `experiments` (the recorded runs some views look up) and the layers below.
"""

from .covariate_shift import LayerInputView, describe_layer_input_view, layer_input_view
from .gamma_beta import SigmoidView, describe_sigmoid_view, sigmoid_view
from .inference import RunningEstimate, describe_running_estimate_view, running_estimate_view
from .normalization import (
    BatchSpread,
    EpsilonEffect,
    batch_spread_view,
    describe_batch_spread_view,
    describe_epsilon_view,
    epsilon_view,
)
from .optimization import (
    WINDOW,
    WeightDecayView,
    describe_weight_decay_view,
    moving_average,
    weight_decay_view,
)
from .recurrent import GradientView, describe_gradient_view, gradient_view
from .small_batches import SmallBatchView, describe_small_batch_view, small_batch_view

__all__ = [
    "BatchSpread",
    "EpsilonEffect",
    "GradientView",
    "LayerInputView",
    "RunningEstimate",
    "SigmoidView",
    "SmallBatchView",
    "batch_spread_view",
    "describe_batch_spread_view",
    "describe_epsilon_view",
    "describe_gradient_view",
    "describe_layer_input_view",
    "describe_running_estimate_view",
    "describe_sigmoid_view",
    "describe_small_batch_view",
    "epsilon_view",
    "gradient_view",
    "layer_input_view",
    "running_estimate_view",
    "sigmoid_view",
    "small_batch_view",
]
__all__ += [
    "WINDOW",
    "WeightDecayView",
    "describe_weight_decay_view",
    "moving_average",
    "weight_decay_view",
]

from .conv import ChannelNoiseView, channel_noise_view, describe_channel_noise_view  # noqa: E402

__all__ += ["ChannelNoiseView", "channel_noise_view", "describe_channel_noise_view"]
