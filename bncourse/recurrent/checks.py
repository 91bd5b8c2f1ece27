"""Exercise checkers for notebook 07: per-timestep statistics, the T_max rule, tanh saturation."""

import numpy as np

from bncourse import answers as A
from bncourse.feedback import Feedback


def _stats_variants(a):
    """(mean, var) of the usual wrong choices of axes, with what each one got wrong."""
    T, H = a.shape[1:]
    pooled = (a.mean(axis=(0, 1)), a.var(axis=(0, 1)))
    return [
        (
            (a.mean(0), a.var(0, ddof=1)),
            "you used the unbiased variance (ddof=1); normalizing uses the biased one (divide "
            "by N).",
        ),
        (
            tuple(np.broadcast_to(s, (T, H)) for s in pooled),
            "you pooled the statistics over the batch AND time (axis=(0, 1)) and repeated them "
            "for every timestep: one mean for all timesteps is exactly what per-timestep batch "
            "norm avoids. Average over axis=0 only.",
        ),
        (
            (a.var(0), a.mean(0)),
            "mean and var are swapped: return (mean, var).",
        ),
        (
            (a.mean(0), a.std(0)),
            "that is the standard deviation; return the variance (np.var, no square root).",
        ),
    ]


def _timestep_pair(result, a):
    """The learner's (mean, var) as a (2, T, H) array, or (None, Feedback) saying what is off."""
    n, T, H = a.shape
    if isinstance(result, np.ndarray) and result.ndim < 3:
        return None, Feedback(False, f"return a pair (mean, var), each of shape (T, H) = {(T, H)}.")

    def hint(name, shape):
        if shape in ((H,), (1, 1, H), (1, H)):
            return (
                f"your {name} has one value per unit, shape {shape}: you pooled over the batch "
                "and time (axis=(0, 1)). Per-timestep statistics keep T: average over axis=0 "
                f"only, shape (T, H) = {(T, H)}."
            )
        if shape == (n, H):
            return (
                f"your {name} has shape {shape}, one value per sequence: you averaged over "
                "time (axis=1). Batch norm averages over the batch, axis=0."
            )
        return None

    return A.statistics(result, (T, H), f"(T, H) = {(T, H)}", hint, keepdims=((1, T, H),))


def check_timestep_statistics(fn):
    """Check fn(a) -> (mean, var), each (T, H), for a pre-activation a of shape (N, T, H)."""
    rng = np.random.default_rng(6)
    batches = [  # the second, with other sizes, catches a hard-coded answer
        rng.normal(np.arange(5)[:, None] * 0.7, 1 + np.arange(3), size=(8, 5, 3)),
        rng.normal(-2.0, 0.3, size=(6, 4, 2)) * np.linspace(1, 4, 4)[:, None],
    ]
    for a in batches:
        result, failed = A.call(fn, (a,), "(a)")
        if failed is not None:
            return failed
        got, failed = _timestep_pair(result, a)
        if failed is not None:
            return failed
        reference = np.stack([a.mean(0), a.var(0)])
        variants = [(np.stack(v), hint) for v, hint in _stats_variants(a)]
        feedback = A.judge(
            tuple(got),
            tuple(reference),
            [(tuple(v), hint) for v, hint in variants],
            "right",
            "your (mean, var)",
            ("mean", "var"),
        )
        if not feedback and "differs" in feedback.message:
            k, t, j = np.unravel_index(np.argmax(np.abs(got - reference)), got.shape)
            gave, want = A.distinct(got[k, t, j], reference[k, t, j])
            feedback.message = (
                f"your {('mean', 'var')[k]} at timestep {t}, unit {j} is {gave}; expected "
                f"{want} (average over axis=0, the batch, with np.var's biased default)."
            )
        if not feedback:
            return feedback
    return Feedback(
        True,
        "one mean and one variance per timestep and unit, over the batch only: what "
        "bnlib.RNN(norm='batch') normalizes x_t @ Wx and h_{t-1} @ Wh with.",
    )


def check_eval_row(answer, t, T_max):
    """Check which row of the running statistics eval mode uses at timestep t (counting from 0),
    for a layer trained on sequences of at most T_max timesteps."""
    t_ok = isinstance(t, (int, np.integer)) and not isinstance(t, bool) and t >= 0
    if not t_ok or not isinstance(T_max, (int, np.integer)) or isinstance(T_max, bool) or T_max < 1:
        return Feedback(
            False, f"the checker needs ints t >= 0 and T_max >= 1; got {t!r}, {T_max!r}."
        )
    got, failed = A.number(answer)
    if failed is not None:
        return failed
    want = min(t, T_max - 1)
    if got == -1 and t >= T_max - 1:
        return Feedback(
            True,
            f"row -1 is numpy's last row, row T_max - 1 = {T_max - 1}: every timestep beyond "
            "the longest training sequence reuses T_max's statistics.",
        )
    if got == -1:
        return Feedback(
            False,
            f"row -1 is numpy's last row, T_max - 1 = {T_max - 1}; timestep {t} has statistics "
            f"of its own, row {t}.",
        )
    if t < T_max:
        success = f"row {want}: timestep {t} has statistics of its own."
    else:
        success = (
            f"row {want}, the last one (T_max - 1): every timestep beyond the longest training "
            "sequence reuses T_max's statistics."
        )
    mistakes = []
    if t >= T_max:
        mistakes += [
            (
                T_max,
                f"rows count from 0: T_max = {T_max} rows are numbered 0 to {T_max - 1}, so "
                f"T_max's statistics are in row {T_max - 1}.",
            ),
            (
                t,
                f"there is no row {t}: training never saw timestep {t}, only 0 to {T_max - 1}.",
            ),
            (
                t % T_max,
                "the rows do not wrap around: timestep t >= T_max is not like timestep t mod "
                "T_max; the rule reuses the last row, whose statistics come from the latest "
                "timesteps seen.",
            ),
        ]
    else:
        mistakes.append(
            (
                T_max - 1,
                f"timestep {t} has its own row, {t}: only timesteps beyond the longest training "
                f"sequence (t >= T_max = {T_max}) reuse the last row, {T_max - 1}.",
            )
        )
    mistakes.append((0, "row 0 holds the first timestep's statistics, where h_{-1} = 0."))
    return A.typed(
        got,
        want,
        1,
        [(value, hint) for value, hint in mistakes if value != want],
        success=success,
        off=f"Rows run from 0 to T_max - 1 = {T_max - 1}, one per timestep seen in training.",
        whole=True,
    )


def _mean_tanh_slope(var):
    """E[1 - tanh(z)^2] for z ~ Normal(0, var), by Gauss-Hermite quadrature (80 nodes)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    return float(np.sum(weights * (1 - np.tanh(np.sqrt(var) * nodes) ** 2)) / np.sqrt(2 * np.pi))


# The mean slope notebook 07 measured in its network at gamma_init = 0.7, section 3.
MEASURED_SLOPE = {0.7: 0.63}
SLOPE_DIGITS = 2  # the precision the prompt asks for (a sampled estimate of 100,000 z gets it)


def check_tanh_slope(answer, gamma_init):
    """Check the mean slope E[tanh'(z)] at initialization for z = gamma_init * (x_hat + h_hat),
    the sum of two independent normalized terms (b = 0), so z ~ Normal(0, 2 gamma_init^2),
    to SLOPE_DIGITS significant figures."""
    (gamma,), failed = A.setting((gamma_init,), ("gamma_init",))
    if failed is not None:
        return failed
    want = _mean_tanh_slope(2 * gamma**2)
    verdict = "tanh is saturated for many units" if want < 0.8 else "tanh is nearly linear"
    point = 1 - np.tanh(gamma) ** 2
    measured = MEASURED_SLOPE.get(round(gamma, 6))
    also = (
        f" (It is also close to the mean slope notebook 07 measured in its network, {measured}.)"
        if measured is not None and A.agrees(measured, point, SLOPE_DIGITS)
        else ""
    )
    mistakes = [
        (
            point,
            f"that is the slope at one point, z = gamma: 1 - tanh({gamma:g})^2 = {point:.4f}; "
            "average 1 - tanh(z)^2 over z ~ Normal(0, 2 gamma^2) (sample many z, or "
            f"integrate).{also}",
        ),
        (
            1.0,
            "that is the slope at one point, z = 0; average 1 - tanh(z)^2 over "
            "z ~ Normal(0, 2 gamma^2) (sample many z, or integrate).",
        ),
        (
            _mean_tanh_slope(gamma**2),
            "that is the slope for ONE normalized term; z adds two independent ones "
            "(gamma x_hat + gamma h_hat), so its variance is 2 gamma^2.",
        ),
        (_mean_tanh_slope(2 * gamma), "the variance of gamma * x_hat is gamma^2, not gamma."),
    ]
    if measured is not None:
        mistakes.append(
            (
                measured,
                f"{measured} is the mean slope notebook 07 measured in its network at "
                f"gamma_init = {gamma:g}; the idealised model asked for here differs, because "
                "the network's x_hat and h_hat are not exactly independent standard normals. "
                "Average 1 - tanh(z)^2 over z ~ Normal(0, 2 gamma^2).",
            )
        )
    return A.typed(
        answer,
        want,
        SLOPE_DIGITS,
        mistakes,
        success=f"about {want:.3f}: {verdict} at gamma_init = {gamma:g}.",
        off=f"Average 1 - tanh(z)^2 over z ~ Normal(0, 2 gamma^2) with gamma = {gamma:g} "
        "(sample many z, or integrate).",
    )
