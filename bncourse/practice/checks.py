"""Exercise checkers for notebook 09: find the batch-norm bug in a short script.

`SCRIPTS` holds the scripts (each an otherwise reasonable bnlib training or evaluation loop with
one bug), `BUGS` the names a learner may give and `FIXES` the fixes. `check_bug(script, bug,
fix=None)` explains every wrong name for that script. This notebook's questions for the review
(notebook 11) live with the others in review.json.
"""

from bncourse import answers as A
from bncourse.feedback import Feedback

BUGS = {
    "train_mode_eval": "the model is evaluated in training mode",
    "val_updates_stats": "a validation pass in training mode overwrites the running statistics",
    "last_batch_of_one": "the last batch of the epoch holds one example",
    "sorted_batches": "the batches are not i.i.d. (sorted by class)",
    "momentum_convention": "a Keras momentum is used with PyTorch's convention",
    "eps_not_carried": "the ported layer normalizes with a different eps",
    "small_batch_finetune": "batch norm keeps training on batches of 2",
    "bias_before_bn": "a Linear before batch norm has a bias",
}

FIXES = {
    "call_eval": "call model.eval() (or use bnlib.evaluate) before scoring",
    "drop_last": "drop the short last batch, or cut the epoch into even batches",
    "shuffle": "shuffle the examples before cutting batches",
    "momentum_0_01": "use momentum = 1 - 0.99 = 0.01 (the weight on the new batch)",
    "carry_eps": "build the layer with eps=1e-3, or fold it in with bnlib.carry_eps",
    "freeze_bn": "put the BN layers in eval mode while the rest fine-tunes",
    "bias_false": "build that Linear with bias=False",
}

SCRIPTS = {
    "a": (
        "model = bnlib.mlp([64, 32, 10], batchnorm=True, rng=rng)\n"
        "bnlib.train(model, digits, steps=300, batch_size=32, lr=0.5, rng=rng)\n"
        "logits = model.forward(digits.x_test)  # score the test set\n"
        "accuracy = np.mean(logits.argmax(axis=1) == digits.y_test)"
    ),
    "b": (
        "optimizer = bnlib.SGD(model, lr=0.5)\n"
        "for step, idx in enumerate(batches):\n"
        "    bnlib.forward_backward(model, x[idx], y[idx])\n"
        "    optimizer.step()\n"
        "    if step % 100 == 0:  # watch the validation loss as we go\n"
        "        val_loss, _ = bnlib.softmax_cross_entropy(model.forward(x_val), y_val)"
    ),
    "c": (
        "order = np.argsort(y)  # a fixed, reproducible order\n"
        "for k in range(0, len(order) - 31, 32):\n"
        "    idx = order[k : k + 32]\n"
        "    bnlib.forward_backward(model, x[idx], y[idx])\n"
        "    optimizer.step()"
    ),
    "d": (
        "x, y = digits.x_train[:1025], digits.y_train[:1025]  # a 1,025-image subset\n"
        "for epoch in range(5):\n"
        "    order = rng.permutation(len(x))\n"
        "    for k in range(0, len(x), 32):\n"
        "        idx = order[k : k + 32]\n"
        "        bnlib.forward_backward(model, x[idx], y[idx])\n"
        "        optimizer.step()"
    ),
    "e": (
        "# porting a Keras model: BatchNormalization(momentum=0.99, epsilon=1e-3)\n"
        "bn = bnlib.BatchNorm1d(32, eps=1e-3, momentum=0.99)\n"
        "bn.gamma, bn.beta = keras_gamma, keras_beta\n"
        "bn.running_mean, bn.running_var = keras_moving_mean, keras_moving_variance\n"
        "# ... training continues in bnlib"
    ),
    "f": (
        "# porting a Keras model: BatchNormalization(momentum=0.99, epsilon=1e-3)\n"
        "bn = bnlib.BatchNorm1d(32, momentum=0.01)\n"
        "bn.gamma, bn.beta = keras_gamma, keras_beta\n"
        "bn.running_mean, bn.running_var = keras_moving_mean, keras_moving_variance\n"
        "predictions = model.eval().forward(x_test)"
    ),
    "g": (
        "model = pretrained  # trained with batches of 256\n"
        "bnlib.train(model, few_labelled_examples, steps=300, batch_size=2, lr=0.01, rng=rng)\n"
        "predictions = model.eval().forward(x_test)"
    ),
    "h": (
        "layers = [bnlib.Linear(64, 32, rng=rng), bnlib.BatchNorm1d(32), bnlib.ReLU()]\n"
        "model = bnlib.Sequential([*layers, bnlib.Linear(32, 10, rng=rng)])\n"
        "bnlib.train(model, digits, steps=300, batch_size=32, lr=0.5, rng=rng)\n"
        "loss, accuracy = bnlib.evaluate(model, digits.x_test, digits.y_test)"
    ),
}

_ANSWERS = {
    "a": ("train_mode_eval", "call_eval"),
    "b": ("val_updates_stats", "call_eval"),
    "c": ("sorted_batches", "shuffle"),
    "d": ("last_batch_of_one", "drop_last"),
    "e": ("momentum_convention", "momentum_0_01"),
    "f": ("eps_not_carried", "carry_eps"),
    "g": ("small_batch_finetune", "freeze_bn"),
    "h": ("bias_before_bn", "bias_false"),
}

# Why a name does not fit a script: the script-specific reasons first, then the general ones.
_NOT_HERE = {
    ("a", "val_updates_stats"): "there is no validation pass during training here; look at the "
    "mode the model is in when the test set goes through.",
    ("b", "train_mode_eval"): "close: the validation pass does run in training mode, but the "
    "harm is that it writes the validation batches into the running statistics, with no "
    "optimizer step: name that.",
    ("c", "last_batch_of_one"): "the loop stops at len(order) - 31, so every batch has 32 "
    "examples.",
    ("d", "sorted_batches"): "rng.permutation shuffles every epoch.",
    ("e", "eps_not_carried"): "eps=1e-3 is carried over; look at the other argument.",
    ("f", "momentum_convention"): "momentum=0.01 is Keras' 0.99 converted (weight on the new "
    "batch); look at the other argument.",
    ("g", "train_mode_eval"): "model.eval() is called before predicting.",
    ("d", "small_batch_finetune"): "nothing is fine-tuned here; look at the size of the "
    "last batch of each epoch.",
    ("h", "train_mode_eval"): "bnlib.evaluate switches to eval mode and back.",
}
_GENERAL = {
    "train_mode_eval": "the script puts the model in eval mode where it predicts, or does not "
    "predict at all.",
    "val_updates_stats": "there is no validation pass in this script.",
    "last_batch_of_one": "no batch here can have one example.",
    "sorted_batches": "nothing in this script orders the examples.",
    "momentum_convention": "no momentum is set here, or it is set in the right convention.",
    "eps_not_carried": "no layer is ported between frameworks here.",
    "small_batch_finetune": "nothing here trains with batches smaller than 32.",
    "bias_before_bn": "no Linear with a bias feeds a batch-norm layer here (mlp(..., "
    "batchnorm=True) builds those without one).",
}
_EFFECT = {
    "train_mode_eval": "each test example is normalized with the statistics of the 359 test "
    "images, not the running ones, so a prediction depends on its batch mates.",
    "val_updates_stats": "model.forward in training mode updates the running statistics, so "
    "after a pass the stored statistics are mostly the validation data's.",
    "sorted_batches": "np.argsort(y) puts one class in each batch: training-mode BN normalizes "
    "each class by its own mean, and the running statistics describe no real test batch.",
    "last_batch_of_one": "1025 = 32 x 32 + 1: the last batch of every epoch has one example, "
    "and training-mode batch norm raises on it (as PyTorch does).",
    "momentum_convention": "Keras' momentum 0.99 is the weight on the OLD value; in bnlib and "
    "PyTorch momentum is the weight on the NEW batch, so 0.99 nearly replaces the running "
    "statistics by each batch's.",
    "eps_not_carried": "Keras normalized with sqrt(var + 1e-3); this layer uses eps = 1e-5, so "
    "low-variance features come out larger than in Keras.",
    "bias_before_bn": "BN subtracts the batch mean, which removes any constant the Linear adds: "
    "the bias gets a gradient of exactly 0 and never trains (harmless, but wasted; beta is "
    "the bias).",
    "small_batch_finetune": "with batches of 2 the weights train through normalization by "
    "2-example statistics and move far from the pretrained ones (most of the damage); the "
    "running statistics drift too, but recalibrating them (calibrate) recovers little.",
}


# What a fix needs beyond FIXES' words in one script.
_FIX_NOTE = {
    "b": ", then model.train() before training resumes (bnlib.evaluate switches back by itself): "
    "left in eval mode, batch norm would stay frozen for the rest of training",
}


def _key(value, table, what):
    """A learner's name, normalized to a key of `table`, or a Feedback saying what is allowed."""
    if value is None or value is Ellipsis:
        return None, Feedback(False, f"replace the ... with a {what} from {sorted(table)}.")
    if not isinstance(value, str):
        return None, Feedback(False, f"give the {what} as a string; got {type(value).__name__}.")
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in table:
        return None, Feedback(
            False, f"{A.shown(value)} is not a {what}; pick one of {sorted(table)}."
        )
    return key, None


def check_bug(script, bug, fix=None):
    """Check the bug named in SCRIPTS[script] (a key of BUGS) and, if given, the fix (FIXES);
    the fix is optional (None or ... leave it out).

    >>> check_bug("d", "last_batch_of_one", fix="drop_last").passed
    True
    """
    if not isinstance(script, str) or script not in SCRIPTS:
        return Feedback(False, f"no script {A.shown(script)}; pick one of {sorted(SCRIPTS)}.")
    key, failed = _key(bug, BUGS, "bug name")
    if failed is not None:
        return failed
    right_bug, right_fix = _ANSWERS[script]
    if key != right_bug:
        why = _NOT_HERE.get((script, key), _GENERAL[key])
        return Feedback(False, f"not {key}: {why}")
    if fix is not None and fix is not Ellipsis:  # the fix is optional: ... is "not given"
        fix_key, failed = _key(fix, FIXES, "fix")
        if failed is not None:
            return failed
        if fix_key != right_fix:
            return Feedback(
                False,
                f"{key} is right, but {fix_key} ({FIXES[fix_key]}) does not cure it: "
                f"{_EFFECT[key]}",
            )
    return Feedback(
        True, f"{key}: {_EFFECT[key]} Fix: {FIXES[right_fix]}{_FIX_NOTE.get(script, '')}."
    )
