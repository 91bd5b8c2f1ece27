"""Exercise checkers for notebook 08: group statistics, Batch Renorm's r and d, which norm when."""

import numbers
import re

import numpy as np

from bncourse import answers as A
from bncourse.answers import COMMON_EPS
from bncourse.feedback import Feedback
from bnlib.batchnorm import batchnorm_backward, batchnorm_forward
from bnlib.groupnorm import groupnorm_backward, groupnorm_forward


def _group_stats(x, g, ddof=0):
    grouped = x.reshape(x.shape[0], g, -1)
    return grouped.mean(axis=2), grouped.var(axis=2, ddof=ddof)


def _group_pair(result, x, g):
    """The learner's (mean, var) as a (2, N, G) array, or (None, Feedback)."""
    n, c = x.shape[:2]

    def hint(name, shape):
        said = {
            (c,): "one value per channel for the whole batch: those are batch norm's "
            "statistics. Group norm never pools samples, and pools the C / G channels of a "
            "group: x.reshape(N, G, -1) and axis=2.",
            (n, c): "one value per sample and channel (that is instance norm); pool the C / G "
            "channels of a group.",
            (g,): "one value per group for the whole batch: you pooled the batch; group norm "
            "never pools samples (axis 0).",
            (g, n): "shape (num_groups, N): transposed. Return (N, num_groups).",
            **dict.fromkeys(
                ((n,), (n, 1), (n, 1, 1, 1)),
                f"one value per sample, shape {shape}: those are layer norm's statistics (all "
                "channels of a sample, one group). Group norm pools only the C / G channels of "
                "each group: x.reshape(N, G, -1) and axis=2.",
            ),
        }.get(shape)
        if said is None and shape is not None and len(shape) == 4 and shape[:2] == (n, g):
            said = "one value per position: pool the group's channels AND every position."
        return f"your {name} has {said}" if said is not None and shape != (n, g) else None

    keep = ((n, g, 1), (n, g, 1, 1, 1), (n, g, 1, 1))
    return A.statistics(result, (n, g), f"(N, num_groups) = ({n}, {g})", hint, keepdims=keep)


def _judge_groups(got, x, g):
    n, c = x.shape[:2]
    ref = np.stack(_group_stats(x, g))
    inter = x.reshape(n, c // g, g, -1).swapaxes(1, 2).reshape(n, g, -1)
    pooled = x.reshape(n, g, -1).swapaxes(0, 1).reshape(g, -1)
    variants = [
        (
            np.stack([inter.mean(2), inter.var(2)]),
            "your statistics put channels c, c + G, c + 2G, ... in one group. A group is C / G "
            "consecutive channels: x.reshape(N, G, C // G, *S).",
        ),
        (
            np.stack([ref[0], _group_stats(x, g, ddof=1)[1]]),
            "your var is the unbiased one (ddof=1); normalizing uses the biased variance.",
        ),
        (np.stack([ref[0], np.sqrt(ref[1])]), "your var is the standard deviation; square it."),
        (ref[::-1], "mean and var are swapped: return (mean, var)."),
        (
            np.stack(
                [np.broadcast_to(pooled.mean(1), (n, g)), np.broadcast_to(pooled.var(1), (n, g))]
            ),
            "you pooled the batch: every sample got the same statistics. Group norm takes each "
            "sample's statistics on its own (never axis 0).",
        ),
    ]
    if n == g:
        variants.append((ref.swapaxes(1, 2), "transposed: return (N, num_groups), not (G, N)."))
    return A.judge(
        tuple(got),
        tuple(ref),
        [(tuple(v), hint) for v, hint in variants],
        "right",
        "your (mean, var)",
        ("mean", "var"),
    )


def check_group_statistics(fn):
    """Check fn(x, num_groups) -> (mean, var), each (N, num_groups), for x of shape (N, C, H, W)."""
    rng = np.random.default_rng(7)
    x = (
        rng.normal(size=(3, 6, 2, 2)) * np.arange(1.0, 7.0)[:, None, None]
        + np.arange(6.0)[:, None, None]
    )
    for g in (2, 3):  # two groupings, so an answer written for one only fails the other
        result, failed = A.call(fn, (x, g), "(x, num_groups)")
        if failed is not None:
            return failed
        got, feedback = _group_pair(result, x, g)
        if feedback is None:
            feedback = _judge_groups(got, x, g)
        if not feedback:
            return Feedback(False, f"with num_groups = {g}: {feedback.message}")
    return Feedback(
        True,
        "one mean and one variance per sample and group, over the group's channels and every "
        "position (checked with 2 and 3 groups).",
    )


def _gn_inputs(seed, g, eps):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 6, 3, 3)) * rng.uniform(0.5, 3.0, (1, 6, 1, 1)) + 2.0
    x[:, -1] = 1.0 + 0.01 * rng.normal(size=(4, 3, 3))  # a quiet channel: eps mistakes show
    x[:, -2] = 1.0 + 0.01 * rng.normal(size=(4, 3, 3))  # (the last group is quiet for g = 3)
    return rng.normal(size=x.shape), x, rng.uniform(0.5, 2.0, 6) * np.array([1, -1] * 3), g, eps


def _bn_over_channels(dout, x, gamma, eps):
    """dx of batch norm per channel over (N, H, W): what statistics over axis 0 give."""
    c = x.shape[1]
    flat = lambda a: a.transpose(0, 2, 3, 1).reshape(-1, c)  # noqa: E731
    _, cache = batchnorm_forward(flat(x), gamma, np.zeros(c), eps)
    dx = batchnorm_backward(flat(dout), cache)[0]
    return dx.reshape(x.shape[0], *x.shape[2:], c).transpose(0, 3, 1, 2)


def _groupnorm_case(fn, seed, g, eps):
    dout, x, gamma, g, eps = _gn_inputs(seed, g, eps)
    n, c = x.shape[:2]
    result, failed = A.call(fn, (dout, x, gamma, g, eps), "(dout, x, gamma, num_groups, eps)")
    if failed is not None:
        return failed

    def shape_hint(name, shape):
        if shape in ((g,), (n, g)):
            return (
                f"your {name} has shape {shape}, one value per group: gamma and beta are per "
                f"CHANNEL in group norm (shape (C,) = ({c},)); only the statistics are per group."
            )
        return (
            f"your {name} has shape {shape}: sum over every axis but the channels, "
            f"axis=(0, 2, 3), for shape (C,) = ({c},)."
        )

    got, failed = A.gradients(result, x.shape, (c,), ((1, c, 1, 1),), shape_hint)
    if failed is not None:
        return failed
    out, cache = groupnorm_forward(x, gamma, np.zeros(c), g, eps)
    dx, dgamma, dbeta = groupnorm_backward(dout, cache)
    x_hat = out / gamma[:, None, None]
    grouped = x.reshape(n, g, -1)
    inv_std = (1 / np.sqrt(grouped.var(2) + eps))[:, :, None]
    variants = [
        (
            groupnorm_backward(dout, groupnorm_forward(x, gamma, np.zeros(c), c, eps)[1])[0],
            "your dx takes statistics per channel (instance norm); a group pools its C / G "
            "channels and every position: x.reshape(N, G, -1).",
        ),
        (
            groupnorm_backward(dout, groupnorm_forward(x, gamma, np.zeros(c), 1, eps)[1])[0],
            "your dx pools all channels of a sample (layer norm); use num_groups groups.",
        ),
        (
            _bn_over_channels(dout, x, gamma, eps),
            "your dx takes statistics over the batch per channel, as batch norm does; group "
            "norm's statistics come from one sample: the axes of each group, never axis 0.",
        ),
        (
            ((dout * gamma[:, None, None]).reshape(n, g, -1) * inv_std).reshape(x.shape),
            "you only kept the direct path, g / sqrt(var + eps); the group's mean and variance "
            "depend on x too.",
        ),
    ] + [
        (
            groupnorm_backward(dout, groupnorm_forward(x, gamma, np.zeros(c), g, other)[1])[0],
            f"your function ignores its eps argument: called with eps = {eps:g}, it returned "
            f"the dx for eps = {other:g}.",
        )
        for other in COMMON_EPS
        if other != eps
    ]
    dgamma_variants = [
        (
            dout.sum(axis=(0, 2, 3)),
            "your dgamma is sum(dout): gamma multiplies x_hat, so dgamma = sum(dout * x_hat, "
            "axis=(0, 2, 3)).",
        )
    ]
    dbeta_variants = [
        ((dout * x_hat).sum(axis=(0, 2, 3)), "your dbeta is dgamma's formula: sum(dout) only.")
    ]
    return A.judge_gradients(
        got,
        (dx, dgamma, dbeta),
        {"dx": variants, "dgamma": dgamma_variants, "dbeta": dbeta_variants},
        "matches bnlib.groupnorm_backward (dx, dgamma, dbeta) with 2 and 3 groups and two values "
        "of eps",
    )


def check_groupnorm_backward(fn):
    """Check fn(dout, x, gamma, num_groups, eps) -> (dx, dgamma, dbeta) of group norm, for x of
    shape (N, C, H, W) and gamma (C,), against bnlib.groupnorm_backward (gradient-checked)."""
    for seed, g, eps in ((0, 2, 1e-5), (1, 3, 1e-2)):
        feedback = _groupnorm_case(fn, seed, g, eps)
        if not feedback:
            return Feedback(False, f"with num_groups = {g}, eps = {eps:g}: {feedback.message}")
    return feedback


def _problem_numbers(values):
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            return False
    return values[1] > 0 and values[3] > 0 and values[4] >= 1 and values[5] >= 0


RENORM_DIGITS = 2  # the precision the prompt asks for (0.33 for 1/3)


def check_renorm_r_d(answer, mu_b, sigma_b, mu, sigma, r_max, d_max):
    """Check answer = (r, d) of Batch Renorm for a batch with mean mu_b and std sigma_b, running
    mean mu and std sigma, and limits r_max, d_max (eps ignored)."""
    problem = (mu_b, sigma_b, mu, sigma, r_max, d_max)
    if not _problem_numbers(problem):
        return Feedback(False, "the problem's numbers must be finite, with sigmas > 0.")
    if A.missing(answer):
        return Feedback(False, "replace the ... with your pair (r, d), e.g. answer = (0.5, 1.2).")
    parts, failed = A.items(answer, ("r", "d"))
    if failed is not None:
        failed.message = "give the pair (r, d), e.g. answer = (0.5, 1.2). " + failed.message
        return failed
    (r, failed), (d, failed_d) = A.number(parts[0], "r"), A.number(parts[1], "d")
    if failed is not None or failed_d is not None:
        return Feedback(False, "r and d must both be finite numbers.")
    ratio, shift = sigma_b / sigma, (mu_b - mu) / sigma
    want_r = float(np.clip(ratio, 1 / r_max, r_max))
    want_d = float(np.clip(shift, -d_max, d_max))
    digits = RENORM_DIGITS
    r_ok, d_ok = A.agrees(r, want_r, digits), A.agrees(d, want_d, digits)
    if r_ok and d_ok:
        return Feedback(
            True,
            f"r = {want_r:.4g} and d = {want_d:.4g}, both after clipping (to {A.figures(digits)}).",
        )
    if (r, d) == (1.0, 0.0):
        return Feedback(
            False,
            "r = 1, d = 0 are batch norm's own values (what r_max = 1, d_max = 0 force); here "
            f"the limits r_max = {r_max:g}, d_max = {d_max:g} let r and d correct the batch: "
            "r = clip(sigma_B / sigma, 1/r_max, r_max), d = clip((mu_B - mu) / sigma, -d_max, "
            "d_max).",
        )
    if A.agrees(r, want_d, digits) and A.agrees(d, want_r, digits):
        return Feedback(False, "r and d are swapped: give (r, d) in that order.")
    r_named = [
        (ratio, "r = sigma_B / sigma is right, then clip it to [1/r_max, r_max]."),
        (
            1 / ratio,
            "r is the batch's std over the running std, sigma_B / sigma, not the inverse.",
        ),
        (
            float(np.clip(1 / ratio, 1 / r_max, r_max)),
            "r is the batch's std over the running std, sigma_B / sigma, not the inverse.",
        ),
        (
            ratio**2,
            "r is a ratio of standard deviations, sigma_B / sigma, not of variances.",
        ),
        (
            float(np.clip(ratio**2, 1 / r_max, r_max)),
            "r is a ratio of standard deviations, sigma_B / sigma, not of variances.",
        ),
        (sigma_b, "that is sigma_B itself; r divides it by the running std: sigma_B / sigma."),
    ]
    d_named = [
        (shift, "d = (mu_B - mu) / sigma is right, then clip it to [-d_max, d_max]."),
        (-want_d, "d has the wrong sign: it is (mu_B - mu) / sigma."),
        (
            float(np.clip(mu_b - mu, -d_max, d_max)),
            "d is measured in running standard deviations: divide by sigma.",
        ),
        (
            float(np.clip((mu_b - mu) / sigma_b, -d_max, d_max)),
            "d divides by the running std sigma, not the batch's sigma_B.",
        ),
    ]
    hints = []
    for got, want, named, off, ok in (
        (r, want_r, r_named, "r = clip(sigma_B / sigma, 1/r_max, r_max).", r_ok),
        (d, want_d, d_named, "d = clip((mu_B - mu) / sigma, -d_max, d_max).", d_ok),
    ):
        if not ok:
            hints.append(f"{off[0]}: " + A.typed(got, want, digits, named, off=off).message)
    return Feedback(False, " ".join(hints))


SITUATIONS = {
    "a": "object detection on high-resolution images: 2 images fit on each GPU, per step",
    "b": "a recurrent language model: sequences of varying length, generated one token at a time",
    "c": "an image classifier trained with batches of 256, whose inference must be as cheap as "
    "possible (the normalization folded into the layer before it)",
    "d": "an existing batch-norm network that must now be fine-tuned with batches of 4, keeping "
    "batch norm's inference (running statistics)",
}
_BEST = {"a": "group", "b": "layer", "c": "batch", "d": "renorm"}
# Choices the course's own evidence also supports, with the caveat a learner should hear.
_ALSO = {
    "a": {
        "layer": "layer norm is defensible too: in 07's table it was best at batch 2 (4.0% error "
        "against 4.3% for group norm), on a small MLP task; for conv features group norm is the "
        "usual choice (Wu and He), because one mean for all channels ignores that channels differ"
    },
    "c": {
        "renorm": "Batch Renorm is as cheap at inference (it uses the running statistics and "
        "folds the same way), but with batches of 256 its correction has nothing to fix: plain "
        "batch norm is simpler"
    },
    "d": {
        "batch": "batch norm with frozen running statistics is what 05 recommends for "
        "fine-tuning with small batches; it cannot adapt the statistics to the new data, which "
        "Batch Renorm can"
    },
}
# A name as _norm_name reads it (lower case, letters and digits, "norm"/"normalization" and a
# framework's "1d"/"2d"/"3d" cut off the end): "Batch Renormalization" is "batchre".
_ALIASES = {
    "batch": "batch",
    "bn": "batch",
    "layer": "layer",
    "ln": "layer",
    "group": "group",
    "gn": "group",
    "re": "renorm",
    "batchre": "renorm",
    "brn": "renorm",
}


def _norm_name(raw):
    """A learner's name for a normalization, reduced to a key of _ALIASES when it is one:
    "Group normalization", "BatchNorm2d", "layer-norm", "LN", "batch renorm" all are."""
    if not isinstance(raw, str):
        return ""
    key = "".join(ch for ch in raw.lower() if ch.isalnum())
    return re.sub(r"(norm(ali[sz]ation)?)?([123]d)?$", "", key) or key


_WHY = {
    "a": "with 2 samples per step batch statistics are very noisy; group norm's statistics come "
    "from each image alone, and conv features have many channels to group",
    "b": "layer norm needs no statistics across the batch or across time steps, so it works for "
    "any length and for one token at a time",
    "c": "with large batches batch norm is accurate, and at inference it is a fixed affine map "
    "that folds into the layer before it for free; layer and group norm compute statistics per "
    "example at inference too",
    "d": "Batch Renorm keeps batch norm's running statistics and inference, and corrects each "
    "small batch towards them with r and d",
}


def check_norm_choice(answers):
    """Check a dict {situation letter: "batch" | "layer" | "group" | "renorm"} for SITUATIONS."""
    if not isinstance(answers, dict):
        return Feedback(False, 'give a dict such as {"a": "batch", "b": "layer", ...}.')
    missing = sorted(set(SITUATIONS) - set(answers))
    if missing:
        return Feedback(False, f"answer every situation; missing: {', '.join(missing)}.")
    wrong, caveats = [], []
    for key in sorted(SITUATIONS):
        raw = answers[key]
        choice = _ALIASES.get(_norm_name(raw))
        if A.missing(raw):
            return Feedback(
                False,
                f'situation {key}: replace the ... with "batch", "layer", "group" or "renorm".',
            )
        if choice is None:
            return Feedback(
                False,
                f'situation {key}: answer "batch", "layer", "group" or "renorm" (or their full '
                f"names); got {A.shown(raw)}.",
            )
        if choice != _BEST[key] and choice in _ALSO.get(key, {}):
            caveats.append(f"{key}: {choice} is accepted; {_ALSO[key][choice]}.")
        elif choice != _BEST[key]:
            wrong.append(f"{key}: not {choice}; {_WHY[key]}.")
    if wrong:
        return Feedback(False, " ".join(wrong))
    reasons = " ".join(f"{k}: {_WHY[k]}." for k in sorted(_WHY))
    return Feedback(True, " ".join(["all four.", *caveats, "Usual choices:", reasons]))
