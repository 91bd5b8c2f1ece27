"""Notebook 10's library: scale-invariance math, SGD's weight decay, ghost batch norm, residual
blocks, the optimizer probes and the studies (the equivalence and the equilibrium, measured)."""

import copy

import numpy as np
import pytest

import bncourse.optimization.views as ov
import bnlib
from bncourse.optimization import studies as optimization_studies
from bncourse.optimization.ghost import GhostBatchNorm1d
from bncourse.optimization.probes import (
    layer_statistics,
    scale_invariant_layers,
    weight_path_recorder,
)
from bncourse.optimization.scale_invariance import (
    angle_between,
    effective_lr,
    equilibrium_angular_update,
    equilibrium_steps,
    settling_step,
)
from bncourse.optimization.studies import residual_mlp
from bncourse.runs import over_seeds, spread
from bnlib.batchnorm import batchnorm_backward, batchnorm_forward
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import SGD, Sequential, check_sgd_args, forward_backward, mlp
from bnlib.residual import Residual

DIGITS = bnlib.load_digits()


def test_effective_lr_and_equilibrium_formulas():
    assert effective_lr(0.2, 2.0) == pytest.approx(0.05)
    assert np.allclose(effective_lr(1.0, np.array([1.0, 0.5])), [1.0, 4.0])
    assert equilibrium_angular_update(0.1, 0.05) == pytest.approx(0.1)
    assert equilibrium_angular_update(0.1, 0.05, momentum=0.9) == pytest.approx(0.1 / np.sqrt(1.9))
    assert equilibrium_angular_update(0.1, 0.0) == 0.0
    assert equilibrium_steps(0.2, 0.05) == pytest.approx(100.0)
    assert equilibrium_steps(0.2, 0.0) == float("inf")
    assert equilibrium_steps(0.2, 0.05, momentum=0.9) == pytest.approx(10.0)
    assert equilibrium_steps(0.02, 0.05, momentum=0.9) == pytest.approx(100.0)  # lr / 10: x 10


def test_settling_step_is_the_first_step_that_stays_within_tolerance():
    series = [5.0, 1.9, 2.0, 2.5, 2.02, 1.99]
    assert settling_step(series, 2.0, 0.05) == 4  # 1.9 and 2.0 leave again at 2.5
    assert settling_step(series, 2.0, 1.5) == 0
    assert settling_step([1.0, 3.0], 1.0, 0.1) is None  # outside at the end


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: effective_lr(0.1, 0.0), "weight_norm must be finite and > 0"),
        (lambda: effective_lr(-0.1, 1.0), "lr must be finite and > 0"),
        (lambda: equilibrium_angular_update(0.1, -1e-3), "weight_decay must be finite and >= 0"),
        (lambda: equilibrium_angular_update(0.1, 1e-3, momentum=1.0), "momentum must be in"),
        (
            lambda: check_sgd_args(0.1, weight_decay=float("inf")),
            "weight_decay must be finite and >= 0",
        ),
        (lambda: equilibrium_steps(0.1, float("nan")), "weight_decay must be finite"),
        (lambda: equilibrium_steps(0.1, 0.01, momentum=-0.1), "momentum must be in"),
        (lambda: settling_step([], 1.0, 0.1), "values must be a non-empty 1-D series"),
        (lambda: settling_step([1.0], 0.0, 0.1), "target must be finite and > 0"),
        (
            lambda: optimization_studies.momentum_toy_study(momenta=(1.0,), steps=2),
            "momentum must be in",
        ),
        (
            lambda: optimization_studies.momentum_toy_study(steps=2).settled(0.0, "loss"),
            'what must be "norm"',
        ),
        (lambda: angle_between([1.0, 0.0], [0.0, 0.0]), "must not be all zeros"),
        (lambda: angle_between([1.0, 0.0], [1.0, 0.0, 0.0]), "b must have a's size 2"),
        (
            lambda: SGD(mlp([2, 2], rng=np.random.default_rng(0)), 0.1, weight_decay=-1.0),
            "weight_decay",
        ),
        (lambda: GhostBatchNorm1d(3, ghost_size=1), "ghost_size must be >= 2"),
        (
            lambda: optimization_studies.depth_net("batch", 2, 4, np.random.default_rng(0)),
            "setting must be one of",
        ),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_angle_between_is_exact_for_tiny_and_right_angles():
    assert angle_between([1.0, 0.0], [0.0, 3.0]) == pytest.approx(np.pi / 2)
    assert angle_between([1.0, 0.0], [-2.0, 0.0]) == pytest.approx(np.pi)
    assert angle_between([1.0, 0.0], [1.0, 1e-9]) == pytest.approx(1e-9, rel=1e-6)


def test_sgd_weight_decay_is_pytorchs_and_the_filter_excludes():
    layer = Linear(1, 1, rng=np.random.default_rng(0))
    layer.W[:], layer.b[:], layer.dW, layer.db = 2.0, 1.0, np.array([[0.5]]), np.array([0.0])
    SGD(Sequential([layer]), lr=0.1, weight_decay=0.2, decay_filter=lambda _, n: n == "W").step()
    assert layer.W[0, 0] == pytest.approx(2.0 - 0.1 * (0.5 + 0.2 * 2.0))
    assert layer.b[0] == 1.0  # excluded from decay, zero gradient: unchanged
    plain = Linear(1, 1, rng=np.random.default_rng(0))
    plain.W[:], plain.dW, plain.db = 2.0, np.array([[0.5]]), np.array([0.0])
    SGD(Sequential([plain]), lr=0.1).step()
    assert plain.W[0, 0] == pytest.approx(1.95)


def test_rescaling_weights_by_c_and_their_lr_by_c2_gives_the_same_run():
    for c in (10.0, 0.1):
        run = optimization_studies.rescaled_run(DIGITS, c, np.random.default_rng(0), steps=60)
        assert np.max(np.abs(run.loss - run.loss_rescaled)) < 1e-11
        assert run.weight_gap < 1e-11 * c and run.other_gap < 1e-11
    loose = optimization_studies.rescaled_run(
        DIGITS, 10.0, np.random.default_rng(0), steps=60, scale_eps=False
    )
    assert np.max(np.abs(loose.loss - loose.loss_rescaled)) > 1e-6  # eps breaks exactness


def test_plain_sgd_only_grows_the_norm_and_decay_reaches_the_predicted_angle():
    study = optimization_studies.weight_decay_study(
        DIGITS, lrs=(0.4,), decays=(0.0, 0.05), seeds=(0,), steps=300
    )
    plain, decayed = study.norms(lr=0.4, weight_decay=0.0), study.norms(lr=0.4, weight_decay=0.05)
    grow = np.diff(plain[0], axis=0)
    assert grow.min() > -1e-6 * plain[0].max()
    angle = study.angle(lr=0.4, weight_decay=0.05, last=50)[0]
    predicted = equilibrium_angular_update(0.4, 0.05)
    assert np.all(np.abs(angle / predicted - 1) < 0.15), angle / predicted
    assert decayed[0, -1].max() < plain[0, -1].min()


def test_the_study_is_its_runs_and_is_read_by_name():
    study = optimization_studies.weight_decay_study(
        DIGITS, lrs=(0.1, 0.4), decays=(0.05,), seeds=(0, 1), steps=30
    )
    one = optimization_studies.weight_decay_run(DIGITS, 0.4, 0.05, np.random.default_rng(1), 30)
    path = one.records["path"]  # (steps, 2, L): the study's lr 0.4, seed 1 is this run
    assert np.array_equal(study.norms(lr=0.4, weight_decay=0.05)[1], path[:, 0])
    assert np.array_equal(study.angles(lr=0.4, weight_decay=0.05)[1], path[:, 1], equal_nan=True)
    assert study.test_accuracy(lr=0.4, weight_decay=0.05)[1] == one.final_accuracy
    assert np.allclose(study.angle(lr=0.4, weight_decay=0.05, last=10)[1], path[-10:, 1].mean(0))
    with pytest.raises(ValueError, match=r"lr must be one of the study's \(0.1, 0.4\); got 0.2"):
        study.norms(lr=0.2, weight_decay=0.05)
    with pytest.raises(ValueError, match=r"weight_decay must be one of the study's \(0.05,\)"):
        study.angle(lr=0.4, weight_decay=0.0)


def test_before_bn_decays_exactly_the_scale_invariant_weights():
    model = mlp([64, 16, 16, 10], batchnorm=True, rng=np.random.default_rng(0))
    picked = [
        i for i, layer in enumerate(model.layers) if optimization_studies.before_bn(layer, "W")
    ]
    assert picked == scale_invariant_layers(model) == [0, 3]
    assert not any(optimization_studies.before_bn(model[0], n) for n in ("gamma", "beta"))


def test_momentum_reaches_its_own_equilibrium_angle_and_settles_sooner():
    toy = optimization_studies.momentum_toy_study(seeds=(0, 1))
    for mu in toy.momenta:
        late = toy.angles(mu)[:, -200:].mean(axis=1)
        assert np.all(np.abs(late / equilibrium_angular_update(0.1, 0.05, mu) - 1) < 0.02), late
    for what in ("norm", "angle"):
        plain, heavy = toy.settled(0.0, what, 0.1), toy.settled(0.9, what, 0.1)
        assert None not in plain + heavy and 4 * max(heavy) < min(plain), (what, plain, heavy)
    assert np.all(toy.norm_runs[:, :, 0] == 5.0)  # one start for every momentum and seed
    assert np.allclose(toy.norms(0.0)[0], toy.norms(0.0)[1], rtol=1e-9)  # steady |g|: seed-free
    with pytest.raises(ValueError, match=r"momentum must be one of the study's \(0.0, 0.9\)"):
        toy.norms(0.5)


def test_weight_decay_study_passes_momentum_to_sgd():
    kw = dict(lrs=(0.1,), decays=(0.05,), seeds=(0,), steps=120)
    plain, heavy = (
        optimization_studies.weight_decay_study(DIGITS, **kw),
        optimization_studies.weight_decay_study(DIGITS, **kw, momentum=0.9),
    )
    assert heavy.momentum == 0.9 and plain.momentum == 0.0
    late = heavy.angle(lr=0.1, weight_decay=0.05, last=40)[0]
    assert np.all(np.abs(late / equilibrium_angular_update(0.1, 0.05, 0.9) - 1) < 0.1), late
    assert np.all(
        plain.angle(lr=0.1, weight_decay=0.05, last=40)[0]
        < 0.8 * equilibrium_angular_update(0.1, 0.05)
    )


def test_ghost_batch_norm_is_batch_norm_on_each_ghost_batch():
    gen = np.random.default_rng(1)
    x, dout = gen.normal(size=(11, 3)), gen.normal(size=(11, 3))
    for n in (8, 11):  # even split, and a ragged one (4, 4, 3)
        bn = GhostBatchNorm1d(3, ghost_size=4)
        bn.gamma, bn.beta = gen.normal(size=3), gen.normal(size=3)
        out, dx = bn.forward(x[:n]), bn.backward(dout[:n])
        for lo in range(0, n, 4):
            hi = min(lo + 4, n)
            ref, cache = batchnorm_forward(x[lo:hi], bn.gamma, bn.beta)
            assert np.allclose(out[lo:hi], ref, atol=1e-12)
            assert np.allclose(dx[lo:hi], batchnorm_backward(dout[lo:hi], cache)[0], atol=1e-12)
    big = GhostBatchNorm1d(3, ghost_size=32)
    assert np.allclose(big.forward(x), BatchNorm1d(3).forward(x))


def test_zero_init_residual_net_is_the_same_function_at_every_depth():
    x = DIGITS[0][:32]
    firsts = []
    for blocks in (1, 4, 8):
        model = residual_mlp(64, 16, blocks, 10, rng=np.random.default_rng(0))
        forward_backward(model, x, DIGITS[1][:32])
        firsts.append(np.linalg.norm(model[0].dW))
    assert np.allclose(firsts, firsts[0], rtol=0.5)
    model = residual_mlp(64, 16, 2, 10, rng=np.random.default_rng(0))
    # W, gamma, beta; per block two (W, gamma, beta); the last layer's W and b.
    assert len(model.parameters()) == 3 + 2 * 6 + 2 and len(model.find(Residual)) == 2
    block = model[model.find(Residual)[0]]
    assert np.array_equal(block.branch[-1].gamma, np.zeros(16))
    assert np.allclose(block.forward(x @ model[0].W), x @ model[0].W)


def test_depth_study_finds_the_explosion_and_its_cures():
    study = optimization_studies.depth_study(
        DIGITS, depths=(2, 8, 16), settings=("batch norm", "residual, gamma 0"), width=32
    )
    rate = study.rate()
    assert rate[0].min() > 1.1  # batch norm without skips: about 1.2 per layer
    assert np.all(np.abs(rate[1] - 1) < 0.05)  # zero-initialized residual: flat


def test_probes_never_change_the_model():
    model = mlp([64, 16, 16, 10], activation="tanh", batchnorm=True, rng=np.random.default_rng(0))
    before = copy.deepcopy(model)
    stats = layer_statistics(model, DIGITS[0][:64], DIGITS[1][:64])
    weight_path_recorder(scale_invariant_layers(model))(model, None, None)
    for a, b in zip(model.layers, before.layers, strict=True):
        for key, value in vars(b).items():
            if isinstance(value, np.ndarray):
                assert np.array_equal(getattr(a, key), value), key
    assert len(stats.activations) == 2 and np.all(stats.saturated < 0.2)
    assert scale_invariant_layers(model) == [0, 3]


def test_weight_decay_view_selects_a_cell_and_rejects_values_outside_the_study():
    study = optimization_studies.weight_decay_study(
        DIGITS, lrs=(0.4,), decays=(0.0, 0.05), seeds=(0,), steps=40
    )
    view = ov.weight_decay_view(study, 0.4, 0.05)
    assert view.predicted == pytest.approx(0.2) and view.settle == pytest.approx(50.0)
    assert view.norms.shape == (1, 39) and view.angles.shape == (
        1,
        40 - ov.WINDOW,
    )
    assert "too short to settle" in ov.describe_weight_decay_view(view)
    flat = ov.weight_decay_view(study, 0.4, 0.0)
    assert "no equilibrium" in ov.describe_weight_decay_view(flat)
    with pytest.raises(ValueError, match="lr must be one of the study's"):
        ov.weight_decay_view(study, 0.1, 0.05)
    with pytest.raises(ValueError, match="weight_decay must be one of the study's"):
        ov.weight_decay_view(study, 0.4, 0.01)


def test_spread_prints_mean_and_range_and_over_seeds_gives_each_setting_the_same_draws():
    assert spread([0.9, 0.95, 1.0], ".2f") == "0.95 [0.90-1.00]"
    assert spread(np.array([[0.5, 1.5]]), lambda v: f"{v:g}") == "1 [0.5-1.5]"
    with pytest.raises(ValueError, match="values must hold at least one number"):
        spread([])
    draws = over_seeds(lambda setting, rng: rng.normal(size=3), ["a", "b"], [4, 5])
    assert np.array_equal(draws[0][1], draws[1][1])  # seed 5's draws in both settings
    assert not np.array_equal(draws[0][0], draws[0][1])
    with pytest.raises(ValueError, match="seeds must be a non-empty list"):
        over_seeds(lambda setting, rng: 0, ["a"], [])


def test_moving_average_is_the_mean_of_each_window():
    x = np.arange(10.0).reshape(2, 5)
    assert np.allclose(ov.moving_average(x, 3), [[1, 2, 3], [6, 7, 8]])
    with pytest.raises(ValueError, match="window must be in"):
        ov.moving_average(x, 6)
