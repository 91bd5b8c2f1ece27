"""Engine speed: training steps per second of the digits MLP [64, 100, 100, 100, 10] (sigmoid),
with and without batch norm, through `bnlib.train` (minibatch SGD, as the notebooks run it).

A step is one minibatch forward + backward + SGD update. The test set is scored only at the
start and the end, so the rate is the training loop's own. Each configuration runs in a fresh
Python process, once with OPENBLAS_NUM_THREADS unset (OpenBLAS's default: one thread per core,
unless bnlib limits it) and once set to 1; the variable is read when numpy loads, so each run
needs a new process. On a shared machine the difference shows.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

from ._report import Table, load, mark

SIZES = [64, 100, 100, 100, 10]
MIN_STEPS_PER_S = 500.0  # a 1,000-step run of one model in under 2 s keeps notebooks under 15 s
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
ROOT = pathlib.Path(__file__).resolve().parent.parent


def engine():
    """(load_digits, mlp, train) from bnlib, or the import error's text while it has none."""
    try:
        from bnlib.data import load_digits
        from bnlib.model import mlp
        from bnlib.training import train
    except ImportError as err:
        return str(err)
    return load_digits, mlp, train


def steps_per_second(batchnorm, batch_size, steps, lr=0.5, seed=0):
    """(steps/s, steps done, final test accuracy) of one fresh training run, in this process."""
    import numpy as np

    load_digits, mlp, train = engine()
    data = load_digits()
    rng = np.random.default_rng(seed)
    model = mlp(SIZES, activation="sigmoid", batchnorm=batchnorm, rng=rng)
    start = time.perf_counter()
    history = train(model, data, steps, batch_size, lr, rng, eval_every=steps)
    elapsed = time.perf_counter() - start
    return history.steps_done / elapsed, history.steps_done, history.final_accuracy


def in_subprocess(batchnorm, batch_size, steps, blas_threads):
    """Run `steps_per_second` in a fresh interpreter with the given BLAS thread count."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    if blas_threads:
        env.update(dict.fromkeys(THREAD_VARS, str(blas_threads)))
    args = ["--one", json.dumps([batchnorm, batch_size, steps])]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.engine", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    return json.loads(done.stdout)


def table(steps=1000, batch_sizes=(60, 128), blas=(None, 1)):
    t = Table(
        f"4. Engine speed (digits MLP {SIZES}, sigmoid, SGD lr 0.5; load {load()} at start)",
        ["model", "batch", "OPENBLAS_NUM_THREADS", "steps", "steps/s", "budget", "BN cost", "mark"],
        [
            f"budget: >= {MIN_STEPS_PER_S:.0f} steps/s (a 1,000-step run of one model in < 2 s);"
            " BN cost = time per step with BN / without, same batch and threads",
        ],
    )
    if isinstance(engine(), str):
        t.notes.append(f"the engine is not available yet ({engine()})")
        return t
    for blas_threads in blas:
        for batch_size in batch_sizes:
            plain = None
            for batchnorm in (False, True):
                rate, done, _ = in_subprocess(batchnorm, batch_size, steps, blas_threads)
                plain = plain or rate
                t.add(
                    "with BN" if batchnorm else "without BN",
                    batch_size,
                    blas_threads or "unset",
                    done,
                    f"{rate:.0f}",
                    f"{MIN_STEPS_PER_S:.0f}",
                    f"{plain / rate:.2f}x" if batchnorm else "",
                    mark(rate >= MIN_STEPS_PER_S),
                )
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # [batchnorm, batch_size, steps]
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(steps_per_second(*json.loads(args.one))))
    else:
        print(table(args.steps).render())


if __name__ == "__main__":
    main()
