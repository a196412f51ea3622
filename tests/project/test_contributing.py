"""CONTRIBUTING.md's "How to add a rule", followed literally in a copy of the project.

Its numbered steps name the files a rule touches; its two examples are the check and the catalog
entry. Each step is carried out in the copy (the examples as written, the rows in the formats the
pages use), and then: the copy differs from the project in exactly the files the steps name, the
project's consistency checks pass in the copy, the copy's new rule runs, and the docs examples
that count the checks print what they show. A place a new rule must also be registered in that
the steps do not name fails the copy's checks; a step this test cannot carry out, or a file it
would touch unnamed, fails the comparison.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from hotfix_guard import catalog
from hotfix_guard.config.values import OPTION_KINDS

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "CONTRIBUTING.md").read_text()
SECTION = TEXT[TEXT.index("## How to add a rule") : TEXT.index("## How to add a command")]
# Not the project: what git ignores, and git itself.
NOT_COPIED = (".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", "site", "artifacts")
NOT_COPIED += (".pytest_cache", ".mypy_cache", ".ruff_cache", ".coverage")


def step_files() -> list[str]:
    """The file each numbered step names first (`src/hotfix_guard/rules/<family>.py`)."""
    steps = re.findall(r"^\d+\. `([^`]+)`", SECTION, re.MULTILINE)
    assert steps, "CONTRIBUTING.md's steps each start with the file they touch"
    return steps


def examples() -> tuple[str, str]:
    """The check module and the catalog entry, as CONTRIBUTING.md shows them."""
    blocks = [textwrap.dedent(block) for block in re.findall(r"```python\n(.*?)```", SECTION, re.S)]
    assert len(blocks) == 2
    return blocks[0], blocks[1]


CHECK_MODULE, ENTRY = examples()
NEW_RULE: catalog.Rule = eval(  # the entry as the catalog module would build it
    ENTRY.rstrip().rstrip(","), {name: getattr(catalog, name) for name in dir(catalog)}
)
FAMILY = NEW_RULE.check.partition(":")[0]


def edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text()
    after = change(before)
    assert after != before, f"{path.name}: the step found nothing to change"
    path.write_text(after)


def insert_after_last_row(text: str, heading: str, row: str) -> str:
    """TEXT with ROW after the last row of the first table under HEADING."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"{heading}\n")
    first = next(i for i in range(start, len(lines)) if lines[i].startswith("| "))
    last = next(i for i in range(first, len(lines) + 1) if i == len(lines) or lines[i][0] != "|")
    return "".join([*lines[:last], f"{row}\n", *lines[last:]])


def add_module(root: Path) -> None:
    (root / f"src/hotfix_guard/rules/{FAMILY}.py").write_text(CHECK_MODULE)


def add_entry(root: Path) -> None:
    entry = textwrap.indent(ENTRY, "    ")
    edit(
        root / "src/hotfix_guard/catalog.py", lambda text: text.replace("\n)\n", f"\n{entry})\n", 1)
    )


def add_to_hook(root: Path) -> None:
    pattern = rf"(- id: {re.escape(NEW_RULE.hook)}\n(?:  .*\n)*?  entry: .*)"
    edit(
        root / ".pre-commit-hooks.yaml",
        lambda text: re.sub(pattern, rf"\1 --rule {NEW_RULE.name}", text, count=1),
    )


def add_to_hook_row(root: Path) -> None:
    pattern = rf"^(\| `{re.escape(NEW_RULE.hook)}` \|.*) \|$"
    edit(
        root / "docs/setup.md",
        lambda text: re.sub(pattern, rf"\1, `{NEW_RULE.name}` |", text, count=1, flags=re.M),
    )


# An example output of `hotfix-guard check` on a change, which counts the checks that ran.
CHANGE_CHECKS_COUNTED = re.compile(
    r"^(hotfix-guard passed: hotfix/.*, )(\d+)( checks passed)$", re.M
)


def one_more_check(text: str) -> str:
    return CHANGE_CHECKS_COUNTED.sub(lambda m: f"{m[1]}{int(m[2]) + 1}{m[3]}", text)


def add_rules_row(root: Path) -> None:
    row = f"| `{NEW_RULE.name}` | {NEW_RULE.summary} | {NEW_RULE.default_level} |"
    edit(
        root / "docs/rules.md",
        lambda text: one_more_check(insert_after_last_row(text, "# Rules", row)),
    )


def count_one_more_check(root: Path) -> None:
    edit(root / "docs/output.md", one_more_check)


KIND_WORDS = {"positive-int": "positive integer", "non-negative-int": "non-negative integer"}


def add_option_rows(root: Path) -> None:
    rows = [
        f"| `{option.key}` | {KIND_WORDS.get(option.kind, 'list of globs')} | `{option.default}` |"
        for option in NEW_RULE.options
    ]
    edit(
        root / "docs/configuration.md",
        lambda text: insert_after_last_row(text, "# Configuration", "\n".join(rows)),
    )


NEW_TEST = """
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.repos import Repo


def check() -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "--rule", "no-todo"])
    return result.exit_code, result.output.splitlines()


def test_todo_files_beyond_no_todo_max_warn_then_fail_at_error(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/TODO_a.py": "a = 1\\n", "app/TODO_b.py": "b = 1\\n"})
    assert check() == (
        0,
        [
            "app/TODO_b.py: no-todo: app/TODO_b.py is a TODO",
            "hotfix-guard passed with warnings: 0 errors, 1 warning (hotfix/fix-login against "
            f"main, merge base {repo.git('merge-base', 'main', 'HEAD')[:12]} + staged changes)",
            "To fix: no-todo: finish the TODO or leave it out of the hotfix",
        ],
    )
    at_error = "[rules]\\nno-todo = 'error'\\n"
    repo.commit("config", {".hotfix-guard.toml": f"no-todo-max = 2\\n{at_error}"})
    assert check()[0] == 0
    repo.commit("config", {".hotfix-guard.toml": f"no-todo-max = 1\\n{at_error}"})
    assert check()[0] == 1
    repo.commit("config", {".hotfix-guard.toml": "no-todo-max = 0\\n"})
    assert check()[0] == 2  # the option's validation comes from its kind
"""


def add_test(root: Path) -> None:
    (root / f"tests/rules/test_{FAMILY}.py").write_text(NEW_TEST)


# The project's consistency checks, run in the copy: every test that compares a list with the
# catalog or reads the package's layout. Tests elsewhere take rule lists and counts from the
# catalog (test_meta checks that too), so a new rule cannot break them.
CHECKS = ("test_meta", "test_layers", "test_config", "test_cli")

# Step file (as CONTRIBUTING.md names it) -> what the step does in the copy.
STEPS: dict[str, Callable[[Path], None]] = {
    "src/hotfix_guard/rules/<family>.py": add_module,
    "src/hotfix_guard/catalog.py": add_entry,
    ".pre-commit-hooks.yaml": add_to_hook,
    "docs/setup.md": add_to_hook_row,
    "docs/rules.md": add_rules_row,
    "docs/output.md": count_one_more_check,
    "docs/configuration.md": add_option_rows,
    "tests/rules/test_<family>.py": add_test,
}


def git_in(copy: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, check=True)
    return done.stdout


def changed_files(copy: Path) -> set[str]:
    """The files of COPY that its steps changed or added."""
    listed = git_in(copy, "status", "--porcelain", "-z", "--untracked-files=all")
    return {entry[3:] for entry in listed.split("\0") if entry}


@pytest.fixture(scope="module")
def with_new_rule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, committed as it is (the docs examples install hooks from it),
    with CONTRIBUTING.md's steps carried out on top."""
    copy = tmp_path_factory.mktemp("contributing") / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    git_in(copy, "init", "-q", "-b", "main")
    git_in(copy, "add", "-A")
    identity = ("-c", "user.name=Test", "-c", "user.email=test@example.invalid")
    git_in(copy, *identity, "commit", "-q", "--no-verify", "-m", "the project as it is")
    for template in step_files():
        STEPS[template](copy)
    return copy


def test_every_step_names_a_file_this_test_can_change() -> None:
    assert step_files() == list(STEPS)


def test_the_steps_touch_exactly_the_files_they_name(with_new_rule: Path) -> None:
    named = {template.replace("<family>", FAMILY) for template in step_files()}
    assert changed_files(with_new_rule) == named


def pytest_in(copy: Path, *args: str) -> None:
    """Run pytest with ARGS in COPY, on the copy's own package (and none of this run's coverage or
    xdist settings); it must pass."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV"))}
    env["PYTHONPATH"] = str(copy / "src")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"^\d+ passed", result.stdout.splitlines()[-1]), result.stdout


def test_the_consistency_checks_pass_and_the_new_rule_runs_in_the_copy(
    with_new_rule: Path,
) -> None:
    pytest_in(
        with_new_rule,
        *(f"tests/project/{name}.py" for name in CHECKS),
        f"tests/rules/test_{FAMILY}.py",
    )


def test_the_examples_that_count_the_checks_still_print_what_they_show(
    with_new_rule: Path,
) -> None:
    """The pages' other examples do not change with a rule (and some install pre-commit's hook
    environment, too slow to do here): the ones that count the checks do."""
    pages = [
        Path(step).stem
        for step in step_files()
        if step.startswith("docs/") and CHANGE_CHECKS_COUNTED.search((ROOT / step).read_text())
    ]
    assert pages
    pytest_in(with_new_rule, "tests/project/test_docs_examples.py", "-k", " or ".join(pages))


def test_every_page_that_counts_the_checks_of_a_change_is_a_step() -> None:
    """A page whose example output counts the checks changes with every new change rule, so it
    is a step (and its examples are run in the copy above)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    counting = {
        str(p.relative_to(ROOT)) for p in pages if CHANGE_CHECKS_COUNTED.search(p.read_text())
    }
    assert NEW_RULE.subject == catalog.CHANGE
    assert counting <= set(step_files())


def test_the_examples_pass_the_meta_tests_own_rules() -> None:
    """The example's option default passes its kind's validator (a positive-int of 0 would not),
    and its name is a new, lowercase, dash-joined one that no other rule contains."""
    for option in NEW_RULE.options:
        assert OPTION_KINDS[option.kind](option.default) == option.default
    assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", NEW_RULE.name)
    assert not any(NEW_RULE.name in name or name in NEW_RULE.name for name in catalog.RULE_NAMES)
    assert NEW_RULE.hook in catalog.hook_ids()
    ast.parse(CHECK_MODULE)
