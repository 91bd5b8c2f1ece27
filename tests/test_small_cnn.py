"""bnlib.conv_layers.small_cnn: the course's small CNN, with each norm and both heads."""

import numpy as np
import pytest

from bnlib.conv_layers import (
    BatchNorm2d,
    Flatten,
    GlobalAvgPool2d,
    digit_images,
    small_cnn,
)
from bnlib.gradcheck import numerical_gradient, rel_error
from bnlib.model import forward_backward
from bnlib.norm_layers import GroupNorm


@pytest.mark.parametrize("head", ["average", "flatten"])
@pytest.mark.parametrize("norm", ["none", "batch", "group", "layer"])
def test_every_parameter_gradient_matches_finite_differences(norm, head):
    rng = np.random.default_rng(0)
    model = small_cnn(rng, norm=norm, channels=(2, 2), groups=2, head=head)
    x, y = rng.normal(size=(3, 1, 8, 8)), np.array([0, 3, 7])
    forward_backward(model, x, y)
    params = [
        (layer, name, getattr(layer, "d" + name).copy())
        for layer in model.layers[:-1]  # the convolutions and norms (Linear has its own tests)
        for name in getattr(layer, "param_names", ())
    ]
    assert len(params) >= 2
    for layer, name, analytic in params:
        param = getattr(layer, name)

        def loss(value, param=param):
            param[...] = value
            return forward_backward(model, x, y)

        start = param.copy()
        numeric = numerical_gradient(loss, start, np.array(1.0))
        param[...] = start  # numerical_gradient leaves the last entry moved by -h
        label = f"{norm} {head} {type(layer).__name__}.{name}"
        assert rel_error(analytic, numeric) < 1e-7, label


def test_the_layers_each_norm_and_head_puts_in():
    rng = np.random.default_rng(0)
    kinds = {
        n: [type(layer) for layer in small_cnn(rng, norm=n).layers] for n in ("batch", "group")
    }
    assert kinds["batch"].count(BatchNorm2d) == 2 and GroupNorm not in kinds["batch"]
    layer_norm = small_cnn(rng, norm="layer", channels=(4, 8)).layers
    assert [g.num_groups for g in layer_norm if isinstance(g, GroupNorm)] == [1, 1]
    flat = small_cnn(rng, head="flatten", channels=(4, 8), image_size=7)
    assert isinstance(flat.layers[-2], Flatten) and flat.layers[-1].W.shape == (8 * 4 * 4, 10)
    assert flat.forward(np.zeros((2, 1, 7, 7))).shape == (2, 10)
    assert isinstance(small_cnn(rng).layers[-2], GlobalAvgPool2d)


def test_bad_arguments_are_named():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="norm must be one of"):
        small_cnn(rng, norm="instance")
    with pytest.raises(ValueError, match="head must be one of"):
        small_cnn(rng, head="max")
    with pytest.raises(ValueError, match=r"channels must be a pair \(C1, C2\)"):
        small_cnn(rng, channels=(4, 8, 16))
    with pytest.raises(ValueError, match="num_groups must divide"):
        small_cnn(rng, norm="group", channels=(6, 8), groups=4)
    with pytest.raises(ValueError, match=r"x must be digits of shape \(N, 64\)"):
        digit_images(np.zeros((3, 8, 8)))
