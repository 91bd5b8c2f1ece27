"""Exercise checkers for notebook 05: a running-average update, folding, choosing a momentum."""

import numbers

import numpy as np

from bncourse import answers as A
from bncourse.feedback import Feedback
from bnlib.folding import fold_batchnorm
from bnlib.running import update_running_stats


def _judge_pair(got, want, variants, name):
    """A.judge on a pair of arrays, naming an eps added to either."""
    parts = tuple(name.removeprefix("your (").removesuffix(")").split(", "))
    return A.judge(tuple(got), tuple(want), variants, "right", name, parts)


def _pair(result, shapes, names, keepdims):
    """A learner's pair as two float arrays of `shapes`: ((a, b), None) or (None, Feedback)."""
    parts, failed = A.items(result, names)
    if failed is not None:
        return None, failed
    got = []
    for part, shape, name, keep in zip(parts, shapes, names, keepdims, strict=True):
        arr, failed = A.array(part, shape, f"your {name}", keepdims=keep)
        if failed is not None:
            return None, failed
        got.append(arr)
    return tuple(got), None


def _running_inputs(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal([2.0, -1.0, 0.5], [1.0, 3.0, 0.2], size=(5, 3))
    return rng.normal(size=3), rng.uniform(0.5, 2.0, 3), x, (0.1, 0.3)[seed]


def check_running_update(fn):
    """Check fn(running_mean, running_var, x, momentum) -> (new_mean, new_var) for a batch x
    (N, D), PyTorch's convention: momentum is the weight on the new batch, variance unbiased."""
    for seed in (0, 1):
        rm, rv, x, mom = _running_inputs(seed)
        result, failed = A.call(fn, (rm, rv, x, mom), "(running_mean, running_var, x, momentum)")
        if failed is not None:
            return failed
        got, failed = _pair(result, ((3,), (3,)), ("new_mean", "new_var"), (((1, 3),),) * 2)
        if failed is not None:
            failed.message += " One value per feature: shape (D,) = (3,) ((1, D) is fine)."
            return failed
        n, mu, var = len(x), x.mean(0), x.var(0)
        want = update_running_stats(rm, rv, mu, var, n=n, momentum=mom)
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
                (mom * rm + (1 - mom) * mu, mom * rv + (1 - mom) * var),
                "two things: that is Keras' convention (momentum weighs the OLD value; here it "
                "weighs the NEW batch: running = (1 - momentum) * running + momentum * batch), "
                "and the batch variance must be the UNBIASED one, var * N / (N - 1).",
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
        feedback = _judge_pair(got, want, variants, "your (new_mean, new_var)")
        if feedback:
            continue
        if "differs" in feedback.message:
            part = "mean" if not A.close(got[0], want[0]) else "variance"
            keras = A.close(got[0], mom * rm + (1 - mom) * mu)
            feedback.message = (
                f"your new {part} is not (1 - momentum) * running + momentum * batch statistic."
                + (" Your mean follows Keras' convention (momentum weighs the old value)." * keras)
            )
        return feedback
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
        result, failed = A.call(fn, args, "(w, b, gamma, beta, mean, var, eps)")
        if failed is not None:
            return failed
        got, failed = _pair(result, ((4,), ()), ("w_folded", "b_folded"), (((1, 4),), ((1,),)))
        if failed is not None:
            failed.message += " w_folded has shape (D,) = (4,), b_folded is one number."
            return failed
        W_f, b_f = fold_batchnorm(w[:, None], [b], [gamma], [beta], [mean], [var], eps)
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
        feedback = _judge_pair(got, (W_f[:, 0], b_f[0]), variants, "your (w_folded, b_folded)")
        if feedback:
            continue
        if "differs" in feedback.message:
            feedback.message = "the folded unit does not reproduce BN(x @ w + b). " + (
                feedback.message
            )
        return feedback
    return Feedback(True, "the folded unit equals Linear -> BN in eval mode, on two units.")


# The largest momentum accepted: an average over about 5 batches. 05 section 2 measured that a
# momentum of 0.1 tracked a moving target best (mean error 0.008, against 0.033 for 0.01).
MAX_MOMENTUM = 0.2


MOMENTUM_DIGITS = 3  # the smallest momentum, typed to 3 significant figures, is right


def _weight(left, remaining):
    """The initial value's remaining weight, printed with enough digits to compare with
    `remaining` (0.010006 is not shown as 0.01)."""
    for digits in range(3, 10):
        if f"{left:.{digits}g}" != f"{remaining:.{digits}g}":
            return f"{left:.{digits}g}"
    return f"{left:.3g}"


def _batches(m):
    """How many batches a plain average would need to be as noisy as an EMA with weight m on
    the new batch: (2 - m) / m."""
    k = max(1, round((2 - m) / m))
    return f"about {k} batch{'es' * (k != 1)}"


def check_momentum_choice(answer, steps, remaining):
    """Check a PyTorch-style momentum under which the initial running value keeps at most a
    weight `remaining` after `steps` updates, and that is not needlessly noisy (<= MAX_MOMENTUM).
    Any momentum in between is right: it trades noise (small momentum) for lag (large)."""
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        return Feedback(False, f"steps must be a whole number >= 1; got {steps!r}.")
    if not isinstance(remaining, numbers.Real) or not 0 < remaining < 1:
        return Feedback(False, f"remaining must be a number in (0, 1); got {remaining!r}.")
    got, failed = A.number(answer)
    if failed is not None:
        return failed
    best = 1 - remaining ** (1 / steps)
    if 1 < got <= 100 and best <= got / 100 <= MAX_MOMENTUM:
        return Feedback(
            False,
            f"{got:g} looks like a percentage; a momentum is a weight between 0 and 1: "
            f"{got:g}% = {got / 100:.3g}.",
        )
    if not 0 <= got <= 1:
        return Feedback(False, f"a momentum is a weight between 0 and 1; got {got:.4g}.")
    # The smallest momentum that works, rounded as a learner types it, is right too.
    smallest = A.agrees(got, best, MOMENTUM_DIGITS)
    left = (1 - got) ** steps
    keras = 1 - got
    if got >= 0.5 and keras <= MAX_MOMENTUM:
        too_small = (1 - keras) ** steps > remaining and not A.agrees(keras, best, MOMENTUM_DIGITS)
        return Feedback(
            False,
            f"{got:.4g} looks like Keras' convention: momentum as the weight on the OLD value "
            "(Keras' default 0.99 is PyTorch's 0.01). bnlib and PyTorch use the weight on the new "
            f"batch: 1 - {got:.4g} = {keras:.4g}"
            + (
                f", and that is still too small: (1 - {keras:.4g})^{steps} = "
                f"{_weight((1 - keras) ** steps, remaining)}, more than {remaining:g}."
                if too_small
                else "."
            ),
        )
    if left > remaining and not smallest:
        return Feedback(
            False,
            f"too small: after {steps} steps the initial value still has weight "
            f"(1 - {got:.4g})^{steps} = {_weight(left, remaining)}, more than {remaining:g}. "
            f"The smallest momentum that works is 1 - {remaining:g}^(1/{steps}).",
        )
    if got > MAX_MOMENTUM:
        return Feedback(
            False,
            f"{got:.4g} forgets the start in time, but its estimate is as noisy as an average of "
            f"{_batches(got)}: noisier than it needs to be. Any momentum from {best:.4f} (the "
            f"smallest that works) up to {MAX_MOMENTUM:g} is a reasonable choice.",
        )
    if smallest:
        tradeoff = (
            f"{got:.4g} is the smallest that forgets in time: it averages over the most batches "
            "(the least noise), but it is also the slowest to follow statistics that change "
            f"during training; a larger one, up to {MAX_MOMENTUM:g}, follows them more closely"
        )
    else:
        tradeoff = (
            f"{got:.4g} is as noisy as an average of {_batches(got)}; a momentum between "
            f"{best:.4f} and yours would be less noisy but follow changing statistics more "
            "slowly, a larger one the other way round"
        )
    return Feedback(
        True,
        f"(1 - {got:.4g})^{steps} = {_weight(left, remaining)} <= {remaining:g}"
        + (f" (to {A.figures(MOMENTUM_DIGITS)})" if smallest else "")
        + f". Any momentum from 1 - {remaining:g}^(1/{steps}) = "
        f"{best:.4f} up to {MAX_MOMENTUM:g} works, and the choice is a trade-off: {tradeoff} "
        "(section 2: momentum 0.1 tracked the moving target best, mean error 0.008 against "
        "0.033 for 0.01).",
    )
