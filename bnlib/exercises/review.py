"""Self-tests for notebook 10 (review): multiple choice and numbers, each wrong answer explained.

`CHOICES` and `NUMBERS` are the question banks: the notebook prints a question with
`ask(question)` and checks an answer with `check_choice` or `check_number`. Every wrong option
and every usual wrong number carries its own explanation and the notebook that shows why.
"""

import numbers
from typing import NamedTuple

import numpy as np

from ._feedback import Feedback, _as_number


class Choice(NamedTuple):
    prompt: str
    options: dict  # letter -> text
    answer: str  # the right letter
    why: dict  # letter -> explanation (the right letter's is the confirmation)


class Number(NamedTuple):
    prompt: str
    answer: float
    why: str  # shown when right
    mistakes: tuple  # ((value, explanation), ...) for the usual wrong numbers
    rtol: float = 1e-3


CHOICES = {
    "normalize_axis": Choice(
        "The interview's Normalize(double[] inputs) is handed one example's 100 hidden "
        "activations. What does it compute?",
        {
            "a": "batch norm of those activations",
            "b": "layer norm: one mean and variance over that example's features",
            "c": "nothing useful: normalizing needs a batch",
            "d": "instance norm over the batch",
        },
        "b",
        {
            "a": "batch norm takes each feature's statistics down the batch (axis 0); one "
            "example's features are a row, not a column (notebook 01, section 3).",
            "b": "statistics over one example's features are layer norm; the same code given "
            "one feature's values across a batch would be batch norm (notebook 01, section 3).",
            "c": "it computes something well defined, just not batch norm (notebook 01).",
            "d": "instance norm normalizes each example's spatial positions per channel; there "
            "is no batch in one example's activation vector.",
        },
    ),
    "placement": Choice(
        "Where did Ioffe and Szegedy put batch norm in their networks?",
        {
            "a": "after the nonlinearity, on its output",
            "b": "before the nonlinearity, on Wu (+ b, which becomes redundant)",
            "c": "only on the network's input",
            "d": "after the softmax",
        },
        "b",
        {
            "a": "many implementations do, and one interview answer calls it usual; the paper "
            "normalizes Wu + b because its distribution is more Gaussian (notebook 02, section 5, "
            "trained both: no measurable difference in one run).",
            "b": "the paper normalizes x = Wu + b, just before the nonlinearity; beta replaces "
            "b (notebook 02, section 5).",
            "c": "normalizing the input is ordinary preprocessing; BN normalizes every hidden "
            "layer's input during training.",
            "d": "the softmax's outputs are probabilities; normalizing them would destroy them.",
        },
    ),
    "learning_rate": Choice(
        "Which mechanism, measured in this course, lets a BN network take larger learning rates?",
        {
            "a": "BN removes internal covariate shift, so each layer's input stays fixed",
            "b": "scale invariance (a too-large step grows ||W||, which shrinks later steps) and a "
            "more predictable gradient along the gradient direction",
            "c": "BN makes every gradient the same size in every layer",
            "d": "BN lowers the loss at initialization",
        },
        "b",
        {
            "a": "notebook 04: BN did shrink Santurkar et al.'s gradient-based shift on the "
            "digits, but noisy BN, whose layer inputs move more than without BN, trained about as "
            "well as BN: reduced shift comes along with BN's benefit without explaining it.",
            "b": "notebook 03: BN(aWx) = BN(Wx), the gradient is orthogonal to W so plain SGD "
            "grows ||W||, and the beta-smoothness along the gradient was 3.8 times smaller with BN "
            "on the ReLU network.",
            "c": "notebook 03, step 16: a hidden layer's own dW still scales like 1/a; what is "
            "scale-free is the gradient passed back to its input.",
            "d": "the loss at initialization is about log(10) with or without BN.",
        },
    ),
    "rnn_beyond_tmax": Choice(
        "A BN-RNN was trained on sequences of length T_max = 8. In eval mode it reads a "
        "sequence of length 12. Which statistics normalize timestep t = 10?",
        {
            "a": "the test batch's own statistics at t = 10",
            "b": "the running statistics stored for t = 7, the last one trained (T_max - 1, "
            "timesteps counting from 0)",
            "c": "the average of the running statistics over all timesteps",
            "d": "none: the layer refuses sequences longer than T_max",
        },
        "b",
        {
            "a": "that is training-mode behaviour: the output would depend on the batch mates, "
            "and a batch of one would be erased (notebook 06, section 5).",
            "b": "Cooijmans et al. reuse the last trained timestep's statistics beyond T_max; "
            "with timesteps counted from 0 that is t = T_max - 1 = 7, and bnlib.RNN does the "
            "same (notebook 06, section 5).",
            "c": "early timesteps have different statistics (h_0 = 0); averaging them in is "
            "exactly what per-timestep statistics avoid (notebook 06, section 1).",
            "d": "bnlib.RNN accepts any length in eval mode, using T_max's statistics beyond it.",
        },
    ),
    "without_gamma_beta": Choice(
        "What goes wrong if gamma and beta are left out (gamma = 1, beta = 0 forever)?",
        {
            "a": "nothing: normalizing is all that matters",
            "b": "every unit's input is pinned to mean 0, variance 1: a sigmoid stays near its "
            "linear part and the layer cannot undo the normalization",
            "c": "the normalization divides by zero",
            "d": "the running statistics stop updating",
        },
        "b",
        {
            "a": "notebook 02, section 2: a straight line explains 98.8% of such a sigmoid's "
            "output on the digits layer; the layer before BN cannot change that.",
            "b": "notebook 02: gamma and beta restore the freedom to choose each feature's mean "
            "and spread (gamma = sqrt(var + eps), beta = mu recovers the input).",
            "c": "eps prevents that, with or without gamma and beta (notebook 01).",
            "d": "the running statistics track the input to BN, not gamma and beta (notebook 05).",
        },
    ),
    "inference_statistics": Choice(
        "At inference, which mu and sigma^2 does a BN layer use?",
        {
            "a": "the statistics of the test batch",
            "b": "fixed estimates: running averages kept during training, or population "
            "statistics from a pass over the training data afterwards",
            "c": "mu = 0 and sigma^2 = 1",
            "d": "the statistics of the last training batch",
        },
        "b",
        {
            "a": "then a prediction would depend on which other examples share the batch "
            "(notebook 05, section 1).",
            "b": "running averages with momentum (PyTorch stores the variance unbiased, Keras "
            "the biased one), or Ioffe and Szegedy's population statistics from a pass over "
            "minibatches of m after training, E[mu_B] and m/(m-1) E[sigma_B^2]; notebook 05 "
            "computes both, and `calibrate(model, x, batch_size=m)` does the second.",
            "c": "the layer's input is not standardized at inference by itself; it needs the "
            "statistics its gamma and beta were trained with.",
            "d": "one batch is a noisy estimate (notebook 01: the batch mean wobbles by "
            "sigma/sqrt(m)).",
        },
    ),
    "batch_of_one": Choice(
        "A batch of one example goes through batch norm's formula in training mode. What "
        "comes out?",
        {
            "a": "the input, unchanged",
            "b": "beta: x - mu_B is 0, so x_hat = 0",
            "c": "NaN, because the variance is 0",
            "d": "gamma",
        },
        "b",
        {
            "a": "the batch mean of one value is that value; subtracting it leaves 0.",
            "b": "x_hat = 0 / sqrt(0 + eps) = 0, so y = beta: the input is erased (notebook 01; "
            "bnlib's BatchNorm1d, like PyTorch, refuses such a training batch).",
            "c": "eps keeps the denominator at sqrt(eps) > 0 (notebook 01).",
            "d": "gamma multiplies x_hat, which is 0.",
        },
    ),
    "tiny_batches": Choice(
        "A detector trains with 2 images per device. Which normalization does the evidence favour?",
        {
            "a": "batch norm, with a larger momentum",
            "b": "group norm or layer norm: their statistics do not depend on the batch",
            "c": "batch norm with a larger eps",
            "d": "no normalization at all",
        },
        "b",
        {
            "a": "momentum only changes how the running estimates average; the training-time "
            "statistics of 2 examples are still noisy (notebook 07).",
            "b": "Wu and He: BN's error rises sharply as the batch shrinks, GN's does not "
            "(notebook 07 measures the same shape on the digits).",
            "c": "eps limits the damage for low-variance features, but the statistics of 2 "
            "examples stay noisy (notebook 07's slider).",
            "d": "normalization still helps deep networks train; choose one that does not need "
            "the batch.",
        },
    ),
    "normalized_std": Choice(
        "The course page says the normalized data 'will have a standard deviation of 1'. With "
        "eps = 1e-5, a feature of batch variance var comes out with standard deviation:",
        {
            "a": "exactly 1",
            "b": "sqrt(var / (var + eps)): just below 1, far below when var is near eps",
            "c": "above 1",
            "d": "1 / sqrt(eps)",
        },
        "b",
        {
            "a": "eps in the denominator makes it slightly less (notebook 01's epsilon slider).",
            "b": "notebook 01: sqrt(1.25 / 1.25001) = 0.999996 for variance 1.25, and "
            "sqrt(1e-4 / 1.1e-4) = 0.95 for a feature of std 0.01.",
            "c": "dividing by sqrt(var + eps) > sqrt(var) can only shrink it.",
            "d": "1 / sqrt(eps) is about 316; dividing by sqrt(var + eps) never makes the spread "
            "larger than 1.",
        },
    ),
}

NUMBERS = {
    "x_hat_of_4": Number(
        "x = [1, 2, 3, 4] is one feature over a batch of 4; eps = 0.1 (large on purpose). What "
        "is x_hat for the example with x = 4?",
        1.5 / np.sqrt(1.25 + 0.1),
        "(4 - 2.5) / sqrt(1.25 + 0.1) = 1.291: the biased variance 1.25, eps inside the root.",
        (
            (1.5 / np.sqrt(1.25), "eps is missing: divide by sqrt(var + eps)."),
            (1.5 / np.sqrt(5 / 3 + 0.1), "use the biased variance 1.25 (divide by N), not 5/3."),
            (1.5 / (np.sqrt(1.25) + 0.1), "eps goes inside the square root."),
            (1.5 / 1.35, "divide by the standard deviation sqrt(var + eps), not the variance."),
        ),
    ),
    "running_mean_update": Number(
        "A running mean is 2.0. A training batch has mean 3.0. PyTorch's momentum is 0.1. What "
        "is the running mean after the update?",
        2.1,
        "0.9 * 2.0 + 0.1 * 3.0 = 2.1: PyTorch's momentum is the weight on the new batch.",
        (
            (
                2.9,
                "that treats 0.1 as the weight on the old value (Keras' convention); in "
                "PyTorch it is the weight on the new batch (notebook 05).",
            ),
            (
                3.0,
                "the running mean moves only a fraction (momentum) of the way to the batch mean.",
            ),
            (2.01, "that is a Keras momentum of 0.99; PyTorch's 0.1 is ten times faster."),
        ),
    ),
    "running_var_update": Number(
        "A running variance is 1.0. A training batch of m = 5 has biased variance 2.0 (divide "
        "by m). With PyTorch's momentum 0.1, what is the running variance after the update?",
        0.9 * 1.0 + 0.1 * 2.0 * 5 / 4,
        "0.9 * 1.0 + 0.1 * (2.0 * 5/4) = 1.15: the running variance stores the unbiased "
        "estimate, m/(m-1) times the biased one.",
        (
            (1.1, "the running variance is unbiased: use 2.0 * 5/4 = 2.5, not 2.0 (notebook 05)."),
            (1.9, "momentum 0.1 is the weight on the new batch, not the old value."),
            (2.5, "that is the batch's unbiased variance; blend it with the old value."),
        ),
    ),
}


def ask(question):
    """The text of a question from CHOICES or NUMBERS, with its options."""
    if question in CHOICES:
        q = CHOICES[question]
        return "\n".join([q.prompt, *(f"  {k}) {v}" for k, v in q.options.items())])
    if question in NUMBERS:
        return NUMBERS[question].prompt
    raise KeyError(f"no question {question!r}; known: {sorted(CHOICES) + sorted(NUMBERS)}")


def _known(question, bank):
    if isinstance(question, str) and question in bank:
        return None
    return Feedback(False, f"no such question {question!r:.40}; pick one of {sorted(bank)}.")


def check_choice(question, answer):
    """Check a multiple-choice answer (a letter) to CHOICES[question], explaining any choice."""
    unknown = _known(question, CHOICES)
    if unknown is not None:
        return unknown
    q = CHOICES[question]
    if answer is None or answer is Ellipsis:
        return Feedback(False, f"replace the ... with one letter: {', '.join(q.options)}.")
    letter = answer.strip().lower().rstrip(")") if isinstance(answer, str) else None
    if letter not in q.options:
        return Feedback(
            False, f"answer with one of the letters {', '.join(q.options)}; got {answer!r:.40}."
        )
    if letter == q.answer:
        return Feedback(True, f"({letter}) {q.why[letter]}")
    return Feedback(False, f"not ({letter}): {q.why[letter]}")


def check_number(question, answer):
    """Check a numeric answer to NUMBERS[question], naming the usual mistakes."""
    unknown = _known(question, NUMBERS)
    if unknown is not None:
        return unknown
    q = NUMBERS[question]
    if isinstance(answer, bool) or (
        answer is not None and answer is not Ellipsis and not isinstance(answer, numbers.Real)
    ):
        return Feedback(False, f"give a number; got {type(answer).__name__} {answer!r:.40}.")
    got, failed = _as_number(answer)
    if failed is not None:
        return failed
    if np.isclose(got, q.answer, rtol=q.rtol):
        return Feedback(True, q.why)
    for value, hint in q.mistakes:
        if np.isclose(got, value, rtol=q.rtol):
            return Feedback(False, hint)
    return Feedback(
        False,
        f"{got:.4g} is not it; work it out step by step (the formula is in "
        "the answer above this exercise).",
    )
