"""The two documents: README.md starts with the learner and lists every notebook, then shows
what is where and the imports that moved (each new import runs, each old one no longer does);
CONTRIBUTING.md holds the maintainer material and names every make target; every relative link
resolves; the Pages workflow prints the site's address."""

import ast
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import ipykernel.kernelapp
import pytest
import yaml
from test_public_api import MOVED

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))
import reading_time  # noqa: E402

# A table row of the README's notebook table: | NN | [title](notebooks/NN_name.ipynb) | text |
ROW = re.compile(r"^\| (\d\d) \| \[[^\]]+\]\(notebooks/([^)]+\.ipynb)\) \| (.+) \|\s*$", re.M)


def first_screen():
    """The README up to its notebook table: what a learner reads before the list."""
    text = README.read_text()
    return text[: text.index("## The notebooks")]


def test_readme_lists_every_notebook_in_order_with_what_you_leave_able_to_do():
    rows = ROW.findall(README.read_text())
    assert [name for _, name, _ in rows] == [path.name for path in NOTEBOOKS]
    for number, name, able_to in rows:
        assert name.startswith(number + "_"), f"row {number} links to {name}"
        assert len(able_to) > 40, f"row {number}: say what the learner leaves able to do"


def test_the_first_screen_serves_a_learner():
    top = first_screen()
    assert len(top.splitlines()) < 80, "the notebook table should follow soon after the start"
    for needed in ("backpropagation", "gradient descent", "numpy", "recurrent network"):
        assert needed in top, f"the prerequisites do not name {needed}"
    assert re.search(r"^\*\*Who it is for:\*\*", top, re.M)
    stated = re.search(r"^\*\*Time:\*\* about (\d+)-(\d+) hours in all", top, re.M)
    assert stated, "the first screen states the course's total time"
    # The total is the sum of the times the notebooks state, rounded to whole hours.
    low = high = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        lo, hi = reading_time.stated_minutes(json.loads(path.read_text(encoding="utf-8")))
        low, high = low + lo, high + hi
    assert (int(stated[1]), int(stated[2])) == (round(low / 60), round(high / 60)), (low, high)
    for edition in ("JupyterLab", "Web edition", "Binder"):
        assert edition in top
    assert re.search(r"^make lab$", top, re.M), "the one command, on its own line"
    for maintainer in ("make test", "make bench", "make html", "make lock", "nbval"):
        assert maintainer not in top, f"{maintainer} belongs in CONTRIBUTING.md"


def test_the_first_lines_say_what_replaces_the_owner_repo_placeholder():
    lines = README.read_text().splitlines()
    assert "mybinder.org/v2/gh/OWNER/REPO/" in lines[2] and "OWNER.github.io/REPO/" in lines[3]
    note = " ".join(lines[4:8])
    assert "replace `OWNER` and `REPO`" in note and "workflow prints" in note


def test_the_readme_states_the_oldest_python_the_project_supports():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f"Python {requires.removeprefix('>=')}+" in first_screen()


def test_the_readme_quotes_the_kernels_tcp_warning_as_ipykernel_prints_it():
    quoted = re.search(
        r"`WARNING \| (Kernel is running over TCP\s+without encryption)`", README.read_text()
    )
    assert quoted, "the README explains the kernel's TCP warning"
    assert " ".join(quoted.group(1).split()) in inspect.getsource(ipykernel.kernelapp)


def test_the_readme_links_contributing_on_one_line():
    links = [line for line in README.read_text().splitlines() if "](CONTRIBUTING.md)" in line]
    assert len(links) == 1


def make_targets():
    """Every target the Makefile defines by name (not files, not variables)."""
    text = (ROOT / "Makefile").read_text()
    return sorted(set(re.findall(r"^([a-z][a-z-]*):(?!=)", text, re.M)))


@pytest.mark.parametrize("target", make_targets())
def test_every_make_target_is_described(target):
    """CONTRIBUTING.md's command list names every target; a learner's command may be described
    in the README instead."""
    listed = re.search(rf"^make {target}\s", CONTRIBUTING.read_text(), re.M)
    assert listed or f"`make {target}`" in README.read_text(), f"make {target} is not described"


def test_contributing_keeps_the_maintainer_sections_with_their_measured_dates():
    text = CONTRIBUTING.read_text()
    for heading in ("Testing", "The lock", "What is where", "Conventions", "Performance"):
        assert re.search(rf"^## {heading}$", text, re.M), f"CONTRIBUTING.md lacks {heading}"
    # The README's own "What is where" is the short map for a learner; the full one is here.
    # Likewise its "Performance, as a learner feels it" summarizes the run whose log is here.
    for heading in ("Testing", "The lock", "Performance"):
        assert not re.search(rf"^##+ {heading}$", README.read_text(), re.M)
    # The measured tables carry the date of their run.
    assert re.search(r"^The latest run \(\d{4}-\d\d-\d\d", text, re.M)
    assert re.search(r"^The run of \d{4}-\d\d-\d\d", text, re.M)


def test_every_path_in_what_is_where_exists():
    text = CONTRIBUTING.read_text()
    table = text[text.index("## What is where") : text.index("## Conventions")]
    paths = [
        path
        for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M)
        for path in re.findall(r"`([^`]+)`", cell)
    ]
    assert len(paths) >= 10
    for path in paths:
        assert (ROOT / path).exists(), f"What is where names {path}, which does not exist"


def readme_section(heading):
    """The README's text under `## heading`, up to the next heading of that level."""
    text = README.read_text()
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_readme_what_is_where_shows_the_two_packages_and_one_notebook_folder():
    """A short map: each path in it exists (indented two spaces under its parent), bnlib starts
    at batchnorm.py, and the one folder shown lists its modules in the order they import."""
    section = readme_section("What is where")
    (block,) = re.findall(r"^```text\n(.*?)^```", section, re.M | re.S)
    assert len(block.splitlines()) <= 15, "a few lines"
    parents, paths = [], []
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip())) // 2
        parents[depth:] = [line.split()[0]]
        paths.append("".join(parents))
    for path in paths:
        assert (ROOT / path).exists(), f"What is where names {path}, which does not exist"
    assert {"bnlib/", "bnlib/batchnorm.py", "bncourse/", "notebooks/"} <= set(paths)
    (folder,) = [p for p in paths if re.fullmatch(r"bncourse/\w+/", p)]
    shown = [p.removeprefix(folder) for p in paths if p.startswith(folder) and p != folder]
    assert shown == ["studies.py", "views.py", "plots.py", "panel.py", "checks.py"]


def import_table():
    """[(old statement, [new statements])] of the README's table of moved imports."""
    table = readme_section("Old import -> new import")
    rows = re.findall(r"^\| (`from .+?) \| (`from .+?) \|$", table, re.M)
    assert rows, "no rows in the table"
    return [(re.findall(r"`([^`]+)`", old)[0], re.findall(r"`([^`]+)`", new)) for old, new in rows]


def imported(statement):
    """(module, [names]) of a `from module import a, b` statement."""
    (node,) = ast.parse(statement).body
    assert isinstance(node, ast.ImportFrom), statement
    return node.module, [alias.name for alias in node.names]


@pytest.mark.parametrize("old, new", import_table(), ids=lambda v: str(v))
def test_every_new_import_in_the_readme_table_works_and_the_old_one_does_not(old, new):
    for statement in new:
        exec(statement, {})
    with pytest.raises(ImportError):  # the row says the name moved: so it did
        exec(old, {})
    assert {name for s in new for name in imported(s)[1]} == set(imported(old)[1])


def test_the_import_table_covers_every_moved_name_and_every_old_module():
    """tests/test_public_api.py's MOVED (where the names earlier issues listed live now) each
    has its row, from `from bnlib import`; every old subpackage has a row or, for the rule that
    sends views, plots, experiments and widgets into the notebook folders, the prose names it."""
    rows = import_table()
    new = {(imported(s)[0], name) for _, statements in rows for s in statements
           for name in imported(s)[1]}  # fmt: skip
    missing = {name: module for name, module in MOVED.items() if (module, name) not in new}
    assert not missing, f"the README's table lacks rows for {missing}"
    top = {name for old, _ in rows if imported(old)[0] == "bnlib" for name in imported(old)[1]}
    assert set(MOVED) <= top, set(MOVED) - top
    old_modules = {imported(old)[0].split(".")[1] for old, _ in rows if "." in imported(old)[0]}
    assert {"exercises", "widgets", "experiments", "views", "norms", "engine", "probes"} <= (
        old_modules
    )
    prose = readme_section("Old import -> new import")
    for module in ("views", "plots", "experiments", "widgets"):
        assert f"`bnlib.{module}`" in prose
    assert "`bncourse.<folder>.views.X`" in prose
    # Every module the prose names: an old one no longer imports, a new one does.
    old_packages = ("exercises", "widgets", "experiments", "views", "plots", "norms", "engine",
                    "probes")  # fmt: skip
    for name in re.findall(r"`((?:bnlib|bncourse)\.[\w.]+)`", prose):
        if name.split(".")[0] == "bnlib" and name.split(".")[1] in old_packages:
            with pytest.raises(ModuleNotFoundError):
                importlib.import_module(name)
        else:
            importlib.import_module(name)


LINK = re.compile(r"\]\(([^)\s]+)\)|<img [^>]*src=\"([^\"]+)\"")
CODE = re.compile(r"^```.*?^```|`[^`\n]+`", re.M | re.S)  # code shows links, it holds none


def heading_anchors(path):
    """GitHub's anchors for the headings of a markdown file."""
    anchors = set()
    for heading in re.findall(r"^#+ (.+)$", path.read_text(), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


@pytest.mark.parametrize("document", [README, CONTRIBUTING], ids=lambda p: p.name)
def test_every_relative_link_resolves(document):
    targets = [a or b for a, b in LINK.findall(CODE.sub("", document.read_text()))]
    assert targets
    for target in targets:
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        file = (document.parent / path) if path else document
        assert file.exists(), f"{document.name} links to {target}, which does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in heading_anchors(file), f"{document.name}: no heading for {target}"


def test_the_pages_workflow_prints_the_sites_address(tmp_path):
    """Run the deploy job's last step as Actions would, with the deployment's outputs."""
    deploy = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())["jobs"]["deploy"]
    ids = [step.get("id") for step in deploy["steps"]]
    step = deploy["steps"][-1]
    assert "deployment" in ids[:-1]
    assert step["env"]["PAGE_URL"] == "${{ steps.deployment.outputs.page_url }}"
    assert step["env"]["REPOSITORY"] == "${{ github.repository }}"
    summary = tmp_path / "summary.md"
    env = {
        "PATH": os.environ["PATH"],
        "PAGE_URL": "https://alice.github.io/bn-course/",
        "REPOSITORY": "alice/bn-course",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    run = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, check=True
    )
    written = summary.read_text()
    assert "https://alice.github.io/bn-course/" in run.stdout
    assert "https://alice.github.io/bn-course/" in written and "alice/bn-course" in written
