"""Notebook 04's recorders for `bnlib.train` (moved from `bnlib.ics` and `bnlib.recorders`):
Santurkar et al.'s gradient shift at each record step, and what the activation layers
receive (histograms, percentiles). Each works on copies: the model is never changed.
"""

import copy

import numpy as np

from bnlib._blas import one_blas_thread
from bnlib._checks import check_batch, check_flag, check_index, check_positive
from bnlib.ics import ACTIVATION_LAYERS, check_model, gradient_shift


def ics_recorder(lr, fresh_noise=False):
    """Recorder for `bnlib.train`: `internal_covariate_shift` on each record step's minibatch,
    with the training learning rate `lr` (and `fresh_noise` as there).

    The recorder returns (3, L - 1): rows ||G - G'||, cos(G, G') and the scale-free
    ||G - G'|| / ||G|| (NaN where G is zero), so History.records[name] is (record steps, 3, L - 1).

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], rng=gen)
    >>> rows = ics_recorder(0.1)(model, gen.normal(size=(16, 4)), gen.integers(0, 3, 16))
    >>> rows.shape, bool(np.all(rows[2] < 1))
    ((3, 2), True)
    """
    lr = check_positive(lr, "lr")
    check_flag(fresh_noise, "fresh_noise")

    def recorder(model, x, y):
        l2, cosine, g_norm = gradient_shift(model, x, y, lr, fresh_noise)
        with np.errstate(divide="ignore", invalid="ignore"):
            relative = np.where(g_norm > 0, l2 / g_norm, np.nan)
        return np.stack([l2, cosine, relative])

    return recorder


def ics_medians(records):
    """Medians over record steps of `ics_recorder`'s rows, with ||G|| added as a fourth row.

    Input: records (R, 3, L - 1) (rows ||G - G'||, cos(G, G'), ||G - G'|| / ||G||).
    Returns: (4, L - 1): the medians of those three rows and of ||G|| = row 0 / row 2.

    >>> rows = np.array([[[0.2], [0.9], [0.5]], [[0.4], [0.7], [0.5]]])
    >>> ics_medians(rows).ravel().round(3).tolist()
    [0.3, 0.8, 0.5, 0.6]
    """
    records = np.asarray(records, dtype=np.float64)
    return np.median(np.concatenate([records, records[:, :1] / records[:, 2:]], axis=1), axis=0)


def layer_input_histograms(x, edges):
    """Recorder factory: histograms of what every activation layer receives, all units pooled.

    Inputs: x (N, D) fixed probe inputs (sent through a copy of the model in training mode:
    batch statistics over x); edges (B + 1,) increasing bin edges. Values outside the edges
    are counted in the first or last bin, so every count adds up to N * units.
    The recorder returns an array (A, B), one row per activation layer, first to last.

    >>> from bnlib import mlp
    >>> gen = np.random.default_rng(0)
    >>> model = mlp([4, 8, 8, 3], batchnorm=True, rng=gen)
    >>> record = layer_input_histograms(gen.normal(size=(50, 4)), np.linspace(-3, 3, 7))
    >>> counts = record(model, None, None)
    >>> counts.shape, counts.sum(axis=1)
    ((2, 6), array([400, 400]))
    """
    x = check_batch(x, ndim=2, layout="(N, D)")
    edges = np.asarray(edges, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0):
        raise ValueError(f"edges must be a 1-D increasing array of >= 2 numbers; got {edges!r:.80}")
    inner = edges[1:-1]

    def recorder(model, _x_batch, _y_batch):
        work = copy.deepcopy(model).train()
        with one_blas_thread(), np.errstate(over="ignore", invalid="ignore"):
            acts = set(check_model(work, ACTIVATION_LAYERS, 1, "activation layers"))
            rows, h = [], x
            for k, layer in enumerate(work.layers[: max(acts) + 1]):
                if k in acts:
                    bins = np.searchsorted(inner, h.ravel(), side="right")
                    rows.append(np.bincount(bins, minlength=len(edges) - 1))
                h = layer.forward(h)
        return np.array(rows)

    return recorder


def _width_before(model, index):
    """The number of features layer `index` receives (from the nearest layer that says)."""
    for layer in reversed(model.layers[:index]):
        for attribute in ("out_features", "num_features", "num_channels"):
            if hasattr(layer, attribute):
                return getattr(layer, attribute)
    return model.layers[0].in_features


def activation_input_percentiles(x, which=-1, units=(0,), q=(15, 50, 85)):
    """Recorder factory: percentiles of what the `which`-th activation layer receives.

    The probe inputs `x` (N, D) go through a copy of the model in training mode (batch
    statistics over x), so recording never touches the real model's running statistics.
    The recorder returns an array (len(units), len(q)); it checks `which` and `units` against
    the model before running it.
    """

    units = list(units)

    def recorder(model, _x_batch, _y_batch):
        activations = model.find(ACTIVATION_LAYERS)
        index = activations[check_index(which, "which", len(activations), "activation layers")]
        width = _width_before(model, index)
        for i, unit in enumerate(units):
            check_index(unit, f"units[{i}]", width, f"units in activation layer {index}")
        inputs = copy.deepcopy(model).train().forward(x, upto=index)
        return np.percentile(inputs[:, units], q, axis=0).T

    return recorder
