"""Exercise checkers for the convolutional notebook: spatial batch norm's backward pass, folding
BN into a convolution, and which axes each normalization averages over."""

import numpy as np

from bncourse import answers as A
from bncourse.feedback import Feedback
from bnlib.conv import conv2d_forward, fold_conv_batchnorm
from bnlib.spatial import spatial_batchnorm_backward, spatial_batchnorm_forward


def _per_position_backward(dout, x, gamma, eps):
    """dx of BN with statistics over N only (each position its own feature), reshaped back."""
    n, c, h, w = x.shape
    mu, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    g = dout * gamma[:, None, None]
    return inv_std / n * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0))


def _no_transpose_backward(dout, x, gamma, eps):
    """dx when (N, C, H, W) is reshaped straight to (N H W, C), without moving C last."""
    n, c, h, w = x.shape
    rows, drows = x.reshape(-1, c), dout.reshape(-1, c)
    mu, var = rows.mean(0), rows.var(0)
    inv_std = 1 / np.sqrt(var + eps)
    x_hat = (rows - mu) * inv_std
    g = drows * gamma
    m = rows.shape[0]
    return (inv_std / m * (m * g - g.sum(0) - x_hat * (g * x_hat).sum(0))).reshape(x.shape)


def check_spatial_batchnorm_backward(fn):
    """Check a learner's fn(dout, x, gamma, eps) -> (dx, dgamma, dbeta) for x (N, C, H, W)."""
    rng = np.random.default_rng(3)
    x = rng.normal([[[2.0]], [[-1.0]], [[0.5]]], [[[1.5]], [[0.3]], [[2.0]]], size=(4, 3, 5, 5))
    dout, gamma, eps = rng.normal(size=x.shape), np.array([1.5, 0.5, -2.0]), 1e-5
    result, failed = A.call(fn, (dout, x, gamma, eps), "(dout, x, gamma, eps)")
    if failed is not None:
        return failed
    got, failed = A.gradients(
        result,
        x.shape,
        (3,),
        ((1, 3, 1, 1),),
        lambda name, shape: (
            f"your {name} has shape {shape}: sum over N, H and W (axes 0, 2, 3) for one value "
            "per channel, shape (3,)."
            if len(shape) > 1
            else None
        ),
    )
    if failed is not None:
        return failed
    _, cache = spatial_batchnorm_forward(x, gamma, np.zeros(3), eps)
    want = spatial_batchnorm_backward(dout, cache)
    x_hat = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(
        x.var(axis=(0, 2, 3), keepdims=True) + eps
    )
    variants = {
        "dx": [
            (
                _per_position_backward(dout, x, gamma, eps),
                "your dx treats every position as its own feature (statistics over N only). "
                "In a CNN a channel's statistics pool N, H and W: move C last, reshape to "
                "(N H W, C), use the 1-D backward, and reshape back.",
            ),
            (
                _no_transpose_backward(dout, x, gamma, eps),
                "x.reshape(-1, C) straight from (N, C, H, W) mixes channels in each row: "
                "transpose to (N, H, W, C) first, then reshape to (N H W, C).",
            ),
        ],
        "dgamma": [
            ((dout * x_hat).sum(axis=0).mean(axis=(1, 2)), "sum over H and W too, not a mean."),
        ],
        "dbeta": [(dout.mean(axis=(0, 2, 3)), "dbeta is a sum over N, H and W, not a mean.")],
    }
    return A.judge_gradients(
        got,
        want,
        variants,
        "matches bnlib.spatial_batchnorm_backward: a BN2d backward is the 1-D one on the "
        "(N H W, C) view",
    )


def check_fold_conv(fn):
    """Check a learner's fn(w, b, gamma, beta, running_mean, running_var, eps) ->
    (w_folded, b_folded) against `bnlib.fold_conv_batchnorm`, and by running both networks."""
    rng = np.random.default_rng(5)
    f, c = 4, 3  # F != C, so a scale along the wrong axis shows
    w, b = rng.normal(size=(f, c, 3, 3)), rng.normal(size=f)
    gamma, beta = rng.normal(1.0, 0.5, size=f), rng.normal(size=f)
    mean, var, eps = rng.normal(size=f), rng.uniform(1e-4, 2.0, size=f), 1e-3
    args = (w, b, gamma, beta, mean, var, eps)
    result, failed = A.call(fn, args, "(w, b, gamma, beta, running_mean, running_var, eps)")
    if failed is not None:
        if "broadcast" in failed.message:
            failed.message += (
                f" (w is (F, C, KH, KW) = {w.shape}: one scale per filter, on axis 0, "
                "as scale[:, None, None, None].)"
            )
        return failed
    parts, failed = A.items(result, ("w_folded", "b_folded"))
    if failed is not None:
        return failed
    got_w, failed = A.array(parts[0], w.shape, "your w_folded")
    if failed is not None:
        return failed
    got_b, failed = A.array(parts[1], (f,), "your b_folded")
    if failed is not None:
        return failed
    want_w, want_b = fold_conv_batchnorm(*args)
    scale = gamma / np.sqrt(var + eps)
    w_variants = [
        (w * (gamma / np.sqrt(var))[:, None, None, None], "eps is missing from sqrt(var + eps)."),
        (w * (gamma / var)[:, None, None, None], "divide by sqrt(var + eps), not by var."),
        (w * gamma[:, None, None, None], "scale by gamma / sqrt(var + eps), not gamma alone."),
    ]
    b_variants = [
        (b * scale + beta, "the running mean is missing: b_folded = (b - mean) * s + beta."),
        ((b - mean) * scale, "beta is missing: b_folded = (b - mean) * s + beta."),
        (-mean * scale + beta, "the conv's own bias b is missing: (b - mean) * s + beta."),
    ]
    verdict = A.judge(got_w, want_w, w_variants, "w_folded right", "your w_folded")
    if not verdict:
        return verdict
    verdict = A.judge(got_b, want_b, b_variants, "b_folded right", "your b_folded")
    if not verdict:
        return verdict
    x = rng.normal(size=(2, c, 6, 6))
    folded, _ = conv2d_forward(x, got_w, got_b, padding=1)
    z, _ = conv2d_forward(x, w, b, padding=1)
    unfolded = (z - mean[:, None, None]) * scale[:, None, None] + beta[:, None, None]
    gap = float(np.abs(folded - unfolded).max())
    return Feedback(
        True,
        f"one convolution now does conv + eval-mode BN: on a test batch the two differ by at "
        f"most {gap:.1e}. Each filter f is scaled by s_f = gamma_f / sqrt(var_f + eps).",
    )


NORM_AXES = {"batch": (0, 2, 3), "layer": (1, 2, 3), "instance": (2, 3)}
_AXIS_MISTAKES = {
    ("batch", (0,)): "that is BatchNorm1d on flat (N, D) rows; in a CNN every position of a "
    "channel is a sample too: N, H and W.",
    ("batch", (0, 1, 2, 3)): "batch norm keeps one statistic per channel: C is not averaged.",
    (
        "layer",
        (1,),
    ): "layer norm in a CNN averages over every non-batch axis of one image: C, H, W.",
    ("layer", (0, 2, 3)): "that is batch norm's: layer norm never averages over the batch.",
    ("instance", (1, 2, 3)): "that is layer norm's; instance norm keeps channels apart: H and W.",
    ("instance", (0, 2, 3)): "that is batch norm's; instance norm works per image and channel.",
}


def _axes(value):
    """A learner's axes as a sorted tuple of non-negative ints in [0, 4), or None."""
    try:
        items = [value] if isinstance(value, int | np.integer) else list(value)
        axes = sorted({int(a) % 4 for a in items if not isinstance(a, bool) and int(a) == a})
    except (TypeError, ValueError):
        return None
    return tuple(axes) if len(axes) == len(items) else None


def check_norm_axes(answer):
    """Check a dict {"batch": axes, "layer": axes, "instance": axes} for an (N, C, H, W) batch."""
    if not isinstance(answer, dict):
        return Feedback(
            False,
            'give a dict such as {"batch": (0, 2, 3), "layer": ..., "instance": ...}, axes '
            f"numbered N=0, C=1, H=2, W=3; got {type(answer).__name__}.",
        )
    for name, want in NORM_AXES.items():
        if name not in answer:
            return Feedback(
                False, f'the dict needs a "{name}" entry (the axes {name} norm averages).'
            )
        got = _axes(answer[name])
        if got is None:
            return Feedback(
                False,
                f'"{name}": give the axes as a tuple of ints, e.g. (2, 3); '
                f"got {answer[name]!r:.40}.",
            )
        if got != want:
            hint = _AXIS_MISTAKES.get((name, got), f"{name} norm does not average over {got}.")
            return Feedback(False, f'"{name}": {hint}')
    return Feedback(
        True,
        "batch norm (0, 2, 3) mixes images and needs running statistics; layer (1, 2, 3) and "
        "instance (2, 3) work within one image, so they do not depend on the batch.",
    )
