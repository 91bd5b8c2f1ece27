"""The matcher behind tests/test_prose.py (tools/prose_checks.py), on small made-up texts and
notebooks: which numbers count as quoted, how rounding and percentages match, how sections and
sentences are cut, and how causes, controls and verdicts are checked."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import prose_checks as pc  # noqa: E402


def texts(sentence):
    return [number.text for number in pc.quoted_numbers(sentence)]


def backed(prose, printed):
    (number,) = pc.quoted_numbers(prose)
    return pc.is_backed(number, pc.output_numbers(printed))


def markdown(text):
    return {"cell_type": "markdown", "metadata": {}, "source": [text]}


def code(printed, tags=()):
    return {
        "cell_type": "code",
        "metadata": {"tags": list(tags)} if tags else {},
        "outputs": [{"output_type": "stream", "name": "stdout", "text": [printed]}],
        "source": ["print(...)"],
    }


def notebook(*cells):
    return {"cells": [markdown("# 99 · Title\n\n**Time:** about 150 minutes."), *cells]}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("accuracy 0.94 after 250 steps and 24% of 1,438 images", ["0.94", "250", "24%", "1,438"]),
        ("3 seeds, 8 features, 64 examples per batch", []),  # integers below 100
        ("Ioffe and Szegedy (2015); Wu & He 2018 found 34.7%", ["34.7%"]),  # years skipped
        ("notebooks 01-03 and section 7", []),
        ("run `lr=0.1` with PyTorch 2.13 on 8x8 images in 3D", []),  # code, version, glued
        ("see [the paper](https://arxiv.org/abs/1502.03167)", []),  # link address
        ("ranges 0.505-0.553 and 26.5-35.7%", ["0.505", "0.553", "26.5", "35.7%"]),
        ("$\\sqrt{1.25 + 10^{-5}}$ and $1.8 \\times 10^{-5}$", ["1.25", "1.8 \\times 10^{-5}"]),
        ("$m = 256$ and $10^{-3.6}$ and $x_{1.5}$", []),  # math integers, exponents, indices
        ("$\\approx 0.80$, $|y| > 2.887$, $[-1.41, 0, 1.41]$", ["0.80", "2.887", "1.41", "1.41"]),
        ("the tangent $0.5 + y/4$ and noise $U(0.5, 1.5)$", []),  # a formula's constants
        ("(Ioffe and Szegedy, section 3.3; Table 2)", []),  # a numbered part of a paper
        ("a gap of 7.9e-7 but eps 1e-5", ["7.9e-7"]),  # a round constant is not a result
        ("100-8000x larger, over 50k steps", ["100", "8000", "50k"]),
    ],
)
def test_which_numbers_count_as_quoted(sentence, expected):
    assert texts(sentence) == expected


def test_a_range_makes_both_ends_percentages():
    low, high = pc.quoted_numbers("it recovers 26.5-35.7% of it")
    assert low.percent and high.percent


@pytest.mark.parametrize(
    ("prose", "printed", "expected"),
    [
        ("accuracy 0.94", "accuracy 0.9387", True),  # rounds to the prose's digits
        ("accuracy 0.94", "accuracy 0.9349", False),
        ("accuracy 0.940", "accuracy 0.9387", False),  # a third digit is a claim too
        ("it drops 24%", "fraction 0.2403", True),  # a percentage from a fraction
        ("it drops 24%", "drop 24.0 %", True),
        ("it drops 24%", "drop 0.2451", False),
        ("it drops 0.32", "recovers 31.8%", True),  # a fraction from a printed percentage
        ("at $-1.41$", "[ 1.4142 -1.4142]", True),  # signs are not compared
        ("over 2,000 batches", "2000 batches", True),
        ("variance $1.8 \\times 10^{-5}$", "variance 1.8e-05", True),
        ("variance $1.8 \\times 10^{-5}$", "variance 1.9e-05", False),
        ("a gap of 7.9e-7", "max error -7.93e-07", True),
        ("over 50k steps", "50000 steps", True),
    ],
)
def test_a_quoted_number_is_backed_at_its_rounding(prose, printed, expected):
    assert backed(prose, printed) is expected


def test_sentences_split_after_full_stops_but_not_abbreviations_or_decimals():
    text = (
        "**Why does it help?** Ioffe et al. (Fig. 1) saw 0.94. Then e.g. this.\n"
        "- a list item. Its second sentence\n- another"
    )
    assert pc.sentences(text) == [
        "**Why does it help?**",
        "Ioffe et al. (Fig. 1) saw 0.94.",
        "Then e.g. this.",
        "- a list item.",
        "Its second sentence",
        "- another",
    ]


def test_sections_start_at_every_heading_and_skip_unchecked_outputs():
    nb = notebook(
        markdown("## 1. One\n\nText.\n\n### 1a. Sub\n\nMore."),
        code("0.5"),
        code("0.7", tags=["nbval-ignore-output"]),
    )
    titles = [section.title for section in pc.sections(nb)]
    assert titles == ["99 · Title", "1. One", "1a. Sub"]
    assert pc.sections(nb)[-1].output_text() == "0.5\n"


def test_unbacked_numbers_name_notebook_section_number_and_sentence():
    nb = notebook(markdown("## 1. One\n\nIt reached 0.95. It fell to 0.31."), code("acc 0.9512"))
    (failure,) = pc.unbacked_numbers(nb, "99_x")
    assert (failure.notebook, failure.section, failure.sentence) == (
        "99_x",
        "1. One",
        "It fell to 0.31.",
    )
    assert "0.31" in failure.problem and "0.31" in str(failure)


def test_a_number_printed_in_another_section_does_not_back_the_prose():
    nb = notebook(markdown("## 1. One"), code("0.31"), markdown("## 2. Two\n\nIt is 0.31."))
    assert len(pc.unbacked_numbers(nb, "99_x")) == 1


def test_a_recap_may_restate_any_section():
    nb = notebook(markdown("## 1. One"), code("0.31"), markdown("## Recap\n\n- It is 0.31."))
    assert pc.unbacked_numbers(nb, "99_x") == []


def test_a_citation_covers_a_number_only_with_its_cue_in_the_sentence():
    nb = notebook(markdown("## 1. One\n\nWu & He report 34.7% at batch 2. Others 34.7%."))
    cited = [{"notebook": "99_x", "number": "34.7%", "cue": "Wu & He", "source": "Fig. 1"}]
    (failure,) = pc.unbacked_numbers(nb, "99_x", cited)
    assert failure.sentence == "Others 34.7%."


def test_an_unused_citation_fails():
    nb = notebook(markdown("## 1. One\n\nNothing quoted."))
    cited = [{"notebook": "99_x", "number": "34.7%", "cue": "Wu & He", "source": "Fig. 1"}]
    (failure,) = pc.unbacked_numbers(nb, "99_x", cited)
    assert failure.section == "(registry)"


@pytest.mark.parametrize(
    ("sentence", "causal"),
    [
        ("It trains because the scale is restored.", True),
        ("That is why the plateau ends.", True),
        ("Saturation is what stops it.", True),
        ("It is rescaled so that the variance is 1.", True),
        ("This is one candidate for why it trains.", False),
        ("Why does it train?", False),  # a question asks, it does not claim
        ("The whyte noise is becausal.", False),  # whole words only
        ("What it is, is not clear.", False),
        ('The interview says "because it reduces the shift"; the course did not find it.', False),
    ],
)
def test_causal_sentences_are_found_by_whole_words(sentence, causal):
    nb = notebook(markdown(f"## 1. One\n\n{sentence}"))
    assert bool(pc.causal_sentences(nb)) is causal


def test_the_first_cell_and_the_next_link_name_no_cause():
    nb = {"cells": [markdown("# T\n\n- why it helps"), markdown("**Next:** [02](x): why.")]}
    assert pc.causal_sentences(nb) == []


CAUSE = {"notebook": "99_x", "phrase": "because the scale", "control": "saturated 0.0%"}


def test_a_cause_passes_with_its_control_printed_before_it():
    nb = notebook(
        markdown("## 1. One"),
        code("saturated 0.0%"),
        markdown("It trains because the scale is restored."),
    )
    assert pc.uncontrolled_causes(nb, "99_x", [CAUSE]) == []


def test_a_cause_fails_when_its_control_comes_after_it_or_in_another_section():
    after = notebook(
        markdown("## 1. One\n\nIt trains because the scale is restored."), code("saturated 0.0%")
    )
    elsewhere = notebook(
        markdown("## 1. One"),
        code("saturated 0.0%"),
        markdown("## 2. Two\n\nIt trains because the scale is restored."),
    )
    for nb in (after, elsewhere):
        (failure,) = pc.uncontrolled_causes(nb, "99_x", [CAUSE])
        assert "control 'saturated 0.0%'" in failure.problem


def test_an_unregistered_cause_and_a_stale_entry_fail():
    nb = notebook(markdown("## 1. One\n\nIt trains because of luck."))
    problems = [failure.problem for failure in pc.uncontrolled_causes(nb, "99_x", [CAUSE])]
    assert len(problems) == 2
    assert "no control registered" in problems[0] and "matches no causal" in problems[1]


def test_a_verdict_needs_both_analyses_printed_in_its_section():
    entry = {
        "notebook": "99_x",
        "phrase": "smaller with BN",
        "analyses": ["steps 100-950", "steps 300-950"],
    }
    both = notebook(
        markdown("## 1. One\n\nThe shift is smaller with BN."),
        code("steps 100-950: 0.5\nsteps 300-950: 0.6"),
    )
    one = notebook(
        markdown("## 1. One\n\nThe shift is smaller with BN."), code("steps 100-950: 0.5")
    )
    gone = notebook(
        markdown("## 1. One\n\nThe shift is the same."), code("steps 100-950 steps 300-950")
    )
    assert pc.unsupported_verdicts(both, "99_x", [entry]) == []
    assert "steps 300-950" in pc.unsupported_verdicts(one, "99_x", [entry])[0].problem
    assert "matches no sentence" in pc.unsupported_verdicts(gone, "99_x", [entry])[0].problem


def test_a_table_header_claims_nothing_but_each_row_is_read():
    table = "| situation | why |\n|---|---|\n| tiny batches | because of noise |\n| big | fine |"
    assert pc.sentences(table) == ["| tiny batches | because of noise |", "| big | fine |"]


def test_a_verdict_section_may_rely_on_every_section_like_a_recap():
    nb = notebook(markdown("## 1. One"), code("0.31"), markdown("## 6. Verdict\n\nIt is 0.31."))
    assert pc.unbacked_numbers(nb, "99_x") == []


def test_a_citation_of_another_notebook_must_be_printed_there():
    nb = notebook(markdown("## 1. One\n\nNotebook 04 reached 0.939."))
    entry = {"notebook": "99_x", "number": "0.939", "cue": "Notebook 04", "source": "04, sweep"}
    printed = {"04_y": notebook(markdown("## 3. Sweep"), code("init scale 10: 0.9391"))}
    stale = {"04_y": notebook(markdown("## 3. Sweep"), code("init scale 10: 0.9412"))}
    cited = [{**entry, "from_notebook": "04_y"}]
    assert pc.unbacked_numbers(nb, "99_x", cited, printed) == []
    (failure,) = pc.unbacked_numbers(nb, "99_x", cited, stale)
    assert failure.problem == "cited 0.939 is not printed in 04_y"


def test_code_spans_stay_in_sentences_but_name_no_cause_and_quote_no_number():
    nb = notebook(markdown("## 1. One\n\nCall `explain_why(x=0.5)`. It is fine."))
    assert pc.causal_sentences(nb) == []
    assert pc.sentences("Call `explain_why(x=0.5)`. It is fine.") == [
        "Call `explain_why(x=0.5)`.",
        "It is fine.",
    ]
    assert pc.unbacked_numbers(nb, "99_x") == []
