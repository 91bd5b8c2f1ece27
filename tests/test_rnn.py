"""The recurrent layer: gradient checks for every norm, per-timestep statistics, the T_max rule,
clear errors, the LastStep adapter and the sequence helpers."""

import copy

import numpy as np
import pytest

import bncourse.panels  # the panel test below uses it; bnlib itself does not import widgets
import bnlib
from bncourse.recurrent import sequences
from bncourse.recurrent import studies as recurrent_studies
from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.rnn import RNN, LastStep

NORMS = ["batch", "layer", None]


def _rnn(norm, seed=0, d=3, h=5, **options):
    rng = np.random.default_rng(seed)
    rnn = RNN(d, h, rng, norm=norm, gamma_init=0.7, **options)
    rnn.b = 0.1 * rng.standard_normal(h)
    if norm is not None:  # gammas away from their common initial value, so a swap would show
        rnn.gamma_x, rnn.gamma_h = rng.uniform(0.5, 1.5, h), rng.uniform(0.5, 1.5, h)
    return rnn, rng.standard_normal((4, 6, d)), rng.standard_normal((4, 6, h))


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("norm", [*NORMS, "batch, pooled input"])
def test_gradients_match_finite_differences(norm, mode):
    pooled = norm == "batch, pooled input"
    rnn, x, dhs = _rnn("batch", pool_input=True) if pooled else _rnn(norm)
    if mode == "eval":  # eval mode: running statistics from a few training batches first
        for k in range(3):
            rnn.forward(x + k)
        rnn.eval()
    rnn.forward(x)
    dx = rnn.backward(dhs)
    assert rel_error(numerical_gradient(rnn.forward, x, dhs), dx) < 1e-7
    for name in rnn.param_names:
        analytic = getattr(rnn, "d" + name).copy()
        saved = getattr(rnn, name)

        def f(value, name=name, saved=saved):
            setattr(rnn, name, value)
            out = rnn.forward(x)
            setattr(rnn, name, saved)
            return out

        err = rel_error(numerical_gradient(f, saved, dhs), analytic)
        assert err < 1e-7, f"{norm} {mode} d{name}: {err:.1e}"


def test_plain_rnn_has_no_gammas_and_matches_the_recurrence():
    rnn, x, _ = _rnn(None)
    assert rnn.param_names == ("Wx", "Wh", "b")
    hs = rnn.forward(x)
    h = np.zeros((4, 5))
    for t in range(6):
        h = np.tanh(x[:, t] @ rnn.Wx + h @ rnn.Wh + rnn.b)
        np.testing.assert_allclose(hs[:, t], h, rtol=0, atol=1e-14)


def test_batch_norm_statistics_are_per_timestep_over_the_batch_only():
    rnn, x, _ = _rnn("batch")
    hs = rnn.forward(x)
    # The (N, T, H) pre-activations normalized over axis 0 by bnlib.batchnorm_forward.
    u_x, _ = bnlib.batchnorm_forward(rnn.pre_x, rnn.gamma_x, 0.0, eps=rnn.eps)
    u_h, _ = bnlib.batchnorm_forward(rnn.pre_h, rnn.gamma_h, 0.0, eps=rnn.eps)
    np.testing.assert_allclose(hs, np.tanh(u_x + u_h + rnn.b), rtol=0, atol=1e-13)
    np.testing.assert_allclose(u_x.mean(axis=0), 0.0, atol=1e-12)  # every (t, unit) centred
    np.testing.assert_allclose(u_x.var(axis=0), rnn.gamma_x**2 * rnn.pre_x.var(0) / (
        rnn.pre_x.var(0) + rnn.eps), rtol=1e-10)  # fmt: skip
    np.testing.assert_array_equal(rnn.pre_h[:, 0], 0.0)  # h_{-1} = 0


def test_pooled_input_statistics_are_over_batch_and_time_and_the_recurrent_term_per_timestep():
    rnn, x, _ = _rnn("batch", pool_input=True)
    hs = rnn.forward(x)
    n, T, h = rnn.pre_x.shape
    flat, _ = bnlib.batchnorm_forward(rnn.pre_x.reshape(n * T, h), rnn.gamma_x, 0.0, eps=rnn.eps)
    u_x = flat.reshape(n, T, h)
    u_h, _ = bnlib.batchnorm_forward(rnn.pre_h, rnn.gamma_h, 0.0, eps=rnn.eps)
    np.testing.assert_allclose(hs, np.tanh(u_x + u_h + rnn.b), rtol=0, atol=1e-13)
    assert np.abs(u_x.mean(axis=0)).max() > 0.1  # single timesteps are not centred ...
    np.testing.assert_allclose(u_x.mean(axis=(0, 1)), 0.0, atol=1e-12)  # ... but all of them are
    # One running row, blended like PyTorch's over n * T values; h keeps one row per timestep.
    var = rnn.pre_x.reshape(n * T, h).var(0) * (n * T) / (n * T - 1)
    np.testing.assert_allclose(rnn.running_mean_x, 0.1 * rnn.pre_x.mean((0, 1))[None], rtol=1e-12)
    np.testing.assert_allclose(rnn.running_var_x, 0.9 + 0.1 * var[None], rtol=1e-12)
    assert rnn.running_mean_h.shape == (6, 5) and "pool_input=True" in repr(rnn)
    rnn.forward(x[:, :2])  # a shorter batch still updates the one row
    assert rnn.running_mean_x.shape == (1, 5)
    mean_x, var_x, _, _ = rnn.running_stats(9)  # eval: the one row at every timestep
    np.testing.assert_array_equal(var_x, np.broadcast_to(rnn.running_var_x, (9, 5)))
    hs_eval = rnn.eval().forward(x)
    u_x = rnn.gamma_x * (rnn.pre_x - mean_x[:6]) / np.sqrt(var_x[:6] + rnn.eps)
    u_h0 = -rnn.gamma_h * rnn.running_mean_h[0] / np.sqrt(rnn.running_var_h[0] + rnn.eps)
    np.testing.assert_allclose(hs_eval[:, 0], np.tanh(u_x[:, 0] + u_h0 + rnn.b), atol=1e-14)


def test_pool_input_needs_batch_norm_and_a_bool():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="pool_input=True needs norm=\"batch\"; got norm='layer'"):
        RNN(3, 4, rng, norm="layer", pool_input=True)
    with pytest.raises(TypeError, match="pool_input must be True or False; got 1"):
        RNN(3, 4, rng, pool_input=1)


def test_running_statistics_per_timestep_follow_pytorch():
    rnn, x, _ = _rnn("batch")
    rnn.forward(x)
    n = x.shape[0]
    mean_x, var_x = rnn.pre_x.mean(0), rnn.pre_x.var(0) * n / (n - 1)
    np.testing.assert_allclose(rnn.running_mean_x, 0.1 * mean_x, rtol=1e-12)
    np.testing.assert_allclose(rnn.running_var_x, 0.9 + 0.1 * var_x, rtol=1e-12)
    np.testing.assert_allclose(rnn.running_mean_h, 0.1 * rnn.pre_h.mean(0), atol=1e-15)
    assert rnn.T_max == 6 and rnn.running_mean_h.shape == (6, 5)
    assert rnn.num_batches_tracked.tolist() == [1] * 6


def test_t_max_grows_with_the_longest_sequence_and_short_batches_leave_later_rows():
    rnn, x, _ = _rnn("batch")
    rnn.forward(x[:, :3])
    assert rnn.T_max == 3
    before = rnn.running_mean_x.copy()
    rnn.forward(x)  # longer: rows 3..5 are new and start from mean 0, var 1
    assert rnn.T_max == 6 and rnn.num_batches_tracked.tolist() == [2, 2, 2, 1, 1, 1]
    assert not np.allclose(rnn.running_mean_x[:3], before)
    snapshot = rnn.running_mean_x.copy()
    rnn.forward(x[:, :2])
    np.testing.assert_array_equal(rnn.running_mean_x[2:], snapshot[2:])
    rnn.eval().forward(x)  # eval never touches the statistics
    assert rnn.T_max == 6 and rnn.num_batches_tracked.tolist() == [3, 3, 2, 1, 1, 1]


def test_eval_beyond_t_max_uses_t_max_statistics():
    rnn, x, _ = _rnn("batch")
    for k in range(4):
        rnn.forward(x * (1 + k))
    mean_x, var_x, mean_h, var_h = rnn.running_stats(10)
    stored_stats = (rnn.running_mean_x, rnn.running_var_x, rnn.running_mean_h, rnn.running_var_h)
    for stat, stored in zip((mean_x, var_x, mean_h, var_h), stored_stats, strict=True):
        np.testing.assert_array_equal(stat[:6], stored)
        np.testing.assert_array_equal(stat[6:], np.broadcast_to(stored[5], (4, 5)))
    long_x = np.random.default_rng(3).standard_normal((4, 10, 3))
    hs = rnn.eval().forward(long_x)
    # Recompute by hand with the rule: eval normalization is a fixed affine map per timestep.
    h = np.zeros((4, 5))
    for t in range(10):
        u_x = rnn.gamma_x * (long_x[:, t] @ rnn.Wx - mean_x[t]) / np.sqrt(var_x[t] + rnn.eps)
        u_h = rnn.gamma_h * (h @ rnn.Wh - mean_h[t]) / np.sqrt(var_h[t] + rnn.eps)
        h = np.tanh(u_x + u_h + rnn.b)
        np.testing.assert_allclose(hs[:, t], h, rtol=0, atol=1e-13)


def test_eval_predictions_do_not_depend_on_batch_mates():
    rnn, x, _ = _rnn("batch")
    rnn.forward(x)
    rnn.eval()
    np.testing.assert_allclose(rnn.forward(x)[:1], rnn.forward(x[:1]), rtol=0, atol=1e-14)


def test_untrained_eval_uses_mean_zero_variance_one():
    rnn, x, _ = _rnn("batch")
    mean_x, var_x, _, _ = rnn.eval().running_stats(4)
    np.testing.assert_array_equal(mean_x, 0.0)
    np.testing.assert_array_equal(var_x, 1.0)
    assert rnn.forward(x).shape == (4, 6, 5)


def test_momentum_none_is_a_cumulative_average_per_timestep():
    rng = np.random.default_rng(0)
    rnn = RNN(2, 3, rng, momentum=None)
    batches = [rng.standard_normal((5, 4, 2)) for _ in range(3)]
    means = []
    for b in batches:
        rnn.forward(b)
        means.append(rnn.pre_x.mean(0))
    np.testing.assert_allclose(rnn.running_mean_x, np.mean(means, axis=0), rtol=1e-12)


def test_layer_norm_is_per_example_and_the_same_in_eval():
    rnn, x, _ = _rnn("layer")
    train_out = rnn.forward(x)
    np.testing.assert_allclose(rnn.eval().forward(x), train_out, rtol=0, atol=1e-15)
    np.testing.assert_allclose(rnn.train().forward(x[2:3]), train_out[2:3], atol=1e-14)
    assert rnn.T_max == 0  # no statistics to keep


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (np.zeros((4, 3)), ValueError, r"3-D with shape \(N, T, 3\)"),
        (np.zeros((4, 6, 2)), ValueError, r"shape \(N, T, 3\); got \(4, 6, 2\)"),
        (np.zeros((4, 0, 3)), ValueError, "at least one timestep"),
        (np.zeros((0, 6, 3)), ValueError, "at least one sample"),
        (np.full((4, 6, 3), np.nan), ValueError, "finite"),
        ([["a"]], TypeError, "real numbers"),
    ],
)
def test_bad_input_gets_a_clear_error(x, error, match):
    rnn, _, _ = _rnn("batch")
    with pytest.raises(error, match=match):
        rnn.forward(x)
    assert rnn.T_max == 0  # nothing half-done


def test_training_batch_of_one_is_refused_by_batch_norm_only():
    rnn, x, _ = _rnn("batch")
    with pytest.raises(ValueError, match="more than 1 value per feature"):
        rnn.forward(x[:1])
    assert rnn.eval().forward(x[:1]).shape == (1, 6, 5)
    for norm in ("layer", None):
        assert _rnn(norm)[0].forward(x[:1]).shape == (1, 6, 5)


def test_bad_construction_and_call_order():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="norm must be"):
        RNN(2, 3, rng, norm="group")
    with pytest.raises(TypeError, match="rng"):
        RNN(2, 3, 0)
    with pytest.raises(ValueError, match="hidden_size"):
        RNN(2, 0, rng)
    with pytest.raises(ValueError, match="gamma_init"):
        RNN(2, 3, rng, gamma_init=float("nan"))
    with pytest.raises(bnlib._checks.BackwardBeforeForwardError):
        RNN(2, 3, rng).backward(np.zeros((1, 1, 3)))
    rnn = RNN(2, 3, rng)
    rnn.forward(np.ones((2, 4, 2)))
    with pytest.raises(ValueError, match="dout must have"):
        rnn.backward(np.zeros((2, 3, 3)))


def test_last_step_adapter_trains_with_the_engine():
    digits = sequences.digit_sequences(bnlib.load_digits(), by="row")
    rng = np.random.default_rng(0)
    model = bnlib.Sequential([RNN(8, 16, rng), LastStep(), bnlib.Linear(16, 10, rng)])
    history = bnlib.train(model, digits, steps=150, batch_size=60, lr=0.5, rng=rng)
    assert not history.diverged and history.final_accuracy > 0.8
    # The gradient of a loss on the last step only reaches earlier steps through time.
    model.forward(digits.x_test[:60])
    dhs = model[1].backward(np.ones((60, 16)))
    assert dhs.shape == (60, 8, 16) and not dhs[:, :-1].any()


def test_last_step_checks_its_input():
    with pytest.raises(ValueError, match=r"3-D with shape \(N, T, H\)"):
        LastStep().forward(np.zeros((2, 3)))


def test_model_deepcopy_leaves_the_original_statistics_alone():
    rnn, x, _ = _rnn("batch")
    rnn.forward(x)
    probe = copy.deepcopy(rnn)
    probe.forward(x * 3)
    assert not np.allclose(probe.running_mean_x, rnn.running_mean_x)


def test_sequence_helpers():
    digits = bnlib.load_digits()
    rows = sequences.digit_sequences(digits)
    np.testing.assert_array_equal(rows.x_train[5, 2], digits.x_train[5, 16:24])
    with pytest.raises(ValueError, match="by must be"):
        sequences.digit_sequences(digits, by="column")
    x, y = sequences.evidence_sequences(400, 5, np.random.default_rng(0), classes=4, signal=1.0)
    assert np.bincount(y).tolist() == [100] * 4
    means = np.array([x[y == k].mean(axis=(0, 1)) for k in range(4)])
    np.testing.assert_allclose(means, np.eye(4), atol=0.15)
    padded, mask = sequences.pad_sequences(x[:3], [5, 2, 1])
    assert mask.sum(1).tolist() == [5, 2, 1] and not padded[1, 2:].any()
    np.testing.assert_array_equal(padded[0], x[0])
    with pytest.raises(ValueError, match=r"lengths must be in \[1, 5\]"):
        sequences.pad_sequences(x[:2], [0, 3])


def test_gradient_through_time_numbers():
    x, y = recurrent_studies.digits_by_pixel(60)
    small = recurrent_studies.rnn_gradient_flow(0.1, x, y, hidden_size=16, seeds=(0, 1))
    large = recurrent_studies.rnn_gradient_flow(1.0, x, y, hidden_size=16, seeds=(0, 1))
    plain = recurrent_studies.rnn_gradient_flow(None, x, y, hidden_size=16, seeds=(0, 1))
    assert small.norms.shape == (2, 64)
    # The paper's factor: a larger gamma saturates tanh, so its mean slope is smaller ...
    assert large.tanh_slope < 0.6 < 0.95 < small.tanh_slope
    # ... but the recurrent batch norm divides by a smaller spread: gamma / sigma grows.
    assert large.recurrent_gain > 1.3 > 1.0 > small.recurrent_gain
    # Measured here: the plain RNN loses the most gradient per step, and gamma 1 the least ...
    assert plain.step_gain < small.step_gain < large.step_gain
    # ... as the root-mean-square slope times gamma / sigma predicts (the mean slope times gamma /
    # sigma would not: it falls from gamma 0.1 to 1).
    predicted = [f.rms_slope * f.recurrent_gain for f in (small, large)]
    assert predicted[0] < predicted[1] and large.tanh_slope * large.recurrent_gain < predicted[0]
    assert small.step_gains.shape == (2,) and np.isclose(small.step_gains.mean(), small.step_gain)
    assert np.isnan(plain.recurrent_gain)
    np.testing.assert_allclose(small.ratio(63), 1.0)
    np.testing.assert_allclose(small.gains_from(8), small.step_gains)  # one formula, two windows
    assert np.all(plain.gains_from(32) < small.gains_from(32)) and large.gains_from(62).shape == (
        2,
    )
    with pytest.raises(ValueError, match=r"start must be in \[0, 63\)"):
        small.gains_from(63)


def test_gradient_panel_looks_values_up():
    panel = bncourse.recurrent.panel.recurrent_gamma_panel(n=40, hidden_size=8)
    view = panel.compute(gamma_init=0.5)
    assert view.current is view.table[0.5] and view.plain.gamma_init is None
    assert "0.5" in panel.describe(view)
