"""Exercise checkers for notebook 04: percentiles of recorded inputs, reading a sweep, and
Santurkar et al.'s gradient measure of internal covariate shift on a two-layer toy."""

import numpy as np

from bncourse import answers as A
from bncourse.feedback import Feedback
from bnlib.ics import internal_covariate_shift
from bnlib.layers import Linear
from bnlib.model import Sequential
from bnlib.sweep import SweepResult

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


# Every percentile definition numpy knows (Hyndman and Fan's nine and four discontinuous ones):
# a learner's answer may follow any of them, or a hand-sorted rank between them.
METHODS = (
    "linear",
    "lower",
    "higher",
    "nearest",
    "midpoint",
    "inverted_cdf",
    "averaged_inverted_cdf",
    "closest_observation",
    "interpolated_inverted_cdf",
    "hazen",
    "weibull",
    "median_unbiased",
    "normal_unbiased",
)


def _check_percentile_answer(fn, inputs):
    result, failed = A.call(fn, (inputs,), "(inputs)")
    if failed is not None:
        return failed
    if A.missing(result):
        return Feedback(False, "your function returned None: return the (T, 3) array.")
    t, n = inputs.shape
    raw = A._real(result)
    if raw is not None:
        for variant, hint in _percentile_mistakes(inputs):
            if A.close(raw, variant):
                return Feedback(False, hint)
        if raw.shape == (3, n):
            return Feedback(
                False,
                f"your output has shape {raw.shape}: you took the percentiles over the steps "
                f"(axis 0). Expected ({t}, 3): one row per training step, one column per "
                "percentile.",
            )
    answer, failed = A.array(result, (t, 3))
    if failed is not None:
        if "shape" in failed.message and raw is not None:
            failed.message += " One row per training step, one column per percentile."
        return failed
    defined = np.stack([np.percentile(inputs, Q, axis=1, method=m).T for m in METHODS])
    for each in defined:
        c = A.offset(answer, each)
        if c is not None:
            return Feedback(False, A.eps_hint(c))
    tol = A.RTOL * A.scale(defined[0])
    low, high = defined.min(0) - tol, defined.max(0) + tol
    inside = (answer >= low) & (answer <= high)
    if not inside.all():
        i, j = np.argwhere(~inside)[0]
        gave, want = A.distinct(answer[i, j], defined[0][i, j])
        return Feedback(
            False,
            f"step {i}, {Q[j]}th percentile: you gave {gave}, expected {want} (any standard "
            f"definition, between {low[i, j]:.4f} and {high[i, j]:.4f}, is accepted). Use "
            "np.percentile on axis 1.",
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
    if A.missing(answer):
        return None, Feedback(False, "replace the ... with your list of learning rates.")
    if isinstance(answer, (set, frozenset)):
        answer = sorted(answer, key=repr)
    if isinstance(answer, (list, tuple)) and not answer:
        return np.zeros(0), None
    flat = isinstance(answer, (list, tuple)) or (
        isinstance(answer, np.ndarray) and answer.ndim == 1
    )
    if not flat:
        return None, Feedback(
            False, f"give a list of numbers, like [0.5, 5]; got {A.shown(answer)}."
        )
    rates = []
    for item in answer:
        rate, failed = A.number(item, "each rate")
        if failed is not None:
            return None, Feedback(False, f"give a list of numbers, like [0.5, 5]; {failed.message}")
        rates.append(rate)
    return np.array(rates), None


def _listed(rates):
    """[10, 100]: a set of rates as a learner types them."""
    return "[" + ", ".join(f"{v:g}" for v in sorted(rates)) + "]"


RATE_DIGITS = 2  # a typed rate names a swept one to 2 significant figures (0.01, 10, 100)


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
    picked = [[v for v in swept if A.agrees(r, v, RATE_DIGITS)] for r in rates]
    if np.any(rates <= 0) or not all(picked):
        return Feedback(False, f"choose among the swept rates {swept}.")
    got = {v for each in picked for v in each}
    bn = {
        s["lr"]
        for k, s in enumerate(result.settings)
        if s["batchnorm"] and result.diverged[k].all()
    }
    if got == want:
        return Feedback(
            True,
            f"without BN every seed diverged at {_listed(want)}; with BN only "
            f"at {_listed(bn) if bn else 'none'}.",
        )
    also = f"also {_listed(want - got)}: look for the x on the diverged row." if want - got else ""
    if got == bn:
        return Feedback(
            False,
            "those are the rates where the network *with* BN diverged; the question is about "
            f"the network without BN. {also[:1].upper() + also[1:]}".strip(),
        )
    if got < want:
        if not got:
            return Feedback(
                False,
                "give the rates where every seed diverged: look for the x on the diverged row.",
            )
        return Feedback(False, f"{_listed(got)} is right; {also}")
    return Feedback(
        False,
        f"not {_listed(got - want)}: at that rate some seed trained (a point "
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
        result, failed = A.call(fn, (W1, W2, x, y, lr), "(W1, W2, x, y, lr)")
        if failed is not None:
            return failed
        if A.missing(result):
            return Feedback(False, "your function returned None: return the pair (l2, cosine).")
        got, failed = A.array(result, (2,), "your (l2, cosine)")
        if failed is not None:
            return failed
        l2, cos = (v[0] for v in internal_covariate_shift(_toy_model(W1, W2), x, y, lr))
        variants = [(np.array(v), hint) for v, hint in _ics_mistakes(W1, W2, x, y, lr)] + [
            (
                np.array(_shift(d2, _grads(W1 - other * d1, W2, x, y)[1])),
                f"your function ignores its lr argument: it gave the shift for lr = {other:g}, "
                f"called with lr = {lr:g}. Use the lr it is given.",
            )
            for d1, d2 in [_grads(W1, W2, x, y)]
            for other in (0.5, 1.5, 0.1, 0.01, 1.0)
            if other != lr
        ]
        feedback = A.judge(
            tuple(got),
            (l2, cos),
            [(tuple(v), hint) for v, hint in variants],
            "right",
            "your (l2, cosine)",
            ("l2", "cosine"),
        )
        if not feedback:
            return feedback
    return Feedback(
        True, f"matches bnlib.internal_covariate_shift (last toy: l2 {l2:.4f}, cosine {cos:.4f})."
    )
