"""Slider panel for notebook 05: how the running mean and variance follow a moving target.

The target is real: one unit of the first BN layer of the digits network, recorded at every
step of one training run (batch 60), over all 1,438 training images. At each step the panel
draws a batch of the slider's size from those images, and the running statistics follow the
batches with the slider's momentum (PyTorch's convention, weight on the new batch).
"""

from bncourse.inference import plots
from bncourse.inference.studies import default_running_stream
from bncourse.inference.views import describe_running_estimate_view, running_estimate_view
from bncourse.slider_panel import SliderPanel, selection_slider

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 60, 128, 256)
# Both ends are legal momenta in bnlib and PyTorch, and both are failures worth seeing:
# 0 never updates (the initial mean 0, variance 1 stay forever), 1 keeps only the last batch.
MOMENTA = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def running_estimate_panel(stream=None):
    """Sliders over batch size and momentum for `running_estimate_view` (`plots.running_estimate`).

    Pass the stream the notebook built; without it the panel records its own (about 0.5 s)."""
    stream = default_running_stream() if stream is None else stream
    sliders = {
        "batch_size": selection_slider(BATCH_SIZES, 60, "batch size"),
        "momentum": selection_slider(MOMENTA, 0.1, "momentum"),
    }
    return SliderPanel.of_view(
        running_estimate_view,
        plots.running_estimate,
        describe_running_estimate_view,
        sliders,
        figsize=(10, 3.4),
        stream=stream,
    )
