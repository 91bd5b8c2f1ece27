"""diagnose_batchnorm: inspect a bnlib model and some data, report batch-norm problems in words.

It never changes the model: every forward pass runs on a deep copy. Each finding names the layer,
what was found, the evidence (numbers) and the fix. What it checks, per BatchNorm1d layer:
- "training mode": the layer would normalize with batch statistics at inference;
- "stale statistics": its running mean/variance are far from the statistics of its input over x
  (an untrained or miscalibrated layer, a validation pass in training mode, dropout before it).
  It assumes x is representative of the data the statistics should describe (training data, or
  test data from the same distribution): data from elsewhere fire it too. Needs N >= STALE_MIN_N
  rows in all (below that, the estimates of x's own variances are too noisy);
- "bias before BN": the Linear before it has a bias; while BN trains (batch statistics) the
  bias's gradient is exactly 0 (with BN frozen in eval mode it gets a gradient, which only
  duplicates beta). No data needed;
- "tiny batch": x has fewer than 4 rows per batch and the layer is in training mode (any N);
- "collapsed gamma": some |gamma| < 0.05, so those features carry almost no signal (no data);
- "non-i.i.d. batches": given x as K >= 2 stacked batches (K, N, D), the batch means differ far
  more than the sampling noise of N examples explains (sorted or one-class batches). Needs
  N >= 2 rows per batch (a within-batch variance).
A check that x is too small for is skipped, and a "not checked" finding says so.
"""

import copy
from dataclasses import dataclass, field

import numpy as np

from bnlib._checks import check_batch
from bnlib.dropout import Dropout
from bnlib.layers import BatchNorm1d, Linear
from bnlib.model import check_sequential

GAMMA_FLOOR = 0.05  # |gamma| below this: a feature whose output is nearly constant (beta)
NON_IID_RATIO = 4.0  # between-batch variance of the means / the i.i.d. expectation v / N
STALE_MEAN = 0.25  # |running mean - mean| in standard deviations of the input (median feature)
STALE_LOG_VAR = np.log(1.15)  # |log(running var / var)| (median feature)
STALE_MIN_N = 32  # rows the stale check needs: healthy models flagged 2/180 at 16 rows, 0 at 32
NON_IID_MIN_N = 2  # rows per batch the non-i.i.d. check needs


@dataclass(frozen=True)
class Finding:
    """One problem: the layer index, its kind, what was found, the numbers, and the fix."""

    layer: int
    kind: str
    what: str
    evidence: dict = field(default_factory=dict)
    fix: str = ""

    def __str__(self):
        numbers = ", ".join(f"{k} = {v:.3g}" for k, v in self.evidence.items())
        return f"layer {self.layer} ({self.kind}): {self.what} [{numbers}] Fix: {self.fix}"


def _check(model, x, y):
    check_sequential(model)
    stacked = check_batch(x, min_ndim=2, layout="(N, D) or (K, N, D)")
    if stacked.ndim not in (2, 3):
        raise ValueError(f"x must have shape (N, D) or (K, N, D); got shape {stacked.shape}")
    batches = stacked if stacked.ndim == 3 else stacked[None]
    if y is not None:
        y = np.asarray(y)
        if y.size != batches.shape[0] * batches.shape[1]:
            raise ValueError(
                f"y must hold one label per row of x {batches.shape[:2]}; got {y.shape}"
            )
        y = y.reshape(batches.shape[:2])
    return batches, y


def _inputs(model, rows, indices):
    """The input of every BN layer over `rows`, the model (a copy) in eval mode."""
    probe = copy.deepcopy(model).eval()
    return {i: probe.forward(rows, upto=i) for i in indices}


def _stale(i, bn, h, dropout_before):
    mean, var = h.mean(axis=0), h.var(axis=0, ddof=1)
    z = np.median(np.abs(bn.running_mean - mean) / np.sqrt(var + bn.eps))
    log_ratio = np.log((bn.running_var + bn.eps) / (var + bn.eps))
    shift = np.median(np.abs(log_ratio))
    # One standard error of one feature's estimate: the median over features is far steadier.
    limit_z = STALE_MEAN + 1 / np.sqrt(len(h))
    limit_v = STALE_LOG_VAR + np.sqrt(2 / (len(h) - 1))
    if z <= limit_z and shift <= limit_v:
        return []
    cause = (
        " A Dropout layer comes before it: in training its input had dropout's extra "
        "variance, which eval mode does not have (Li et al. 2019)."
        if dropout_before and np.median(log_ratio) > 0
        else ""
    )
    return [
        Finding(
            i,
            "stale statistics",
            "its running statistics are far from the statistics of its input over x (this "
            "assumes x is representative of the data they should describe)." + cause,
            {
                "median |running mean - mean| / std": float(z),
                "its threshold": float(limit_z),
                "median |log(running var / var)|": float(shift),
                "threshold for the log": float(limit_v),
                "running var / var, median (direction only)": float(np.exp(np.median(log_ratio))),
            },
            "re-estimate them on training data (bnlib.calibrate); "
            + (
                "or move dropout after the last batch-norm layer."
                if cause
                else "if the model was trained or fine-tuned on small or non-i.i.d. batches, "
                "calibrate repairs the statistics but not the weights trained through them: "
                "retrain, or fine-tune with BN in eval mode."
            ),
        )
    ]


def _not_checked(i, check, have, need, unit):
    return Finding(
        i,
        "not checked",
        f"the {check} check was skipped for every BN layer: x has {have} {unit}, the check "
        f"needs at least {need}.",
        {unit: have, "needed": need},
        f"pass at least {need} {unit} to run it.",
    )


def _non_iid(i, h_batches, y):
    k, n = h_batches.shape[:2]
    means, within = h_batches.mean(axis=1), h_batches.var(axis=1, ddof=1).mean(axis=0)
    ratio = float(np.median(means.var(axis=0, ddof=1) / (within / n + 1e-12)))
    if ratio <= NON_IID_RATIO:
        return []
    evidence = {"batches": k, "between-batch var of means / (var / N)": ratio}
    if y is not None:
        purity = np.mean([np.bincount(row).max() / n for row in y])
        evidence["mean share of the commonest class per batch"] = float(purity)
    return [
        Finding(
            i,
            "non-i.i.d. batches",
            "its batch means differ between batches far more than sampling noise explains "
            "(i.i.d. batches give a ratio near 1).",
            evidence,
            "shuffle the data before cutting batches; if batches cannot be i.i.d., Batch "
            "Renorm (notebook 08) or group norm.",
        )
    ]


def diagnose_batchnorm(model, x, y=None):
    """Findings about every BatchNorm1d of `model`, from its parameters and the data x.

    Inputs: model a bnlib Sequential; x (N, D) one batch, or (K, N, D) K batches in the order
    training would see them; y optional labels (N,) or (K, N) (evidence for non-i.i.d. batches).
    Returns: a list of Finding (empty when nothing is wrong), in layer order, then any "not
    checked" finding for a check x is too small for (see the module docstring). The model is
    never changed (modes, parameters, running statistics and counters stay as they were).

    >>> from bnlib import mlp
    >>> model = mlp([2, 3, 2], batchnorm=True, rng=np.random.default_rng(0))  # never trained
    >>> [f.kind for f in diagnose_batchnorm(model, np.random.default_rng(1).normal(size=(64, 2)))]
    ['training mode', 'stale statistics']
    """
    batches, y = _check(model, x, y)
    indices = model.find(BatchNorm1d)
    rows = batches.reshape(-1, batches.shape[-1])
    width = getattr(model.layers[0], "in_features", None)
    if width is not None and rows.shape[1] != width:
        raise ValueError(f"x must have {width} features per row for this model; got {rows.shape}")
    if not indices:
        return []
    inputs = _inputs(model, rows, indices)
    findings = []
    for i in indices:
        bn = model.layers[i]
        before = model.layers[i - 1] if i > 0 else None
        if bn.training:
            findings.append(
                Finding(
                    i,
                    "training mode",
                    "it is in training mode: at inference it would normalize each batch with "
                    "its own statistics, so a prediction depends on its batch mates.",
                    {"batch size of x": batches.shape[1]},
                    "call model.eval() before evaluating or predicting.",
                )
            )
            if batches.shape[1] < 4:
                findings.append(
                    Finding(
                        i,
                        "tiny batch",
                        "it would normalize batches of fewer than 4 examples: a batch of 1 "
                        "is refused (zero variance), a batch of 2 turns every value into +-1.",
                        {"batch size": batches.shape[1]},
                        "use batches of 16 or more (drop or merge a short last batch), or "
                        "eval mode at inference.",
                    )
                )
        if isinstance(before, Linear) and before.b is not None:
            findings.append(
                Finding(
                    i,
                    "bias before BN",
                    f"the Linear before it (layer {i - 1}) has a bias, which BN's mean "
                    "subtraction removes: while BN trains, the bias's gradient is exactly 0 (with "
                    "BN in eval mode it gets one, but only duplicates beta).",
                    {"|b| max": float(np.abs(before.b).max())},
                    "build that Linear with bias=False; BN's beta is the bias.",
                )
            )
        small = np.abs(bn.gamma) < GAMMA_FLOOR
        if small.any():
            findings.append(
                Finding(
                    i,
                    "collapsed gamma",
                    f"{int(small.sum())} of its {bn.num_features} features have |gamma| < "
                    f"{GAMMA_FLOOR}: their output is nearly the constant beta.",
                    {"features": int(small.sum()), "min |gamma|": float(np.abs(bn.gamma).min())},
                    "check the learning rate and weight decay on gamma; re-initialize "
                    "gamma to 1 if the features were meant to be used.",
                )
            )
        dropout_before = any(isinstance(layer, Dropout) for layer in model.layers[:i])
        if len(rows) >= STALE_MIN_N:
            findings += _stale(i, bn, inputs[i], dropout_before)
        if batches.shape[0] > 1 and batches.shape[1] >= NON_IID_MIN_N:
            findings += _non_iid(i, inputs[i].reshape(*batches.shape[:2], -1), y)
    if len(rows) < STALE_MIN_N:
        findings.append(
            _not_checked(indices[0], "stale-statistics", len(rows), STALE_MIN_N, "rows")
        )
    if batches.shape[0] > 1 and batches.shape[1] < NON_IID_MIN_N:
        findings.append(
            _not_checked(
                indices[0], "non-i.i.d.", batches.shape[1], NON_IID_MIN_N, "rows per batch"
            )
        )
    return findings
