"""Checks that keep a notebook's prose true to its stored outputs (STYLE.md, "Claims follow the
evidence"). Three mechanisms, each a function that returns a list of failures (empty = pass):

- `unbacked_numbers`: every number the prose quotes is printed in a stored output of the same
  section, at the prose's rounding, or is cited (a registry entry naming its source, whose cue,
  the source's name, stands in the same sentence);
- `uncontrolled_causes`: every sentence that names a cause ("because", "why", "is what",
  "so that") says "one candidate" or is registered with its control: a string printed by a cell
  of the same section before the sentence;
- `unsupported_verdicts`: every registered with/without verdict has both of its analyses printed
  in its section.

A section starts at every markdown heading (any level); a summary section ("Recap", "Verdict",
after an optional number) may rely on the outputs of every section. Only outputs that strict
nbval compares count as evidence: a cell tagged `nbval-ignore-output` (a slider panel) backs
nothing. The registry is a TOML file (tests/prose_claims.toml, whose header explains each
field) with three arrays of tables:

    [[cited]]   notebook, number (as the prose writes it), cue, source, and optionally
                from_notebook (another notebook of the course, whose outputs must print it)
    [[cause]]   notebook, phrase, control, separates, and optionally control_section
    [[verdict]] notebook, phrase, analyses (two or more strings)

Which sentences name a cause (`causal_sentences`): those with one of the words, whole and in
any case, except in the first cell (its overview promises what the sections show), in a
question (the sentence ends with "?"), in a quotation ("..."), in the Previous/Next links and
in a table's header row.

Which numbers count as "quoted" (`quoted_numbers`): decimals (0.94, 1.8e-5, $1.8 \\times
10^{-5}$), percentages, and integers of 100 or more. Not counted: integers below 100 (counts,
section and notebook numbers, seeds), four-digit years 1900-2099 written plainly (citations),
bare powers of ten ($10^{-5}$: constants such as eps and tolerances), integers inside LaTeX
(formula constants), anything in `code`, a link's address, a software version ("PyTorch 2.13"),
a token glued to letters ("3D", "x1"), and the "**Time:**" line (tests/test_reading_time.py
checks it).

Matching (`is_backed`): a number written with d decimals stands for every value within half a
unit of its last digit, so "0.94" is backed by a printed 0.9387; "24%" by a printed 0.2403,
24.0% or 24.03; "1.8e-5" by 1.8e-05 or 0.000018. Signs are ignored (prose writes "-1.41" as
"$-1.41$", a minus sign or "down by 1.41"). Each end of a range "0.505-0.553" is a number of
its own; "26.5-35.7%" makes both ends percentages.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

IGNORE_OUTPUT_TAG = "nbval-ignore-output"
CAUSAL = re.compile(r"\b(because|why|is what|so that)\b", re.IGNORECASE)
CANDIDATE = re.compile(r"\bone candidate\b", re.IGNORECASE)
# A quotation is someone else's claim (a paper's, an interview answer's): it names no cause of
# the notebook's own.
QUOTATION = re.compile(r'"[^"]*"|“[^”]*”')
SOFTWARE = (
    r"(?:PyTorch|Keras|TensorFlow|Python|NumPy|numpy|JupyterLab|Jupyter|matplotlib|CUDA"
    r"|torchvision|ipywidgets|scikit-learn|version)"
)
# A numbered part of a document: "section 3.3", "Table 2", "Fig. 1".
REFERENCE = (
    r"\b(?:[Ss]ections?|§|[Tt]ables?|[Ff]ig(?:ure)?s?\.?|[Ee]q(?:uation)?s?\.?|[Aa]lgorithm"
    r"|[Aa]ppendix|[Tt]heorem|[Ll]emma)"
)
# A sentence ends after . ! or ?, possibly closed by ** * _ ) or a quote, before a capital,
# a bracket, emphasis, math or code.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][*_)\"'])|(?<=[.!?]\*\*))\s+(?=[A-Z(*\[$\"'`_])")
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = ("et al.", "e.g.", "i.e.", "Fig.", "Figs.", "Eq.", "vs.", "cf.", "approx.", "No.")
# Sections that sum up the notebook: their prose may rely on any section's outputs.
SUMMARIES = ("recap", "verdict")


@dataclass(frozen=True)
class Number:
    """A number quoted in prose: its text, value, half-width of its rounding, and percent sign."""

    text: str
    value: float
    resolution: float
    percent: bool = False

    def targets(self):
        """(value, resolution) pairs an output may match: a percentage also as a fraction."""
        pairs = [(abs(self.value), self.resolution)]
        if self.percent:
            pairs.append((abs(self.value) / 100, self.resolution / 100))
        return pairs


@dataclass
class Section:
    """A heading and what follows it up to the next heading: prose pieces and code cells."""

    title: str
    prose: list = field(default_factory=list)  # (cell index, markdown text)
    outputs: list = field(default_factory=list)  # (cell index, output text), nbval-checked only

    def output_text(self, before=None):
        """Every checked output of the section (of cells before `before`, if given), joined."""
        return "\n".join(text for i, text in self.outputs if before is None or i < before)


@dataclass(frozen=True)
class Failure:
    """One finding: where it is, what is wrong, and the sentence it is about."""

    notebook: str
    section: str
    problem: str
    sentence: str

    def __str__(self):
        return f"{self.notebook} | {self.section} | {self.problem}\n    {self.sentence}"


# ---------------------------------------------------------------------------- notebook structure


def cell_output_text(cell):
    """The text of a code cell's stored outputs: streams, text/plain results (figure alt texts
    included), error messages. Empty for a cell whose outputs nbval does not compare."""
    if cell["cell_type"] != "code":
        return ""
    if IGNORE_OUTPUT_TAG in cell.get("metadata", {}).get("tags", []):
        return ""
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append("".join(output["text"]))
        elif "data" in output and "text/plain" in output["data"]:
            parts.append("".join(output["data"]["text/plain"]))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename', '')}: {output.get('evalue', '')}")
    return "\n".join(parts)


def sections(nb):
    """Split a notebook (parsed JSON) into Sections at every markdown heading, in order."""
    found = [Section("(before the first heading)")]
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            piece = []
            for line in "".join(cell["source"]).splitlines():
                if re.match(r"#{1,6}\s", line):
                    if any(text.strip() for text in piece):
                        found[-1].prose.append((index, "\n".join(piece)))
                    found.append(Section(line.lstrip("#").strip()))
                    piece = []
                else:
                    piece.append(line)
            if any(text.strip() for text in piece):
                found[-1].prose.append((index, "\n".join(piece)))
        elif cell["cell_type"] == "code":
            found[-1].outputs.append((index, cell_output_text(cell)))
    return [s for s in found if s.prose or s.outputs or s.title != found[0].title]


# ---------------------------------------------------------------------------- prose into sentences


def plain_prose(markdown, keep_code=False):
    """Markdown without what is not prose: fenced code, `code` (unless keep_code), link
    addresses, HTML tags, the time line. Math ($...$) is kept: `quoted_numbers` reads it by its
    own rules."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    if not keep_code:
        text = re.sub(r"`[^`]*`", "`code`", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # [text](address) -> [text]
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^.*\*\*Time:\*\*.*$", " ", text, flags=re.MULTILINE)
    return text


def sentences(markdown):
    """The sentences of a markdown text: paragraphs and list items, split after . ! or ?."""
    # Code spans stay in the sentence (a failure quotes it as written), hidden while splitting.
    spans = []

    def hide(match):
        spans.append(match.group(0))
        return f"`\x02{len(spans) - 1}\x02`"

    lines = re.sub(r"`[^`]*`", hide, plain_prose(markdown, keep_code=True)).splitlines()
    # A table's header row names columns ("| situation | why |"), it claims nothing: drop it
    # with the |---| row under it; every other row is a block of its own.
    separator = re.compile(r"\s*\|?\s*:?-{3,}")
    keep = [
        line
        for k, line in enumerate(lines)
        if not separator.match(line)
        and not (k + 1 < len(lines) and separator.match(lines[k + 1]) and "|" in line)
    ]
    blocks, current = [], []
    for line in keep:
        item = re.match(r"\s*(?:[-*+]\s|\d+\.\s|\|)", line)
        if not line.strip() or item:
            if current:
                blocks.append(" ".join(current))
            current = [line.strip()] if line.strip() else []
        else:
            current.append(line.strip())
    if current:
        blocks.append(" ".join(current))
    found = []
    for block in blocks:
        protected = block
        for abbreviation in ABBREVIATIONS:
            protected = protected.replace(abbreviation, abbreviation.replace(".", "\0"))
        for piece in SENTENCE_END.split(protected):
            piece = piece.replace("\0", ".").strip()
            piece = re.sub(r"`\x02(\d+)\x02`", lambda m: spans[int(m.group(1))], piece)
            if piece:
                found.append(piece)
    return found


# ---------------------------------------------------------------------------- numbers


def _resolution(mantissa, exponent=0):
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (exponent - decimals)


# In a formula, a number quoted as a value follows a relation ($\approx 0.80$, $|y| > 2.887$);
# one that is an operand ($0.5 + y/4$, $U(0.5, 1.5)$) is a constant of the formula.
RELATION = ("=", "<", ">", "\\approx", "\\le", "\\ge", "\\leq", "\\geq", "\\to", "\\pm")


def _math_numbers(math):
    """The values a LaTeX expression quotes: decimals and d x 10^k that follow a relation, or
    every one of them in an expression of numbers alone ($-0.06$, $[-1.41, 0, 1.41]$).
    Integers, bare powers of ten and a formula's operands are constants."""
    found = []
    numbers_only = not re.search(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", " ", math))
    pattern = r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s*\\times\s*10\^\{?(-?\d+)\}?)?(?![\w.])"
    for match in re.finditer(pattern, math):
        mantissa, exponent = match.group(1), match.group(2)
        preceded = math[: match.start()].rstrip()
        if preceded.endswith(("^", "_", "^{", "_{", "^{-", "_{-", "^-")):
            continue
        if not (numbers_only or preceded.rstrip("+-− ").endswith(RELATION)):
            continue
        if exponent is not None:
            value = float(mantissa) * 10.0 ** int(exponent)
            found.append(Number(match.group(0), value, _resolution(mantissa, int(exponent))))
        elif "." in mantissa:
            found.append(Number(mantissa, float(mantissa), _resolution(mantissa)))
    return found


NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?![\d])|\d+(?:\.\d+)?)"  # 2,000 or 12 or 0.94
    r"(?:e([-+]?\d+))?"  # 7.9e-7
    r"(k)?(?=$|\W|x(?!\w))"  # 50k; 10x is a multiplier, 8x8 and 3D are not numbers
    r"(\s?%)?"
)


def quoted_numbers(sentence):
    """The numbers a sentence quotes that need evidence, as Numbers (see the module docstring)."""
    found = []
    pieces = re.split(r"(\$\$?[^$]+\$\$?)", plain_prose(sentence))
    for piece in pieces:
        if piece.startswith("$"):
            found.extend(_math_numbers(piece))
            continue
        piece = re.sub(SOFTWARE + r"\s+v?\d+(?:\.\d+)+", " ", piece)
        piece = re.sub(r"\barXiv:\s*\d+\.\d+", " ", piece)
        piece = re.sub(REFERENCE + r"\s+[A-Z]?\d+(?:\.\d+)*", " ", piece)
        matches = list(NUMBER.finditer(piece))
        for position, match in enumerate(matches):
            mantissa, exponent, thousand, percent = match.groups()
            mantissa = mantissa.replace(",", "")
            if exponent is not None:
                if "." not in mantissa:
                    continue  # 1e-5: a round constant
                value = float(mantissa) * 10.0 ** int(exponent)
                found.append(Number(match.group(0), value, _resolution(mantissa, int(exponent))))
                continue
            if not percent and position + 1 < len(matches):
                # "26.5-35.7%": the lower end of a percentage range is a percentage too
                following = matches[position + 1]
                between = piece[match.end() : following.start()]
                if following.group(4) and re.fullmatch(r"\s*(?:-|–|to)\s*", between):
                    percent = "%"
            scale = 1000 if thousand else 1
            value = float(mantissa) * scale
            resolution = _resolution(mantissa) * scale
            is_decimal = "." in mantissa
            if not (is_decimal or percent or value >= 100):
                continue
            year = re.fullmatch(r"(19|20)\d\d", match.group(1)) and not (percent or thousand)
            if year:
                continue
            found.append(Number(match.group(0).strip(), value, resolution, bool(percent)))
    return found


OUTPUT_NUMBER = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d*)?(?:[eE][-+]?\d+)?)(\s?%)?")


def output_numbers(text):
    """Every number printed in an output text, as (value, printed_as_percent) pairs."""
    found = []
    for match in OUTPUT_NUMBER.finditer(text):
        digits = match.group(1).replace(",", "").rstrip(".")
        try:
            found.append((abs(float(digits)), bool(match.group(2))))
        except ValueError:
            continue
    return found


def is_backed(number, printed):
    """Whether a quoted Number is among the printed (value, percent) pairs at its rounding."""
    for value, percent in printed:
        candidates = (value, value / 100) if percent else (value,)
        for target, resolution in number.targets():
            for candidate in candidates:
                if abs(candidate - target) <= resolution * (1 + 1e-9) + 1e-15:
                    return True
    return False


# ---------------------------------------------------------------------------- the registry


def load_registry(path):
    """The registry file as a dict with lists 'cited', 'cause' and 'verdict'."""
    data = tomllib.loads(Path(path).read_text())
    return {kind: data.get(kind, []) for kind in ("cited", "cause", "verdict")}


def _normal(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def _evidence(all_sections, section, before=None):
    """The output text a sentence of `section` may rely on: its own section's, or for a summary
    (Recap, Verdict: they restate the notebook) every section's; only cells before `before`,
    if given."""
    if re.sub(r"^[\d.\s]*", "", section.title).lower().startswith(SUMMARIES):
        return "\n".join(s.output_text(before) for s in all_sections)
    return section.output_text(before)


def _sentences_by_section(all_sections):
    for section in all_sections:
        for index, markdown in section.prose:
            for sentence in sentences(markdown):
                yield section, index, sentence


# ---------------------------------------------------------------------------- the three checks


def unbacked_numbers(nb, name, cited=(), course=None):
    """Failures for quoted numbers that no output of their section prints and no cited entry
    (notebook == name, its `number` in the sentence, its `cue` in the same sentence) covers.
    An entry with `from_notebook` cites another notebook of the course: the number must then
    be printed somewhere in that notebook's outputs (`course` maps file stems to notebooks)."""
    cited = [entry for entry in cited if entry["notebook"] == name]
    all_sections = sections(nb)
    used = set()
    failures = []
    printed_by_section = {}
    for section, _, sentence in _sentences_by_section(all_sections):
        if id(section) not in printed_by_section:
            printed_by_section[id(section)] = output_numbers(_evidence(all_sections, section))
        printed = printed_by_section[id(section)]
        for number in quoted_numbers(sentence):
            if is_backed(number, printed):
                continue
            covering = [
                k
                for k, entry in enumerate(cited)
                if entry["number"] == number.text and _normal(entry["cue"]) in _normal(sentence)
            ]
            if covering:
                used.update(covering)
                continue
            failures.append(
                Failure(
                    name, section.title, f"{number.text} is not printed in this section", sentence
                )
            )
    for k, entry in enumerate(cited):
        if k not in used:
            failures.append(
                Failure(
                    name,
                    "(registry)",
                    f"cited {entry['number']} with cue {entry['cue']!r} matches no sentence",
                    entry["source"],
                )
            )
        elif "from_notebook" in entry:
            failures.extend(_cross_reference(name, entry, course or {}))
    return failures


def _cross_reference(name, entry, course):
    """Failures for a citation of another notebook whose outputs do not print the number."""
    other = course.get(entry["from_notebook"])
    if other is None:
        return [Failure(name, "(registry)", f"no notebook {entry['from_notebook']!r}", "")]
    numbers = quoted_numbers(entry["number"])
    everything = "\n".join(s.output_text() for s in sections(other))
    if len(numbers) != 1 or not is_backed(numbers[0], output_numbers(everything)):
        problem = f"cited {entry['number']} is not printed in {entry['from_notebook']}"
        return [Failure(name, "(registry)", problem, entry["source"])]
    return []


def causal_sentences(nb):
    """(section, cell index, sentence) for every sentence that names a cause: CAUSAL words,
    outside the first cell (the overview promises what sections show), outside questions (a
    sentence ending in "?") and outside the Previous/Next links."""
    found = []
    for section, index, sentence in _sentences_by_section(sections(nb)):
        if index == 0 or sentence.rstrip("*_ )").endswith("?"):
            continue
        if sentence.startswith(("**Next:**", "**Previous:**")):
            continue
        prose = QUOTATION.sub('""', plain_prose(sentence))
        if CAUSAL.search(prose) and not CANDIDATE.search(prose):
            found.append((section, index, sentence))
    return found


def uncontrolled_causes(nb, name, entries=()):
    """Failures for causal sentences with no entry, entries matching no causal sentence, and
    controls that no checked output of the section (or of `control_section`) prints before the
    sentence."""
    entries = [entry for entry in entries if entry["notebook"] == name]
    all_sections = sections(nb)
    used = set()
    failures = []
    for section, index, sentence in causal_sentences(nb):
        matching = [k for k, e in enumerate(entries) if _normal(e["phrase"]) in _normal(sentence)]
        if not matching:
            failures.append(
                Failure(
                    name,
                    section.title,
                    "names a cause with no control registered and does not say 'one candidate'",
                    sentence,
                )
            )
            continue
        used.update(matching)
        for k in matching:
            entry = entries[k]
            if "control_section" in entry:
                where = [s for s in all_sections if s.title.startswith(entry["control_section"])]
                printed = "\n".join(s.output_text(before=index) for s in where)
            else:
                printed = _evidence(all_sections, section, before=index)
            if entry["control"] not in printed:
                failures.append(
                    Failure(
                        name,
                        section.title,
                        f"control {entry['control']!r} is not printed "
                        f"before the sentence in section "
                        f"{entry.get('control_section', section.title)!r}",
                        sentence,
                    )
                )
    for k, entry in enumerate(entries):
        if k not in used:
            failures.append(
                Failure(
                    name,
                    "(registry)",
                    f"cause phrase {entry['phrase']!r} matches no causal sentence",
                    entry["control"],
                )
            )
    return failures


def unsupported_verdicts(nb, name, entries=()):
    """Failures for registered verdicts whose phrase is gone or whose analyses (two or more
    printed labels) are not all printed in the phrase's section."""
    failures = []
    for entry in (e for e in entries if e["notebook"] == name):
        if len(entry["analyses"]) < 2:
            failures.append(
                Failure(name, "(registry)", "a verdict needs two analyses", entry["phrase"])
            )
            continue
        hits = [
            (section, sentence)
            for section, _, sentence in _sentences_by_section(sections(nb))
            if _normal(entry["phrase"]) in _normal(sentence)
        ]
        if not hits:
            failures.append(
                Failure(name, "(registry)", "verdict phrase matches no sentence", entry["phrase"])
            )
        for section, sentence in hits:
            printed = section.output_text()
            for analysis in entry["analyses"]:
                if analysis not in printed:
                    failures.append(
                        Failure(
                            name,
                            section.title,
                            f"analysis {analysis!r} is not printed in this section",
                            sentence,
                        )
                    )
    return failures
