"""The slider panel of the convolutional notebook: batch size and image size."""

import ipywidgets as w

from bncourse.convolution import plots
from bncourse.convolution.views import IMAGE_SIZES, channel_noise_view, describe_channel_noise_view
from bncourse.slider_panel import SliderPanel

BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64)


def channel_noise_panel(seed=0):
    """Sliders over batch size and image size for `channel_noise_view`."""
    sliders = {
        "batch_size": w.SelectionSlider(
            options=BATCH_SIZES, value=8, description="batch size", continuous_update=True
        ),
        "image_size": w.SelectionSlider(
            options=IMAGE_SIZES, value=8, description="image size", continuous_update=True
        ),
    }
    return SliderPanel(
        lambda batch_size, image_size: channel_noise_view(batch_size, image_size, seed=seed),
        plots.channel_noise_hist,
        sliders,
        ncols=1,
        figsize=(6.5, 3.4),
        describe=describe_channel_noise_view,
        try_values={"batch_size": (2, 32), "image_size": (2, 8)},
    )
