"""Exercise checkers for notebook 07: group statistics, Batch Renorm's r and d, which norm when."""

import numbers

import numpy as np

from ._feedback import Feedback, _as_number, _call


def _group_stats(x, g, ddof=0):
    grouped = x.reshape(x.shape[0], g, -1)
    return grouped.mean(axis=2), grouped.var(axis=2, ddof=ddof)


def _as_pair(result):
    """The learner's (mean, var) as two float arrays, or a message saying what is wrong."""
    if result is None or result is Ellipsis:
        return None, "your function returned None: fill in its body and return mean, var."
    if not (isinstance(result, tuple | list) and len(result) == 2):
        return None, "return a pair (mean, var), each of shape (N, num_groups)."
    try:
        pair = [np.asarray(a, dtype=np.float64) for a in result]
    except (TypeError, ValueError):
        return None, "mean and var must be arrays of numbers."
    if not all(np.isfinite(a).all() for a in pair):
        return None, "your mean or var holds NaN or inf."
    return pair, None


def _shape_hint(arr, n, c, g, spatial):
    if arr.size == n * c:
        return "one value per channel (that is instance norm); pool the C / G channels of a group."
    if arr.size == g:
        return "one value per group for the whole batch: group norm never pools samples (axis 0)."
    if arr.size == n * g * spatial:
        return "one value per position: pool the group's channels AND every position."
    return f"shape {arr.shape}; expected (N, num_groups) = ({n}, {g})."


def _judge_pair(pair, x, g):
    n, c = x.shape[:2]
    spatial = x[0, 0].size
    ref = _group_stats(x, g)
    for name, arr, want in zip(("mean", "var"), pair, ref, strict=True):
        if arr.size != n * g:
            return f"your {name} has " + _shape_hint(arr, n, c, g, spatial)
        arr = arr.reshape(n, g)  # keepdims answers (N, G, 1, ...) are fine
        if np.allclose(arr, want, rtol=1e-5, atol=1e-7):
            continue
        interleaved = x.reshape(n, c // g, g, -1).swapaxes(1, 2).reshape(n, g, -1)
        if np.allclose(arr, (interleaved.mean(2), interleaved.var(2))[name == "var"], rtol=1e-5):
            return (
                f"your {name} puts channels c, c + G, c + 2G, ... in one group. A group is C / G "
                "consecutive channels: x.reshape(N, G, C // G, *S)."
            )
        if name == "var" and np.allclose(arr, _group_stats(x, g, ddof=1)[1], rtol=1e-5):
            return "your var is the unbiased one (ddof=1); normalizing uses the biased variance."
        if name == "var" and np.allclose(arr, np.sqrt(want), rtol=1e-5):
            return "your var is the standard deviation; square it (or use .var)."
        worst = np.unravel_index(np.argmax(np.abs(arr - want)), arr.shape)
        return (
            f"your {name} is off: for sample {worst[0]}, group {worst[1]} you gave "
            f"{arr[worst]:.5g}, expected {want[worst]:.5g}."
        )
    return None


def check_group_statistics(fn):
    """Check fn(x, num_groups) -> (mean, var), each (N, num_groups), for x of shape (N, C, H, W)."""
    rng = np.random.default_rng(7)
    x = (
        rng.normal(size=(3, 6, 2, 2)) * np.arange(1.0, 7.0)[:, None, None]
        + np.arange(6.0)[:, None, None]
    )
    for g in (2, 3):  # two groupings, so an answer written for one only fails the other
        result, failed = _call(fn, (x, g), "(x, num_groups)")
        if failed is not None:
            return failed
        pair, problem = _as_pair(result)
        if problem is None:
            problem = _judge_pair(pair, x, g)
        if problem is not None:
            return Feedback(False, f"with num_groups = {g}: {problem}")
    return Feedback(
        True,
        "one mean and one variance per sample and group, over the group's channels and every "
        "position (checked with 2 and 3 groups).",
    )


def _problem_numbers(values):
    for v in values:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            return False
    return values[1] > 0 and values[3] > 0 and values[4] >= 1 and values[5] >= 0


def check_renorm_r_d(answer, mu_b, sigma_b, mu, sigma, r_max, d_max):
    """Check answer = (r, d) of Batch Renorm for a batch with mean mu_b and std sigma_b, running
    mean mu and std sigma, and limits r_max, d_max (eps ignored)."""
    problem = (mu_b, sigma_b, mu, sigma, r_max, d_max)
    if not _problem_numbers(problem):
        return Feedback(False, "the problem's numbers must be finite, with sigmas > 0.")
    if not (isinstance(answer, tuple | list) and len(answer) == 2):
        return Feedback(False, "give the pair (r, d), e.g. answer = (0.5, 1.2).")
    (r, failed), (d, failed_d) = _as_number(answer[0]), _as_number(answer[1])
    if failed is not None or failed_d is not None or not (np.isfinite(r) and np.isfinite(d)):
        return Feedback(False, "r and d must both be finite numbers.")
    want_r = float(np.clip(sigma_b / sigma, 1 / r_max, r_max))
    want_d = float(np.clip((mu_b - mu) / sigma, -d_max, d_max))
    r_ok, d_ok = np.isclose(r, want_r, rtol=1e-3), np.isclose(d, want_d, rtol=1e-3, atol=1e-9)
    if r_ok and d_ok:
        return Feedback(True, f"r = {want_r:.4g} and d = {want_d:.4g}, both after clipping.")
    if np.isclose(r, want_d, rtol=1e-3) and np.isclose(d, want_r, rtol=1e-3) and not r_ok:
        return Feedback(False, "r and d are swapped: give (r, d) in that order.")
    hints = []
    if not r_ok:
        if np.isclose(r, sigma_b / sigma, rtol=1e-3):
            hints.append("r = sigma_B / sigma is right, then clip it to [1/r_max, r_max].")
        elif np.isclose(r, np.clip(sigma / sigma_b, 1 / r_max, r_max), rtol=1e-3):
            hints.append(
                "r is the batch's std over the running std, sigma_B / sigma, not the inverse."
            )
        else:
            hints.append("r = clip(sigma_B / sigma, 1/r_max, r_max).")
    if not d_ok:
        if np.isclose(d, (mu_b - mu) / sigma, rtol=1e-3):
            hints.append("d = (mu_B - mu) / sigma is right, then clip it to [-d_max, d_max].")
        elif np.isclose(d, -want_d, rtol=1e-3):
            hints.append("d has the wrong sign: it is (mu_B - mu) / sigma.")
        elif np.isclose(d, np.clip(mu_b - mu, -d_max, d_max), rtol=1e-3):
            hints.append("d is measured in running standard deviations: divide by sigma.")
        elif np.isclose(d, np.clip((mu_b - mu) / sigma_b, -d_max, d_max), rtol=1e-3):
            hints.append("d divides by the running std sigma, not the batch's sigma_B.")
        else:
            hints.append("d = clip((mu_B - mu) / sigma, -d_max, d_max).")
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
_ALIASES = {
    "batch": "batch",
    "bn": "batch",
    "batchnorm": "batch",
    "layer": "layer",
    "ln": "layer",
    "layernorm": "layer",
    "group": "group",
    "gn": "group",
    "groupnorm": "group",
    "renorm": "renorm",
    "brn": "renorm",
    "batchrenorm": "renorm",
    "batchrenormalization": "renorm",
}
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
    wrong = []
    for key in sorted(SITUATIONS):
        raw = answers[key]
        name = (
            "".join(ch for ch in str(raw).lower() if ch.isalpha()) if isinstance(raw, str) else ""
        )
        name = name.removesuffix("norm") if name.removesuffix("norm") in _ALIASES else name
        choice = _ALIASES.get(name)
        if choice is None:
            return Feedback(
                False,
                f'situation {key}: answer "batch", "layer", "group" or "renorm"; got {raw!r:.40}.',
            )
        if choice != _BEST[key]:
            wrong.append(f"{key}: not {choice}; {_WHY[key]}.")
    if wrong:
        return Feedback(False, " ".join(wrong))
    return Feedback(True, "all four: " + " ".join(f"{k}: {_WHY[k]}." for k in sorted(_WHY)))
