"""Reading the pip requirements files: the intent (requirements*.in) and the locks `make lock`
writes (requirements*.txt, binder/requirements.txt: `uv pip compile --generate-hashes`, each
requirement continued over lines ending in a backslash by its `--hash=sha256:...` options)."""

import re
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
# The three locks make installs with --require-hashes (Binder: hash-checking mode, which pip turns
# on by itself when a requirements file carries hashes).
HASHED = ("requirements.txt", "requirements-dev.txt", "binder/requirements.txt")
HASH = re.compile(r"--hash=(\w+):(\S+)")


class Entry(NamedTuple):
    """One requirement of a requirements file: the line without its options, and its hashes
    as (algorithm, hex digest) pairs."""

    requirement: str
    hashes: list


def entries(path):
    """Every requirement of the file at `path` (relative to the repository root), in order;
    comments, blank lines and -r/-c lines skipped, continued lines joined."""
    found, pending = [], ""
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line and not line.startswith("-"):
            found.append(Entry(HASH.sub("", line).strip(), HASH.findall(line)))
    assert not pending, f"{path} ends inside a continued line"
    return found
