"""bnlib's public surface: at most 40 names; the names earlier issues spelled out stay
importable from `bnlib` (or from the module the README's table names) with their parameters;
every exercise checker is in `bncourse.exercises`."""

import importlib
import inspect
from pathlib import Path

import pytest

import bncourse
import bnlib

# Parameter names as earlier issues fixed them (tests outside this repository call these).
SIGNATURES = {
    "batchnorm_forward": ("x", "gamma", "beta", "eps"),
    "batchnorm_backward": ("dout", "cache"),
    "layernorm_forward": ("x", "gamma", "beta", "eps"),
    "groupnorm_forward": ("x", "gamma", "beta", "num_groups", "eps"),
    "batch_renorm_forward": (
        "x", "gamma", "beta", "running_mean", "running_var", "r_max", "d_max", "eps",
    ),
    "update_running_stats": (
        "running_mean", "running_var", "batch_mean", "batch_var", "n", "momentum",
        "num_batches_tracked",
    ),
    "keras_to_torch_momentum": ("keras_momentum",),
    "fold_batchnorm": ("W", "b", "gamma", "beta", "running_mean", "running_var", "eps"),
    "calibrate": ("model", "x", "batch_size"),
    "internal_covariate_shift": ("model", "x", "y", "lr"),
    "sweep": ("data", "sizes", "settings", "seeds", "steps", "batch_size", "activation"),
    "mlp": (
        "sizes", "activation", "batchnorm", "bn_position", "init_scale", "rng", "noisy_bn", "norm",
    ),
    "train": (
        "model", "data", "steps", "batch_size", "lr", "rng", "momentum", "eval_every", "record",
        "record_every",
    ),
    "RNN": (
        "input_size", "hidden_size", "rng", "norm", "gamma_init", "eps", "momentum", "init_scale",
    ),
    "BatchNorm1d": ("num_features", "eps", "momentum"),
    "LayerNorm": ("num_features", "eps"),
    "GroupNorm": ("num_channels", "num_groups", "eps"),
    "BatchRenorm1d": ("num_features", "eps", "momentum", "r_max", "d_max", "warmup", "ramp"),
    "NoisyBatchNorm": ("num_features", "rng", "scale_noise", "shift_noise", "kwargs"),
    "forward_backward": ("model", "x", "y"),
    "load_digits": ("rng", "test_fraction", "path"),
}  # fmt: skip
# The names issue 28 keeps at the top level (tests outside this repository import them from
# bnlib), beside the convolution names of issue 29.
COMPATIBLE = [
    "batchnorm_forward", "batchnorm_backward", "batchnorm_inference", "spatial_batchnorm_forward",
    "spatial_batchnorm_backward", "layernorm_forward", "layernorm_backward", "groupnorm_forward",
    "groupnorm_backward", "batch_renorm_forward", "batch_renorm_backward", "update_running_stats",
    "keras_to_torch_momentum", "fold_batchnorm", "calibrate", "numerical_gradient",
    "internal_covariate_shift", "diagnose_batchnorm", "weight_scale_sweep", "load_digits", "mlp",
    "train", "Linear", "Sigmoid", "BatchNorm1d", "RNN", "conv2d_forward", "conv2d_backward",
    "Conv2d", "BatchNorm2d", "fold_conv_batchnorm", "sweep",
]  # fmt: skip
# Other names earlier issues listed at the top level, and where they live now (README, "Old
# import -> new import").
MOVED = {
    "Tanh": "bnlib.layers", "NoisyBatchNorm": "bnlib.layers", "LastStep": "bnlib.rnn",
    "LayerNorm": "bnlib.norm_layers", "GroupNorm": "bnlib.norm_layers",
    "BatchRenorm1d": "bnlib.norm_layers", "forward_backward": "bnlib.model",
    "SweepResult": "bnlib.sweep", "renorm_limits": "bnlib.renorm",
    "running_average": "bncourse.inference.studies", "fold_model": "bnlib.inference",
    "predict_proba": "bnlib.inference", "train_mode_accuracy": "bnlib.inference",
    "ics_recorder": "bncourse.covariate_shift.recorders",
    "layer_input_histograms": "bncourse.covariate_shift.recorders",
    "layer_input_gradient_norms": "bncourse.gradients.gradient_norms",
    "layer_gradient_norms": "bncourse.gradients.gradient_norms",
    "grad_norms": "bnlib.recorders", "train_eval_gap": "bncourse.inference.studies",
    "batch_size_sweep": "bncourse.small_batches.studies",
    "BackwardBeforeForwardError": "bnlib.layers",
    "CONVENTIONS": "bnlib.running",
    "DEFAULT_EPS": "bnlib.running",
    "DEFAULT_MOMENTUM": "bnlib.running",
    "carry_eps": "bnlib.running",
    "update_running_std": "bnlib.running",
    "Dropout": "bnlib.dropout",
    "Finding": "bnlib.diagnose",
    "Flatten": "bnlib.conv_layers",
    "GlobalAvgPool2d": "bnlib.conv_layers",
    "History": "bnlib.training",
    "Residual": "bnlib.residual",
    "TANH_SATURATED": "bncourse.optimization.probes",
    "layer_input_spread": "bnlib.gradflow",
    "mse_loss": "bnlib.model",
    "softmax_cross_entropy": "bnlib.model",
    "train_mode_forward": "bnlib.inference",
    "weight_norms": "bnlib.recorders",
    "GhostBatchNorm1d": "bncourse.optimization.ghost",
    "residual_mlp": "bncourse.optimization.studies",
    "LayerStats": "bncourse.optimization.probes",
    "layer_statistics": "bncourse.optimization.probes",
    "scale_invariant_layers": "bncourse.optimization.probes",
    "update_to_data_recorder": "bncourse.optimization.probes",
    "weight_path_recorder": "bncourse.optimization.probes",
    "angle_between": "bncourse.optimization.scale_invariance",
    "effective_lr": "bncourse.optimization.scale_invariance",
    "equilibrium_angular_update": "bncourse.optimization.scale_invariance",
    "equilibrium_steps": "bncourse.optimization.scale_invariance",
    "LANDSCAPE_MEASURES": "bncourse.gradients.landscape",
    "landscape_medians": "bncourse.gradients.landscape",
    "landscape_recorder": "bncourse.gradients.landscape",
    "probe_landscape": "bncourse.gradients.landscape",
    "summarize_landscape": "bncourse.gradients.landscape",
    "activation_input_percentiles": "bncourse.covariate_shift.recorders",
    "ics_medians": "bncourse.covariate_shift.recorders",
    "bn_input": "bncourse.inference.recorders",
    "bn_statistics": "bncourse.inference.recorders",
    "digit_sequences": "bncourse.recurrent.sequences",
    "evidence_sequences": "bncourse.recurrent.sequences",
    "evidence_task": "bncourse.recurrent.sequences",
    "pad_sequences": "bncourse.recurrent.sequences",
    "fit_regression": "bncourse.gamma_beta.studies",
    "sigmoid_teacher": "bncourse.gamma_beta.studies",
}  # fmt: skip
MAX_TOP_LEVEL = 40


def resolve(name):
    """The object `name` names: at bnlib's top level, or in the module MOVED gives."""
    if name in MOVED:
        return getattr(importlib.import_module(MOVED[name]), name)
    return getattr(bnlib, name)


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_names_from_earlier_issues_keep_their_signature(name):
    """The parameters an earlier issue fixed come first, in order; a later issue may only add
    parameters with defaults after them (as `convention`, `fresh_noise`, `pool_input` did), so
    every call written against the earlier signature still means the same thing."""
    params = inspect.signature(resolve(name)).parameters
    fixed = SIGNATURES[name]
    names = [p for p in params if p != "kwargs"]
    assert tuple(names[: len([f for f in fixed if f != "kwargs"])]) == tuple(
        f for f in fixed if f != "kwargs"
    )
    added = [params[p] for p in names[len([f for f in fixed if f != "kwargs"]) :]]
    assert all(p.default is not inspect.Parameter.empty for p in added), added
    assert ("kwargs" in fixed) == ("kwargs" in params)


def test_the_compatible_names_stay_top_level():
    missing = [n for n in COMPATIBLE if n not in bnlib.__all__ or not hasattr(bnlib, n)]
    assert not missing


def test_moved_names_live_where_the_readme_says():
    for name, module in MOVED.items():
        assert hasattr(importlib.import_module(module), name), f"{name} not in {module}"
        assert name not in bnlib.__all__


def test_the_top_level_is_small_and_all_of_it_is_in_all():
    """At most 40 names, and `__all__` is exactly the public non-module names of bnlib."""
    public = {
        n for n, obj in vars(bnlib).items() if not n.startswith("_") and not inspect.ismodule(obj)
    }
    assert public == set(bnlib.__all__), public ^ set(bnlib.__all__)
    assert len(bnlib.__all__) <= MAX_TOP_LEVEL, len(bnlib.__all__)
    assert len(set(bnlib.__all__)) == len(bnlib.__all__)


def test_every_checker_is_in_the_flat_exercises_namespace():
    from bncourse import exercises

    for path in sorted(Path(bncourse.__file__).parent.glob("*/checks.py")):
        module = importlib.import_module(f"bncourse.{path.parent.name}.checks")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and fn.__module__ == module.__name__:
                assert getattr(exercises, name, None) is fn, f"{module.__name__}.{name}"
                assert name in exercises.__all__, name


def test_internal_names_are_not_top_level():
    for name in ("NORMS", "renorm_for", "default_groups", "probe", "summarize", "make_norm"):
        assert name not in bnlib.__all__ and not hasattr(bnlib, name), name
