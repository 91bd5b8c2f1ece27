"""Slider redraw in process: for every panel in `bncourse.panels.PANELS`, the time from a
slider's value change to a finished redraw (compute + matplotlib draw + PNG encode), over a sweep
of values.

Setting `slider.value` runs the redraw synchronously, so the time of that assignment is the
kernel's share of what a learner waits for (benchmarks/lab.py times the whole, in JupyterLab).
The sweep visits both extremes first (the largest jumps), then evenly spaced values, then
returns to the default.
"""

import argparse
import time

import matplotlib

from ._report import Table, load, mark, median

matplotlib.use("Agg")

PANEL_MEDIAN_MS = 40.0  # issue 30: the in-process redraw median of every panel


def sweep_values(slider, points=9):
    """Values to visit: extremes first, then `points` evenly spaced, then back to the default."""
    from bncourse.slider_panel import slider_values

    values = slider_values(slider, points=points)
    return [values[0], values[-1], *values, slider.value]


def time_moves(slider, values):
    """(value, wall s, CPU s) per value change; a value equal to the current one needs no redraw."""
    moves = []
    for value in values:
        if value == slider.value:
            continue
        start, cpu = time.perf_counter(), time.process_time()
        slider.value = value
        moves.append((value, time.perf_counter() - start, time.process_time() - cpu))
    return moves


def table(points=9):
    from bncourse.panels import PANELS

    t = Table(
        f"2. Slider redraw in process (value change -> redrawn PNG; load {load()} at start)",
        [
            "panel / slider",
            "build ms",
            "moves",
            "median ms",
            "worst ms",
            "worst at",
            "CPU median ms",
            "budget ms",
            "mark",
        ],
        [
            f"budget: each panel's median over all its sliders' moves <= {PANEL_MEDIAN_MS:.0f} ms"
            " (wall time); a slider's own row is for reading; CPU = this process's CPU time per"
            " move (what a quiet machine needs)",
        ],
    )
    for name, factory in PANELS.items():
        start = time.perf_counter()
        panel = factory()
        build = f"{(time.perf_counter() - start) * 1e3:.0f}"
        everything = []
        for slider_name, slider in panel.sliders.items():
            moves = time_moves(slider, sweep_values(slider, points))
            everything += moves
            worst_at, worst, _ = max(moves, key=lambda move: move[1])
            t.add(
                f"  {name}.{slider_name}",
                "",
                len(moves),
                f"{median([wall for _, wall, _ in moves]) * 1e3:.1f}",
                f"{worst * 1e3:.1f}",
                f"{worst_at:.3g}" if isinstance(worst_at, float) else worst_at,
                f"{median([cpu for _, _, cpu in moves]) * 1e3:.1f}",
                "",
                "",
            )
        med = median([wall for _, wall, _ in everything])
        t.add(
            name,
            build,
            len(everything),
            f"{med * 1e3:.1f}",
            f"{max(wall for _, wall, _ in everything) * 1e3:.1f}",
            "",
            f"{median([cpu for _, _, cpu in everything]) * 1e3:.1f}",
            f"{PANEL_MEDIAN_MS:.0f}",
            mark(med * 1e3 <= PANEL_MEDIAN_MS),
        )
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=9, help="evenly spaced values per slider")
    args = parser.parse_args(argv)
    print(table(args.points).render())


if __name__ == "__main__":
    main()
