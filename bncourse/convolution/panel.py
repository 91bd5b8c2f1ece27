"""The slider panel of the convolutional notebook: batch size and image size."""

from bncourse.convolution import plots
from bncourse.convolution.views import (
    BATCH_SIZES,
    IMAGE_SIZES,
    channel_noise_view,
    describe_channel_noise_view,
)
from bncourse.slider_panel import SliderPanel, selection_slider


def channel_noise_panel(seed=0):
    """Sliders over batch size and image size for `channel_noise_view`."""
    sliders = {
        "batch_size": selection_slider(BATCH_SIZES, 8, "batch size"),
        "image_size": selection_slider(IMAGE_SIZES, 8, "image size"),
    }
    return SliderPanel.of_view(
        channel_noise_view,
        plots.channel_noise_hist,
        describe_channel_noise_view,
        sliders,
        figsize=(6.5, 3.4),
        ncols=1,
        try_values={"batch_size": (2, 32), "image_size": (2, 8)},
        rng=seed,
    )
