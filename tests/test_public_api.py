"""bnlib's public surface: the names earlier issues spelled out stay importable from `bnlib`
with their parameters, the subpackages are reachable, and no name means two things."""

import importlib
import inspect

import pytest

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
# Other names earlier issues listed, importable from bnlib.
ALSO_TOP_LEVEL = [
    "Linear", "Sequential", "Sigmoid", "ReLU", "Tanh", "LastStep", "SweepResult",
    "batchnorm_inference", "spatial_batchnorm_forward", "groupnorm_backward",
    "batch_renorm_backward", "renorm_limits", "running_average", "fold_model", "predict_proba",
    "train_mode_accuracy", "train_eval_gap", "numerical_gradient", "rel_error", "ics_recorder",
    "layer_input_histograms", "layer_input_gradient_norms", "layer_gradient_norms", "grad_norms",
]  # fmt: skip
SUBPACKAGES = ["data", "norms", "engine", "probes", "experiments", "views", "plots", "widgets"]
SUBPACKAGES += ["exercises"]


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_names_from_earlier_issues_keep_their_signature(name):
    """The parameters an earlier issue fixed come first, in order; a later issue may only add
    parameters with defaults after them (as `convention`, `fresh_noise`, `pool_input` did), so
    every call written against the earlier signature still means the same thing."""
    params = inspect.signature(getattr(bnlib, name)).parameters
    fixed = SIGNATURES[name]
    names = [p for p in params if p != "kwargs"]
    assert tuple(names[: len([f for f in fixed if f != "kwargs"])]) == tuple(
        f for f in fixed if f != "kwargs"
    )
    added = [params[p] for p in names[len([f for f in fixed if f != "kwargs"]) :]]
    assert all(p.default is not inspect.Parameter.empty for p in added), added
    assert ("kwargs" in fixed) == ("kwargs" in params)


def test_other_names_from_earlier_issues_stay_top_level():
    missing = [n for n in ALSO_TOP_LEVEL if n not in bnlib.__all__ or not hasattr(bnlib, n)]
    assert not missing


def test_every_subpackage_is_reachable():
    for name in SUBPACKAGES:
        assert importlib.import_module(f"bnlib.{name}") is getattr(bnlib, name)


def test_internal_names_are_not_top_level():
    for name in ("NORMS", "renorm_for", "default_groups", "probe", "summarize", "make_norm"):
        assert name not in bnlib.__all__ and not hasattr(bnlib, name), name


def test_no_public_name_means_two_things():
    """A name exported by two of bnlib, views, experiments, plots and widgets is one object."""
    seen, clashes = {}, []
    for package in ("bnlib", "bnlib.views", "bnlib.experiments", "bnlib.plots", "bnlib.widgets"):
        module = importlib.import_module(package)
        for name in module.__all__:
            obj = getattr(module, name)
            if name in seen and seen[name][1] is not obj:
                clashes.append(f"{name} in {seen[name][0]} and {package}")
            seen.setdefault(name, (package, obj))
    assert not clashes, clashes
