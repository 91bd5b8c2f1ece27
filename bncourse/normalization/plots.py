"""Plots for notebook 01 (the normalization formula)."""

import numpy as np
from matplotlib.colors import to_rgba

from bncourse.redraw import moving
from bncourse.style import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    SMALL,
    _axes,
    _hist,
    _reset,
    describe,
    fmt,
    style,
)


def before_after(x, out, axes=None):
    """Scatter two features before and after normalization (same data, two coordinate systems)."""
    ax0, ax1 = _axes(axes, 2)
    for ax, data, title in ((ax0, x, "before: raw features"), (ax1, out, "after: normalized")):
        # Light dots with dark edges: the overlaps show, each dot reaches 3:1 on white.
        ax.scatter(
            data[:, 0], data[:, 1], s=10, facecolor=to_rgba(BLUE, 0.5), edgecolor=BLUE, lw=0.5
        )
        ax.axhline(0, color=GREY, lw=0.8)
        ax.axvline(0, color=GREY, lw=0.8)
        ax.set(title=title, xlabel="feature 0", ylabel="feature 1")
    ax1.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal")
    x, out = np.asarray(x), np.asarray(out)
    r = np.corrcoef(x[:, 0], x[:, 1])[0, 1]
    r_out = np.corrcoef(out[:, 0], out[:, 1])[0, 1]

    def stats(a):
        return ", ".join(f"feature {j} mean {fmt(a[:, j].mean())}, std {fmt(a[:, j].std())}"
                         for j in (0, 1))  # fmt: skip

    text = (
        f"Two scatter plots of the same {len(x)} points, feature 1 against feature 0. Before: "
        f"{stats(x)}. After normalizing: {stats(out)}. The cloud is moved to the origin and "
        f"rescaled on each axis, but its shape is kept: correlation {fmt(r)} before, "
        f"{fmt(r_out)} after."
    )
    return describe(np.array([ax0, ax1]), text)


def batch_spread(spread, axes=None):
    """Three histograms from `views.batch_spread_view`: batch means, batch variances, and one
    example's normalized value, each across many batches. Fixed x-limits so widths compare."""
    ax0, ax1, ax2 = _axes(axes, 3, width=3.6)
    mu, sd, m = spread.mean, spread.std, spread.batch_size
    top = 4 * sd**2
    series = (
        (ax0, spread.batch_means, np.linspace(mu - 3 * sd, mu + 3 * sd, 41), BLUE),
        (ax1, np.minimum(spread.batch_vars, top), np.linspace(0, top, 41), BLUE),
        (ax2, spread.x_hat_example, np.linspace(-3, 3, 41), GREEN),
    )
    _draw_batch_spread_axes(ax0, ax1, ax2, spread, series)
    moving(ax1.set_xlabel(f"batch size m = {m}, {spread.batch_means.size} batches"))
    text = (
        f"Three histograms over {spread.batch_means.size} batches of size {m} from a "
        f"distribution with mean {mu:g} and variance {sd**2:g}. Batch means spread by "
        f"±{fmt(spread.batch_means.std())} (sigma / sqrt(m) = {fmt(sd / np.sqrt(m))}); batch "
        f"variances average {fmt(spread.batch_vars.mean())} (expected (m-1)/m sigma² = "
        f"{fmt(spread.expected_batch_var)}, true {sd**2:g}); one example's normalized value "
        f"spreads by ±{fmt(spread.x_hat_example.std())} around "
        f"{fmt(spread.x_hat_example.mean())} (ideal {fmt(spread.x_hat_ideal)}). "
        "Smaller batches widen all three."
    )
    return describe(np.array([ax0, ax1, ax2]), text)


def _draw_batch_spread_axes(ax0, ax1, ax2, spread, series):
    """`batch_spread`'s artists and legends, on axes cleared of what it drew before."""
    mu, sd, m = spread.mean, spread.std, spread.batch_size
    for ax in (ax0, ax1, ax2):
        _reset(ax)
        ax.set_yticks([])
    tops = []

    def add_hist(k):  # the k-th histogram of `series`
        ax, values, bins, color = series[k]
        tops.append(_hist(ax, values, bins, color=color))

    add_hist(0)
    ax0.axvline(mu, color="k", lw=1.5, label=f"true mean {mu:g}")
    ax0.axvspan(
        mu - sd / np.sqrt(m),
        mu + sd / np.sqrt(m),
        color=ORANGE,
        alpha=0.25,
        label=r"$\pm\sigma/\sqrt{m}$",
    )
    ax0.set(title=r"batch means $\mu_B$", xlim=(mu - 3 * sd, mu + 3 * sd))
    top = 4 * sd**2
    add_hist(1)
    ax1.axvline(sd**2, color="k", lw=1.5, label=rf"true variance {sd**2:g}")
    ax1.axvline(
        spread.expected_batch_var,
        color=ORANGE,
        lw=1.5,
        ls="--",
        label=r"$E[\sigma_B^2]=\frac{m-1}{m}\sigma^2$",
    )
    ax1.set(title=r"batch variances $\sigma_B^2$ (clipped at $4\sigma^2$)", xlim=(0, top))
    add_hist(2)
    ax2.axvline(spread.x_hat_ideal, color="k", lw=1.5, label="with the true mean and std")
    ax2.set(title=f"one example's $\\hat{{x}}$ (x = {spread.example:g})", xlim=(-3, 3))
    for ax, top_count, corner in zip((ax0, ax1, ax2), tops, ("left", "right", "left"), strict=True):
        ax.set_ylim(0, 1.3 * top_count)
        ax.legend(loc=f"upper {corner}", fontsize=SMALL, frameon=False)


def epsilon_effect(effect, axes=None):
    """Two views from `views.epsilon_view`: the normalized feature's histogram, and the
    output variance var / (var + eps) as a function of eps."""
    ax0, ax1 = _axes(axes, 2)
    bins = np.linspace(-3.5, 3.5, 36)
    looks = ({"color": GREY, "alpha": 0.5}, {"color": BLUE, "alpha": 0.7})
    labels = (f"eps = {effect.eps:.0e}", f"this feature, var = {effect.feature_std**2:.0e}")
    _draw_epsilon_axes(ax0, ax1, effect, bins, looks, labels)
    ax0.set_title(
        f"normalized feature (std {effect.feature_std:.0e}): variance {effect.output_var:.3f}"
    )
    text = (
        f"Left: histogram of a feature with std {effect.feature_std:.1e} normalized with eps "
        f"{effect.eps:.1e}, over the same feature normalized with eps = 0 (variance 1); its "
        f"variance is {fmt(effect.output_var, 4)}. Right: output variance var / (var + eps) "
        f"against eps on a log scale, solid for this feature (variance "
        f"{effect.feature_std**2:.1e}), dashed for a unit-variance one; the marker at eps "
        f"{effect.eps:.1e} sits at {fmt(effect.output_var, 4)}. The output variance falls "
        "from 1 towards 0 once eps is comparable to the feature's own variance."
    )
    return describe(np.array([ax0, ax1]), text)


def _draw_epsilon_axes(ax0, ax1, effect, bins, looks, labels):
    """`epsilon_effect`'s artists and legends, on axes cleared of what it drew before."""
    _reset(ax0)
    _reset(ax1)
    top = _hist(ax0, effect.x_hat_no_eps, bins, **looks[0], label="eps = 0 (ideal)")
    top = max(top, _hist(ax0, effect.x_hat, bins, **looks[1], label=labels[0]))
    ax0.set_ylim(0, 1.3 * top)
    ax0.set(xlim=(-3.5, 3.5), yticks=[])
    ax0.legend(loc="upper left", fontsize=SMALL, frameon=False)
    ax1.semilogx(effect.eps_grid, effect.curve, color=BLUE, label=labels[1])
    ax1.semilogx(
        effect.eps_grid, effect.curve_unit, color=GREY, ls="--", label="a unit-variance feature"
    )
    ax1.plot([effect.eps], [effect.output_var], "o", color=ORANGE, label="measured")
    ax1.set(
        title="output variance = var / (var + eps)",
        xlabel="eps",
        ylim=(-0.03, 1.05),
        xlim=(effect.eps_grid[0], effect.eps_grid[-1]),
    )
    ax1.legend(loc="lower left", fontsize=SMALL, frameon=False)


def channel_stats(x, out, ax=None):
    """Per-channel mean and std of an image batch (N, C, H, W), before and after normalizing."""
    (ax,) = _axes(ax, 1, width=5.0)
    channels = np.arange(x.shape[1])
    stats = [
        (x.mean(axis=(0, 2, 3)), "mean before"),
        (x.std(axis=(0, 2, 3)), "std before"),
        (out.mean(axis=(0, 2, 3)), "mean after"),
        (out.std(axis=(0, 2, 3)), "std after"),
    ]
    # Colour, hatch and a marker on top of each bar, so neither colour alone carries the series
    # and a bar of height 0 (the means after) is still visible.
    hatches = ("", "//", "..", "xx")
    for k, (values, label) in enumerate(stats):
        look = style(k)
        at = channels + (k - 1.5) * 0.2
        ax.bar(at, values, width=0.2, color=look["color"], hatch=hatches[k], edgecolor="white")
        ax.plot(at, values, look["marker"], color=look["color"], mec="k", ms=5, label=label)
    ax.axhline(0, color=GREY, lw=0.8)
    ax.set(xticks=channels, xlabel="channel", title="per-channel statistics over (N, H, W)")
    ax.legend(fontsize=SMALL, frameon=False)
    parts = [f"{label} " + ", ".join(fmt(v) for v in values) for values, label in stats]
    text = (
        f"Bars per channel (channels 0 to {x.shape[1] - 1}) of the mean and std over (N, H, W), "
        "before and after normalizing: " + "; ".join(parts) + ". After normalizing every "
        "channel has mean about 0 and std about 1, whatever its brightness and contrast before."
    )
    return describe(ax, text)
