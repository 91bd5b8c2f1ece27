"""The convolution, BatchNorm2d and conv + BN folding: against plain loops, numerical gradients
and reference numbers recorded from PyTorch 2.13 (torch.nn.functional.conv2d, nn.BatchNorm2d)."""

import numpy as np
import pytest

import bnlib
from bnlib.conv import conv2d_backward, conv2d_forward, fold_conv_batchnorm
from bnlib.conv_layers import BatchNorm2d, Conv2d, Flatten, GlobalAvgPool2d
from bnlib.gradcheck import numerical_gradient
from bnlib.spatial import spatial_batchnorm_forward


def loop_conv(x, w, b, stride, padding):
    """The definition, one multiply-add at a time."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, ho, wo))
    for i in range(n):
        for j in range(f):
            for r in range(ho):
                for s in range(wo):
                    patch = xp[i, :, r * stride : r * stride + kh, s * stride : s * stride + kw]
                    out[i, j, r, s] = (patch * w[j]).sum() + (0.0 if b is None else b[j])
    return out


GEOMETRIES = [
    # (N, C, H, W), (F, KH, KW), stride, padding
    ((2, 3, 5, 5), (4, 3, 3), 1, 0),
    ((2, 3, 5, 5), (4, 3, 3), 1, 1),
    ((1, 2, 7, 6), (3, 3, 2), 2, 1),
    ((3, 1, 8, 8), (2, 5, 5), 3, 2),
    ((2, 2, 4, 4), (1, 1, 1), 1, 0),
]


@pytest.mark.parametrize(("xs", "ws", "stride", "padding"), GEOMETRIES)
def test_forward_equals_the_loop(xs, ws, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=xs)
    w = rng.normal(size=(ws[0], xs[1], ws[1], ws[2]))
    b = rng.normal(size=ws[0])
    out, _ = conv2d_forward(x, w, b, stride=stride, padding=padding)
    np.testing.assert_allclose(out, loop_conv(x, w, b, stride, padding), rtol=0, atol=1e-12)
    assert out.shape[2] == (xs[2] + 2 * padding - ws[1]) // stride + 1


@pytest.mark.parametrize(("xs", "ws", "stride", "padding"), GEOMETRIES)
def test_backward_matches_numerical_gradients(xs, ws, stride, padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=xs)
    w = rng.normal(size=(ws[0], xs[1], ws[1], ws[2]))
    b = rng.normal(size=ws[0])
    out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    num_dx = numerical_gradient(lambda v: conv2d_forward(v, w, b, stride, padding)[0], x, dout)
    num_dw = numerical_gradient(lambda v: conv2d_forward(x, v, b, stride, padding)[0], w, dout)
    num_db = numerical_gradient(lambda v: conv2d_forward(x, w, v, stride, padding)[0], b, dout)
    for got, want in ((dx, num_dx), (dw, num_dw), (db, num_db)):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-8)


def test_no_bias_gives_db_none():
    x = np.ones((1, 1, 3, 3))
    out, cache = conv2d_forward(x, np.ones((2, 1, 2, 2)))
    assert conv2d_backward(np.ones_like(out), cache)[2] is None


# Recorded from PyTorch 2.13.0 (CPU, float64), in a throwaway environment:
#   x = torch.arange(2*3*5*5, dtype=torch.float64).reshape(2, 3, 5, 5).sin()
#   w = torch.arange(4*3*3*3, dtype=torch.float64).reshape(4, 3, 3, 3).cos()
#   b = torch.tensor([0.5, -1.0, 0.25, 2.0], dtype=torch.float64)
#   out = F.conv2d(x, w, b, stride=2, padding=1); out.backward(torch.arange(out.numel(),
#       dtype=torch.float64).reshape(out.shape).cos())
TORCH_CONV = {
    "out_shape": (2, 4, 3, 3),
    "out_sum": 29.42050881099688,
    "out[1, 2, 1, 0]": 0.14331909057652814,
    "dx_sum": -2.552867121870926,
    "dx[0, 1, 2, 3]": 0.31574072658507535,
    "dw_sum": 20.457341163941138,
    "dw[3, 2, 0, 1]": 3.640129990951871,
    "db": [2.692614939234271, -2.4631454284618277, 1.7958777393546688, -0.8094116814803345],
}


def _torch_inputs():
    x = np.sin(np.arange(2 * 3 * 5 * 5, dtype=np.float64)).reshape(2, 3, 5, 5)
    w = np.cos(np.arange(4 * 3 * 3 * 3, dtype=np.float64)).reshape(4, 3, 3, 3)
    b = np.array([0.5, -1.0, 0.25, 2.0])
    return x, w, b


def test_conv_agrees_with_pytorch():
    x, w, b = _torch_inputs()
    out, cache = conv2d_forward(x, w, b, stride=2, padding=1)
    dout = np.cos(np.arange(out.size, dtype=np.float64)).reshape(out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    want = TORCH_CONV
    assert out.shape == want["out_shape"]
    assert out.sum() == pytest.approx(want["out_sum"], abs=1e-12)
    assert out[1, 2, 1, 0] == pytest.approx(want["out[1, 2, 1, 0]"], abs=1e-12)
    assert dx.sum() == pytest.approx(want["dx_sum"], abs=1e-12)
    assert dx[0, 1, 2, 3] == pytest.approx(want["dx[0, 1, 2, 3]"], abs=1e-12)
    assert dw.sum() == pytest.approx(want["dw_sum"], abs=1e-12)
    assert dw[3, 2, 0, 1] == pytest.approx(want["dw[3, 2, 0, 1]"], abs=1e-12)
    np.testing.assert_allclose(db, want["db"], rtol=0, atol=1e-12)


# Recorded from PyTorch 2.13.0: bn = nn.BatchNorm2d(3).double(); two training forwards of
#   x1 = arange(2*3*4*4).reshape(2, 3, 4, 4).sin() * 3 and x2 = x1.cos() + 1, then bn.eval()(x1).
TORCH_BN2D = {
    "running_mean": [0.07579099562444981, 0.06994968387817795, 0.0840576971647631],
    "running_var": [1.2682766710470623, 1.2807517931839412, 1.2839334874032953],
    "eval_out[1, 2, 3, 1]": -2.584831280678849,
    "num_batches_tracked": 2,
}


def test_batchnorm2d_agrees_with_pytorch():
    x1 = np.sin(np.arange(2 * 3 * 4 * 4, dtype=np.float64)).reshape(2, 3, 4, 4) * 3
    x2 = np.cos(x1) + 1
    bn = BatchNorm2d(3)
    bn.forward(x1)
    bn.forward(x2)
    np.testing.assert_allclose(bn.running_mean, TORCH_BN2D["running_mean"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(bn.running_var, TORCH_BN2D["running_var"], rtol=0, atol=1e-12)
    assert bn.num_batches_tracked == TORCH_BN2D["num_batches_tracked"]
    out = bn.eval().forward(x1)
    assert out[1, 2, 3, 1] == pytest.approx(TORCH_BN2D["eval_out[1, 2, 3, 1]"], abs=1e-12)


def test_batchnorm2d_is_spatial_batchnorm_with_unbiased_running_var():
    rng = np.random.default_rng(2)
    x = rng.normal(2.0, 3.0, size=(4, 3, 5, 5))
    bn = BatchNorm2d(3, momentum=None)
    bn.gamma, bn.beta = rng.normal(size=3), rng.normal(size=3)
    out = bn.forward(x)
    want, _ = spatial_batchnorm_forward(x, bn.gamma, bn.beta, eps=bn.eps)
    np.testing.assert_allclose(out, want, rtol=0, atol=1e-12)
    # momentum=None after one batch: the running statistics are that batch's, variance unbiased.
    np.testing.assert_allclose(bn.running_mean, x.mean(axis=(0, 2, 3)), atol=1e-12)
    np.testing.assert_allclose(bn.running_var, x.var(axis=(0, 2, 3), ddof=1), atol=1e-12)


def test_batchnorm2d_backward_matches_numerical_gradients_in_both_modes():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 2, 3, 3))
    dout = rng.normal(size=x.shape)
    for mode in ("train", "eval"):
        bn = BatchNorm2d(2)
        bn.gamma = np.array([1.5, -0.5])
        bn.running_var = np.array([2.0, 0.5])
        bn.train(mode == "train")

        def f(v, bn=bn):
            keep = (bn.running_mean.copy(), bn.running_var.copy(), bn.num_batches_tracked)
            out = bn.forward(v)
            bn.running_mean, bn.running_var, bn.num_batches_tracked = keep
            return out

        f(x)
        dx = bn.backward(dout)
        np.testing.assert_allclose(dx, numerical_gradient(f, x, dout), rtol=1e-6, atol=1e-8)
        assert bn.dbeta == pytest.approx(dout.sum(axis=(0, 2, 3)))


def test_fold_conv_batchnorm_equals_conv_then_eval_bn():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 2, 6, 6))
    conv = Conv2d(2, 4, 3, rng=rng, padding=1)
    conv.b = rng.normal(size=4)
    bn = BatchNorm2d(4)
    for _ in range(5):
        bn.forward(conv.forward(rng.normal(1.0, 2.0, size=(8, 2, 6, 6))))
    bn.gamma, bn.beta = rng.normal(size=4), rng.normal(size=4)
    want = bn.eval().forward(conv.forward(x))
    for b in (conv.b, None):
        if b is None:
            want = bn.forward(conv2d_forward(x, conv.W, None, padding=1)[0])
        w_f, b_f = fold_conv_batchnorm(
            conv.W, b, bn.gamma, bn.beta, bn.running_mean, bn.running_var, bn.eps
        )
        got, _ = conv2d_forward(x, w_f, b_f, padding=1)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_conv_bias_before_batchnorm_gets_zero_gradient_while_bn_trains():
    rng = np.random.default_rng(5)
    model = bnlib.Sequential([Conv2d(1, 3, 3, rng=rng), BatchNorm2d(3)])
    out = model.forward(rng.normal(size=(4, 1, 6, 6)))
    model.backward(rng.normal(size=out.shape))
    assert np.abs(model.layers[0].db).max() < 1e-12


def test_a_small_cnn_trains_on_digits():
    rng = np.random.default_rng(6)
    x, y, x_test, y_test = bnlib.load_digits()
    images, test_images = x.reshape(-1, 1, 8, 8), x_test.reshape(-1, 1, 8, 8)
    model = bnlib.Sequential(
        [
            Conv2d(1, 8, 3, rng=rng, padding=1, bias=False),
            BatchNorm2d(8),
            bnlib.ReLU(),
            Flatten(),
            bnlib.Linear(8 * 8 * 8, 10, rng=rng),
        ]
    )
    history = bnlib.train(
        model, (images, y, test_images, y_test), steps=150, batch_size=32, lr=0.1, rng=rng
    )
    assert not history.diverged
    assert history.final_accuracy > 0.9, history.final_accuracy  # 0.95 with this seed


def test_pool_and_flatten_shapes_and_gradients():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 4, 5))
    for layer in (GlobalAvgPool2d(), Flatten()):
        out = layer.forward(x)
        dout = rng.normal(size=out.shape)
        num = numerical_gradient(lambda v, layer=layer: layer.forward(v), x, dout)
        layer.forward(x)
        np.testing.assert_allclose(layer.backward(dout), num, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conv2d_forward(np.ones((1, 3, 3)), np.ones((1, 1, 2, 2))), "4-D"),
        (lambda: conv2d_forward(np.ones((1, 2, 3, 3)), np.ones((1, 3, 2, 2))), "input channels"),
        (lambda: conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 4, 4))), "larger than"),
        (lambda: conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), stride=0), "stride"),
        (lambda: conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 2)), None), "w must be 4-D"),
        (lambda: conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((2, 1, 2, 2)), np.ones(3)), "b "),
        (lambda: BatchNorm2d(3).forward(np.ones((4, 3))), "4-D"),
        (lambda: BatchNorm2d(3).forward(np.ones((4, 2, 2, 2))), "built for 3 channels"),
        (lambda: BatchNorm2d(2).forward(np.ones((1, 2, 1, 1))), "more than 1 value per channel"),
        (
            lambda: Conv2d(2, 3, 3, rng=np.random.default_rng(0)).forward(np.ones((1, 1, 4, 4))),
            "(N, 2",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(")):
        call()


def test_fold_model_folds_a_cnn_to_1e12():
    rng = np.random.default_rng(8)
    model = bnlib.Sequential(
        [
            Conv2d(1, 4, 3, rng=rng, padding=1, bias=False),
            BatchNorm2d(4),
            bnlib.ReLU(),
            Conv2d(4, 6, 3, rng=rng, stride=2, padding=1),
            BatchNorm2d(6),
            bnlib.ReLU(),
            GlobalAvgPool2d(),
            bnlib.Linear(6, 3, rng=rng),
        ]
    )
    for _ in range(4):
        model.forward(rng.normal(size=(8, 1, 8, 8)))
    x = rng.normal(size=(5, 1, 8, 8))
    folded = bnlib.inference.fold_model(model)
    assert len(folded) == len(model) - 2
    np.testing.assert_allclose(folded.forward(x), model.eval().forward(x), rtol=0, atol=1e-12)
