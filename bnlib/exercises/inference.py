"""Exercise checkers for notebook 05: a running-average update, folding, choosing a momentum."""

import numbers

import numpy as np

from ..norms.folding import fold_batchnorm
from ..norms.running import update_running_stats
from ._feedback import Feedback, _as_number, _call


def _close(got, want):
    return all(np.allclose(g, v, rtol=1e-6, atol=1e-9) for g, v in zip(got, want, strict=True))


def _named(got, variants, fallback):
    """The hint of the first wrong variant `got` matches, else `fallback`."""
    return next((hint for want, hint in variants if _close(got, want)), fallback)


def _pair(result, shapes, names):
    """A learner's pair as two float arrays of `shapes`: ((a, b), None) or (None, Feedback)."""
    if result is None or result is Ellipsis:
        return None, Feedback(False, f"your function returned None: return {names}.")
    if not (isinstance(result, tuple) and len(result) == 2):
        return None, Feedback(False, f"return a pair {names}.")
    try:
        pair = tuple(np.asarray(v, dtype=np.float64) for v in result)
    except (TypeError, ValueError):
        return None, Feedback(False, f"{names} must be numbers or arrays of numbers.")
    for value, shape in zip(pair, shapes, strict=True):
        if value.size != int(np.prod(shape)):
            got = " and ".join(str(v.shape) for v in pair)
            return None, Feedback(False, f"{names} must have shapes {shapes}; got {got}.")
    if not all(np.isfinite(v).all() for v in pair):
        return None, Feedback(False, f"{names} must be finite numbers.")
    return tuple(v.reshape(s) for v, s in zip(pair, shapes, strict=True)), None


def _running_inputs(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal([2.0, -1.0, 0.5], [1.0, 3.0, 0.2], size=(5, 3))
    return rng.normal(size=3), rng.uniform(0.5, 2.0, 3), x, (0.1, 0.3)[seed]


def check_running_update(fn):
    """Check fn(running_mean, running_var, x, momentum) -> (new_mean, new_var) for a batch x
    (N, D), PyTorch's convention: momentum is the weight on the new batch, variance unbiased."""
    for seed in (0, 1):
        rm, rv, x, mom = _running_inputs(seed)
        result, failed = _call(fn, (rm, rv, x, mom), "(running_mean, running_var, x, momentum)")
        if failed is not None:
            return failed
        got, failed = _pair(result, ((3,), (3,)), "(new_mean, new_var)")
        if failed is not None:
            return failed
        n, mu, var = len(x), x.mean(0), x.var(0)
        want = update_running_stats(rm, rv, mu, var, n=n, momentum=mom)
        if _close(got, want):
            continue
        unbiased = var * n / (n - 1)
        variants = [
            (
                (want[0], (1 - mom) * rv + mom * var),
                "the mean is right; blend in the UNBIASED batch variance, var * N / (N - 1) "
                "(np.var(x, axis=0, ddof=1)), as PyTorch stores it.",
            ),
            (
                (mom * rm + (1 - mom) * mu, mom * rv + (1 - mom) * unbiased),
                "that is Keras' convention. Here momentum is the weight on the NEW batch: "
                "running = (1 - momentum) * running + momentum * batch.",
            ),
            (
                (mu, unbiased),
                "you returned the batch statistics: blend them into the running ones.",
            ),
            (
                ((1 - mom) * rm + mom * x.mean(), (1 - mom) * rv + mom * x.var(ddof=1)),
                "take the statistics over axis 0 (the batch), one per feature.",
            ),
            (
                (want[0], (1 - mom) * rv + mom * x.std(0, ddof=1)),
                "blend in the variance, not the standard deviation.",
            ),
        ]
        part = "mean" if not np.allclose(got[0], want[0]) else "variance"
        return Feedback(
            False,
            _named(
                got,
                variants,
                f"your new {part} is not (1 - momentum) * running + momentum * batch statistic.",
            ),
        )
    return Feedback(
        True,
        "matches bnlib.update_running_stats on two batches with momenta 0.1 and 0.3: weight "
        "momentum on the new batch, unbiased variance.",
    )


def _fold_inputs(seed):
    rng = np.random.default_rng(10 + seed)
    w, b, gamma, beta, mean = rng.normal(size=4), *rng.normal(size=2), *rng.normal(size=2)
    gamma = abs(gamma) + 0.5
    # the second unit's variance is close to eps, so forgetting eps shows
    return w, b, gamma, beta, mean, (2.5, 4e-5)[seed], (1e-3, 1e-5)[seed]


def check_fold(fn):
    """Check fn(w, b, gamma, beta, mean, var, eps) -> (w_folded, b_folded) for ONE unit: w (D,)
    its weights, the others numbers; x @ w_folded + b_folded must equal Linear -> BN (eval)."""
    for seed in (0, 1):
        w, b, gamma, beta, mean, var, eps = args = _fold_inputs(seed)
        result, failed = _call(fn, args, "(w, b, gamma, beta, mean, var, eps)")
        if failed is not None:
            return failed
        got, failed = _pair(result, ((4,), ()), "(w_folded (D,), b_folded a number)")
        if failed is not None:
            return failed
        W_f, b_f = fold_batchnorm(w[:, None], [b], [gamma], [beta], [mean], [var], eps)
        if _close(got, (W_f[:, 0], b_f[0])):
            continue
        s, root = gamma / np.sqrt(var + eps), np.sqrt(var + eps)
        variants = [
            (
                (w * gamma / np.sqrt(var), (b - mean) * gamma / np.sqrt(var) + beta),
                "eps is missing: the scale is s = gamma / sqrt(var + eps).",
            ),
            (
                (w * gamma / (var + eps), (b - mean) * gamma / (var + eps) + beta),
                "divide by the standard deviation sqrt(var + eps), not the variance.",
            ),
            ((w * s, b * s + beta), "subtract the running mean: b_folded = (b - mean) * s + beta."),
            ((w * s, (b - mean) * s), "beta is missing: b_folded = (b - mean) * s + beta."),
            ((w * s, b - mean + beta), "scale the bias too: b_folded = (b - mean) * s + beta."),
            ((w, (b - mean) * s + beta), "the bias is right; scale the weights too: w * s."),
            (
                (w * root / gamma, (b - mean) * root / gamma + beta),
                "the scale is upside down: s = gamma / sqrt(var + eps).",
            ),
        ]
        return Feedback(
            False, _named(got, variants, "the folded unit does not reproduce BN(x @ w + b).")
        )
    return Feedback(True, "the folded unit equals Linear -> BN in eval mode, on two units.")


def check_momentum_choice(answer, steps, remaining):
    """Check a PyTorch-style momentum under which the initial running value keeps at most a
    weight `remaining` after `steps` updates, without being needlessly large (noisy)."""
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        return Feedback(False, f"steps must be a whole number >= 1; got {steps!r}.")
    if not isinstance(remaining, numbers.Real) or not 0 < remaining < 1:
        return Feedback(False, f"remaining must be a number in (0, 1); got {remaining!r}.")
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    if not 0 <= got <= 1:
        return Feedback(False, f"a momentum is a weight between 0 and 1; got {got:.4g}.")
    best = 1 - remaining ** (1 / steps)
    left = (1 - got) ** steps
    if np.isclose(got, 1 - best, rtol=1e-3):
        return Feedback(
            False,
            f"{got:.4g} is Keras' momentum (weight on the old value); bnlib and "
            f"PyTorch want the weight on the new batch, 1 - {got:.4g}.",
        )
    if left > remaining * (1 + 1e-9):  # rounding of an exact answer is not a mistake
        return Feedback(
            False,
            f"too small: after {steps} steps the initial value still has weight "
            f"(1 - {got:.4g})^{steps} = {left:.3g}, more than {remaining:g}.",
        )
    if got > 1.5 * best:
        return Feedback(
            False,
            f"{got:.4g} forgets the start in time, but it averages over only about "
            f"{1 / got:.0f} batches, so the estimate is noisier than it needs to be; "
            f"the smallest momentum that works is about {best:.4f}.",
        )
    return Feedback(
        True,
        f"(1 - {got:.4g})^{steps} = {left:.3g} <= {remaining:g}; the smallest momentum that "
        f"works is 1 - {remaining:g}^(1/{steps}) = {best:.4f}.",
    )
