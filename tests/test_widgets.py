"""Slider panels: the compute functions' numbers, and every panel swept over every slider."""

import itertools
import re
import warnings

import numpy as np
import pytest

from bncourse import panels as widgets
from bncourse.normalization import views as normalization_views


def test_batch_spread_follows_sigma_over_root_m():
    for m in (4, 16, 64):
        s = normalization_views.batch_spread_view(m, n_batches=4000)
        assert s.batch_means.std() == pytest.approx(3.0 / np.sqrt(m), rel=0.05)
        assert s.batch_vars.mean() == pytest.approx(9.0 * (m - 1) / m, rel=0.05)
        assert s.expected_batch_var == pytest.approx(9.0 * (m - 1) / m)


def test_batch_of_one_has_zero_variance_and_zero_output():
    s = normalization_views.batch_spread_view(1, n_batches=50)
    np.testing.assert_array_equal(s.batch_vars, 0.0)
    np.testing.assert_array_equal(s.x_hat_example, 0.0)


def test_example_is_normalized_closer_to_ideal_in_big_batches():
    small, big = (
        normalization_views.batch_spread_view(4),
        normalization_views.batch_spread_view(256),
    )
    assert big.x_hat_example.std() < small.x_hat_example.std() / 4
    assert big.x_hat_example.mean() == pytest.approx(big.x_hat_ideal, abs=0.02)


def test_epsilon_effect_matches_var_over_var_plus_eps():
    for eps, std in ((1e-5, 0.01), (1e-4, 0.01), (1.0, 0.1), (1e-8, 10.0)):
        e = normalization_views.epsilon_view(eps, std)
        assert e.output_var == pytest.approx(std**2 / (std**2 + eps), rel=1e-9)
        assert e.predicted_var == pytest.approx(e.output_var, rel=1e-9)
    assert normalization_views.epsilon_view(1e-5, 0.01).output_var == pytest.approx(
        1 / 1.1, rel=1e-9
    )


def test_compute_functions_reject_bad_arguments():
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        normalization_views.batch_spread_view(0)
    with pytest.raises(ValueError, match="eps must be finite and > 0"):
        normalization_views.epsilon_view(0.0)


# Readouts must never show a number that is not one.
NOT_A_NUMBER = re.compile(r"\b(nan|inf)\b|nan%", re.IGNORECASE)
GRID_BUDGET = 400  # combinations per panel: 9 values a slider for two sliders, 7 for three


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_over_the_full_grid_of_its_sliders(name):
    """Every combination of slider values (extremes included): compute, draw and describe run
    with numpy and matplotlib warnings turned into errors, and the readout shows no NaN/inf."""
    panel = widgets.PANELS[name]()
    names = list(panel.sliders)
    points = 9
    while points > 3 and points ** len(names) > GRID_BUDGET:
        points -= 1
    grids = list(panel.slider_values(points).values())
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for combo in itertools.product(*grids):
            values = dict(zip(names, combo, strict=True))
            data = panel.compute(**values)
            panel.draw(data, panel.axes)
            text = panel.describe(data) if panel.describe else ""
            assert not NOT_A_NUMBER.search(text), f"{name} at {values}: {text}"


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_panel_redraws_for_every_slider_value(name):
    panel = widgets.PANELS[name]()
    assert panel.image.value[:4] == b"\x89PNG"
    for slider_name, slider in panel.sliders.items():
        default = slider.value
        seen = {bytes(panel.image.value)}
        for value in widgets.slider_values(slider, points=9):
            slider.value = value  # triggers a synchronous redraw; must never raise
            seen.add(bytes(panel.image.value))
            assert panel.readout.value or panel.describe is None
        assert len(seen) > 2, f"{name}: moving {slider_name} did not change the figure"
        slider.value = default


def test_layer_input_view_counts_the_saturated_inputs_exactly():
    """The saturated fraction from the recorded histograms equals the fraction of raw sigmoid
    inputs with |y| > 2.887 (the bins have that threshold on an edge)."""
    from bncourse.covariate_shift.recorders import layer_input_histograms
    from bncourse.covariate_shift.studies import EDGES
    from bncourse.covariate_shift.views import layer_input_view
    from bnlib._numerics import SATURATED_AT
    from bnlib.data import load_digits
    from bnlib.model import mlp
    from bnlib.training import train

    digits, runs, raw = load_digits(), {}, {}
    x = digits.x_train[:200]
    for label, scale in (("small", 1.0), ("large", 4.0)):
        gen = np.random.default_rng(0)
        model = mlp([64, 30, 30, 10], init_scale=scale, rng=gen)
        raw[label] = model.forward(x, upto=model.find(type(model[1]))[-1])
        record = {"histograms": layer_input_histograms(x, EDGES)}
        runs[label] = train(model, digits, 2, 60, 0.1, gen, record=record, record_every=1)
    view = layer_input_view(runs, step=0, layer=2)
    for label, y in raw.items():
        assert view.saturated[label] == pytest.approx(np.mean(np.abs(y) > SATURATED_AT), abs=1e-12)
    assert view.saturated["large"] > 0.1
    assert np.any(np.isclose(EDGES, SATURATED_AT)) and np.any(np.isclose(EDGES, -SATURATED_AT))


def _png(panel):
    import io

    buffer = io.BytesIO()
    panel.figure.canvas.print_png(buffer, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["batch_size_panel", "small_batch_panel", "epsilon_panel"])
def test_titles_at_a_fixed_height_change_no_pixel(name):
    panel = widgets.PANELS[name]()
    _, fixed = panel.render(panel.values())  # titles at y = 1, not placed by measuring
    for ax in panel.axes:
        ax._autotitlepos = True  # matplotlib's default: place each title above what it measures
    assert _png(panel) == fixed
