"""Kernel speed: `batchnorm_forward` + fused `batchnorm_backward` (and the spatial version).

For each shape and dtype: the best-of-7 time of the forward and the fused backward; the
effective bandwidth, counting the least traffic any implementation needs (forward reads x and
writes out; backward reads dout and x and writes dx: five arrays the size of x) against a plain
`np.copyto` of the same array (one read, one write) as the practical limit; the staged/fused
backward ratio; the peak temporary memory of forward + backward (tracemalloc) in units of x;
and, when PyTorch is importable, the ratio to `torch.nn.functional.batch_norm` with autograd.
"""

import argparse
import tracemalloc

import numpy as np

from ._report import Table, best_time, load, mark

CASES = [  # (label, shape, spatial, goal applies)
    ("(64, 256)", (64, 256), False, False),
    ("(256, 4096)", (256, 4096), False, True),
    ("(1024, 1024)", (1024, 1024), False, True),
    ("spatial (32, 64, 32, 32)", (32, 64, 32, 32), True, True),
]
DTYPES = (np.float32, np.float64)
TORCH_RATIO, COPY_FRACTION = 1.5, 0.5
ARRAYS_MOVED = 5  # x, out (forward); dout, x, dx (backward)


def bnlib_ops(spatial):
    import bnlib

    if spatial:
        return bnlib.spatial_batchnorm_forward, bnlib.spatial_batchnorm_backward, None
    return bnlib.batchnorm_forward, bnlib.batchnorm_backward, bnlib.batchnorm_backward_staged


def torch_step(x, dout):
    """A function running torch's batch norm forward + autograd backward on copies of x, dout."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    torch.set_num_threads(1)  # like numpy's elementwise kernels; 2 threads thrash a shared machine
    xt = torch.from_numpy(x.copy()).requires_grad_()
    dt = torch.from_numpy(dout.copy())
    channels = x.shape[1]
    weight = torch.ones(channels, dtype=xt.dtype, requires_grad=True)
    bias = torch.zeros(channels, dtype=xt.dtype, requires_grad=True)

    def step():
        xt.grad = weight.grad = bias.grad = None
        F.batch_norm(xt, None, None, weight, bias, training=True, eps=1e-5).backward(dt)

    return step


def peak_temporaries(forward, backward, x, gamma, beta, dout):
    """Peak bytes numpy allocates during forward + backward, in units of x.nbytes."""
    tracemalloc.start()
    out, cache = forward(x, gamma, beta)
    grads = backward(dout, cache)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out, cache, grads
    return peak / x.nbytes


def measure(shape, dtype, spatial, repeat=7, min_time=0.02):
    """Best times in seconds (and the temporaries ratio) for one case, as a dict."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    dout = rng.standard_normal(shape).astype(dtype)
    gamma, beta = np.ones(shape[1], dtype), np.zeros(shape[1], dtype)
    forward, backward, staged = bnlib_ops(spatial)
    _, cache = forward(x, gamma, beta)
    dst = np.empty_like(x)
    step = torch_step(x, dout)

    def timed(fn):
        return best_time(fn, repeat=repeat, min_time=min_time) if fn else None

    return {
        "fwd": timed(lambda: forward(x, gamma, beta)),
        "bwd": timed(lambda: backward(dout, cache)),
        "staged": timed(staged and (lambda: staged(dout, cache))),
        "copy": timed(lambda: np.copyto(dst, x)),
        "torch": timed(step),
        "alloc": peak_temporaries(forward, backward, x, gamma, beta, dout),
        "bytes": x.nbytes,
    }


def torch_note():
    try:
        import torch
    except ImportError:
        return "PyTorch not installed: the torch columns are n/a (the goal is judged on bandwidth)"
    return (
        f"torch {torch.__version__} on 1 thread (as numpy), F.batch_norm(training=True) + "
        "autograd backward"
    )


def table(repeat=7, min_time=0.02, cases=CASES):
    t = Table(
        f"3. Kernel speed (best of {repeat}; load {load()} at start)",
        [
            "shape",
            "dtype",
            "fwd ms",
            "bwd ms",
            "staged/fused",
            "GB/s",
            "copy GB/s",
            "of copy",
            "torch ms",
            "x torch",
            "temps (x)",
            "mark",
        ],
        [
            f"fwd+bwd moves {ARRAYS_MOVED} arrays of x's size at least; GB/s = that / (fwd + bwd);"
            " copy GB/s = np.copyto (2 arrays) / its time",
            f"goal for the large shapes: >= {COPY_FRACTION:.0%} of copy bandwidth and <= "
            f"{TORCH_RATIO}x torch (fwd+bwd); temps = peak numpy allocation of fwd+bwd / x.nbytes",
            torch_note(),
        ],
    )
    for label, shape, spatial, goal in cases:
        for dtype in DTYPES:
            r = measure(shape, dtype, spatial, repeat, min_time)
            total = r["fwd"] + r["bwd"]
            bandwidth = ARRAYS_MOVED * r["bytes"] / total
            copy_bandwidth = 2 * r["bytes"] / r["copy"]
            fraction = bandwidth / copy_bandwidth
            vs_torch = total / r["torch"] if r["torch"] else None
            ok = fraction >= COPY_FRACTION and (vs_torch is None or vs_torch <= TORCH_RATIO)
            t.add(
                label,
                np.dtype(dtype).name,
                f"{r['fwd'] * 1e3:.3f}",
                f"{r['bwd'] * 1e3:.3f}",
                f"{r['staged'] / r['bwd']:.2f}" if r["staged"] else "-",
                f"{bandwidth / 1e9:.1f}",
                f"{copy_bandwidth / 1e9:.1f}",
                f"{fraction:.0%}",
                f"{r['torch'] * 1e3:.3f}" if r["torch"] else "n/a",
                f"{vs_torch:.2f}" if vs_torch else "n/a",
                f"{r['alloc']:.1f}",
                mark(ok) if goal else "-",
            )
    return t


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    print(table(args.repeat).render())


if __name__ == "__main__":
    main()
