"""Exercise checkers for notebook 04: percentiles of recorded inputs, reading a sweep, and
Santurkar et al.'s gradient measure of internal covariate shift on a two-layer toy."""

import numpy as np

from ..engine.layers import Linear
from ..engine.model import Sequential
from ..experiments.sweep import SweepResult
from ..probes.ics import internal_covariate_shift
from ._feedback import Feedback, _call

Q = (15, 50, 85)


def _percentile_inputs(seed):
    """(T, N) skewed recorded inputs: T = 7 steps, N = 90 examples (never square)."""
    rng = np.random.default_rng(seed)
    return rng.gamma(2.0, 1.0, size=(7, 90)) * np.linspace(0.5, 2.0, 7)[:, None] - 1.5


def _percentile_mistakes(inputs):
    mu, sd = inputs.mean(axis=1), inputs.std(axis=1)
    return [
        (
            np.percentile(inputs, Q, axis=1),
            "one row per step, please: you returned (3, T); "
            "transpose it (or take the percentiles with axis=1 and then .T).",
        ),
        (
            np.percentile(inputs, (5, 50, 95), axis=1).T,
            "those are the 5th/50th/95th percentiles; the plot uses the 15th, 50th and 85th.",
        ),
        (
            np.percentile(inputs, (25, 50, 75), axis=1).T,
            "those are the quartiles (25/50/75); "
            "the plot uses the 15th, 50th and 85th percentiles.",
        ),
        (
            np.percentile(inputs, (0.15, 0.5, 0.85), axis=1).T,
            "np.percentile wants q in "
            "percent (15, 50, 85); 0.15 is the 0.15th percentile. (np.quantile takes fractions.)",
        ),
        (
            np.stack([mu - sd, mu, mu + sd], axis=1),
            "that is mean - std, mean, mean + std. For a "
            "normal distribution it would be close, but these inputs are skewed: use percentiles.",
        ),
        (
            np.stack([mu - sd, np.median(inputs, 1), mu + sd], axis=1),
            "the median is right; the "
            "outer two are mean -/+ std, not the 15th and 85th percentiles.",
        ),
    ]


def _check_percentile_answer(fn, inputs):
    result, failed = _call(fn, (inputs,), "(inputs)")
    if failed is not None:
        return failed
    if result is None or result is Ellipsis:
        return Feedback(False, "your function returned None: return the (T, 3) array.")
    try:
        answer = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(
            False, f"your function returned {type(result).__name__}; expected a (T, 3) array."
        )
    t, n = inputs.shape
    for variant, hint in _percentile_mistakes(inputs):
        if variant.shape == answer.shape and np.allclose(answer, variant, rtol=1e-6, atol=1e-9):
            return Feedback(False, hint)
    if answer.shape != (t, 3):
        across = "" if answer.shape != (3, n) else " You took them over the steps (axis 0)."
        return Feedback(
            False,
            f"your output has shape {answer.shape}; expected ({t}, 3): one "
            f"row per training step, one column per percentile.{across}",
        )
    if not np.all(np.isfinite(answer)):
        return Feedback(False, "your output holds NaN or inf.")
    # Any usual definition (interpolated, nearest, lower, higher, midpoint) lies in [lower, higher].
    low = np.percentile(inputs, Q, axis=1, method="lower").T
    high = np.percentile(inputs, Q, axis=1, method="higher").T
    inside = (answer >= low - 1e-4) & (answer <= high + 1e-4)
    if not inside.all():
        i, j = np.argwhere(~inside)[0]
        want = np.percentile(inputs, Q, axis=1).T[i, j]
        return Feedback(
            False,
            f"step {i}, {Q[j]}th percentile: you gave {answer[i, j]:.4f}, "
            f"expected {want:.4f}. Sort each row, or use np.percentile on axis 1.",
        )
    return None


def check_percentiles(fn):
    """Check a learner's fn(inputs) -> (T, 3): the 15th, 50th and 85th percentiles of each row
    of inputs (T steps, N examples), as in Ioffe and Szegedy's Figure 1."""
    for seed in (0, 1):  # a second set of inputs catches hard-coded numbers
        problem = _check_percentile_answer(fn, _percentile_inputs(seed))
        if problem is not None:
            return problem
    return Feedback(
        True, "15th, 50th and 85th percentile of every step: the three lines of the figure."
    )


def _as_rates(answer):
    if answer is None or answer is Ellipsis:
        return None, Feedback(False, "replace the ... with your list of learning rates.")
    if isinstance(answer, (str, bytes, dict)):
        return None, Feedback(False, f"give a list of numbers, like [0.5, 5]; got {answer!r:.40}.")
    if isinstance(answer, (set, frozenset)):
        answer = sorted(answer, key=repr)
    try:
        rates = np.atleast_1d(np.asarray(answer, dtype=np.float64))
    except (TypeError, ValueError):
        return None, Feedback(False, f"give a list of numbers, like [0.5, 5]; got {answer!r:.40}.")
    if rates.ndim != 1 or not np.all(np.isfinite(rates)):
        return None, Feedback(False, "give a flat list of finite learning rates.")
    return rates, None


def check_diverging_rates(answer, result):
    """Check the learning rates a learner reads off a learning-rate sweep (a SweepResult) as
    those where *every* seed of the network without BN diverged."""
    if not isinstance(result, SweepResult):
        return Feedback(False, f"pass the sweep result as `result`; got {type(result).__name__}.")
    rates, failed = _as_rates(answer)
    if failed is not None:
        return failed
    plain = [k for k, s in enumerate(result.settings) if not (s["batchnorm"] or s["noisy_bn"])]
    if not plain:
        return Feedback(False, "this sweep has no runs without BN.")
    lrs = np.array([result.settings[k]["lr"] for k in plain], dtype=np.float64)
    all_div = result.diverged[plain].all(axis=1)
    want = set(lrs[all_div].tolist())
    swept = sorted(lrs.tolist())
    if np.any(rates <= 0) or not all(np.isclose(swept, r, rtol=1e-3).any() for r in rates):
        return Feedback(False, f"choose among the swept rates {swept}.")
    got = {v for v in swept if np.isclose(rates, v, rtol=1e-3).any()}
    bn = {
        s["lr"]
        for k, s in enumerate(result.settings)
        if s["batchnorm"] and result.diverged[k].all()
    }
    if got == want:
        return Feedback(
            True,
            f"without BN every seed diverged at {sorted(want)}; with BN only "
            f"at {sorted(bn) or 'none'}.",
        )
    if got == bn and got != want:
        return Feedback(False, "those are the rates where the network *with* BN diverged.")
    if got < want:
        return Feedback(False, f"also {sorted(want - got)}: look for the x on the diverged row.")
    return Feedback(
        False,
        f"not {sorted(got - want)}: at that rate some seed trained (a point "
        "with an error bar) or the runs only stalled near chance.",
    )


def _toy(seed):
    rng = np.random.default_rng(seed)
    W1, W2 = rng.normal(0, 0.8, (3, 4)), rng.normal(0, 0.8, (4, 3))
    x, y = rng.normal(size=(8, 3)), rng.integers(0, 3, 8)
    return W1, W2, x, y, 0.5 + seed


def _toy_model(W1, W2):
    first = Linear(*W1.shape, rng=np.random.default_rng(0), bias=False)
    second = Linear(*W2.shape, rng=np.random.default_rng(0), bias=False)
    first.W, second.W = W1.copy(), W2.copy()
    return Sequential([first, second])


def _grads(W1, W2, x, y, scale=1.0):
    """dL/dW1, dL/dW2 for logits = x W1 W2, mean cross-entropy (times `scale`)."""
    h = x @ W1
    p = np.exp(h @ W2 - (h @ W2).max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    d = scale * p / len(y)
    return x.T @ (d @ W2.T), h.T @ d


def _shift(g, g2):
    return np.linalg.norm(g - g2), np.sum(g * g2) / (np.linalg.norm(g) * np.linalg.norm(g2))


def _ics_mistakes(W1, W2, x, y, lr):
    d1, d2 = _grads(W1, W2, x, y)
    l2, cos = _shift(d2, _grads(W1 - lr * d1, W2, x, y)[1])
    n = len(y)
    s1, s2 = _grads(W1, W2, x, y, scale=n)
    return [
        ((cos, l2), "the two numbers are swapped: return (l2, cosine)."),
        ((l2**2, cos), "that is the squared distance; take the square root (np.linalg.norm)."),
        ((l2 / np.linalg.norm(d2), cos), "you divided by ||G||; the measure is ||G - G'|| itself."),
        ((0.0, 1.0), "G' equals G: the first layer has to take its step before you recompute."),
        (_shift(d2, _grads(W1 + lr * d1, W2, x, y)[1]), "the step went uphill: W1 - lr * dW1."),
        (
            _shift(d2, _grads(W1 - lr * d1, W2 - lr * d2, x, y)[1]),
            "only the layers *below* layer 2 move; W2 itself keeps its value when G' is computed.",
        ),
        (
            _shift(d1, _grads(W1 - lr * d1, W2, x, y)[0]),
            "that compares layer 1's gradients; the "
            "measure is about W2, the layer whose input changed.",
        ),
        (
            _shift(s2, _grads(W1 - lr * s1, W2, x, y, scale=n)[1]),
            f"the loss is the *mean* over the {n} examples: divide (softmax - one_hot) by N.",
        ),
    ]


def check_ics_by_hand(fn):
    """Check a learner's fn(W1, W2, x, y, lr) -> (l2, cosine): Santurkar et al.'s shift of
    layer 2 in the network logits = x W1 W2 (no biases), mean softmax cross-entropy."""
    for seed in (0, 1):
        W1, W2, x, y, lr = _toy(seed)
        result, failed = _call(fn, (W1, W2, x, y, lr), "(W1, W2, x, y, lr)")
        if failed is not None:
            return failed
        if result is None or result is Ellipsis:
            return Feedback(False, "your function returned None: return the pair (l2, cosine).")
        try:
            got = np.asarray(result, dtype=np.float64)
        except (TypeError, ValueError):
            return Feedback(False, "return two numbers, (l2, cosine).")
        if got.shape != (2,):
            return Feedback(False, f"return two numbers, (l2, cosine); got shape {got.shape}.")
        if not np.all(np.isfinite(got)):
            return Feedback(False, "your numbers are not finite (NaN or inf).")
        l2, cos = (v[0] for v in internal_covariate_shift(_toy_model(W1, W2), x, y, lr))
        if np.allclose(got, (l2, cos), rtol=1e-5, atol=1e-9):
            continue
        for variant, hint in _ics_mistakes(W1, W2, x, y, lr):
            if np.allclose(got, variant, rtol=1e-5, atol=1e-9):
                return Feedback(False, hint)
        return Feedback(
            False,
            f"you gave l2 = {got[0]:.5g}, cosine = {got[1]:.5g}; expected {l2:.5g} and {cos:.5g}.",
        )
    return Feedback(
        True, f"matches bnlib.internal_covariate_shift (last toy: l2 {l2:.4f}, cosine {cos:.4f})."
    )
