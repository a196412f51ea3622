"""Every shell example of README.md and docs/*.md runs, in a scratch repository, and prints what
it shows. The convention is written down in docs/development.md ("Shell examples are tested")."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from tests.support.precommit import HookRepo

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL = ("sh", "bash", "console")
FENCE = re.compile(r"^```(\S*)\s*$")
MARKER = re.compile(r"<!-- example: ([^\n]*?)\s*(?:\n(.*?))?-->", re.DOTALL)
# The repository every example starts in: `main` with one commit and release v1.4.1, `develop`,
# and `origin`, a local bare repository standing in for the real remote.
FIXTURE = """
git init -q --bare -b main origin.git
git init -q -b main app && cd app
git remote add origin ../origin.git
echo "TIMEOUT_SECONDS = 5" > login.py
git add login.py && git commit -q -m "Initial"
git tag -a v1.4.1 -m "Release 1.4.1"
git branch develop
git push -q origin main develop v1.4.1
"""
# Runs before each block; `__mark N` separates the output of command N from the one before it
# and keeps the exit status of that one, so `$ echo $?` shows it.
PRELUDE = """exec 2>&1 < /dev/null
__mark() { __status=$?; printf '\\036%s\\036\\n' "$1"; return $__status; }
"""
SPLIT = re.compile(r"\x1e(\d+)\x1e\n")


@dataclass
class Block:
    page: str
    line: int
    language: str
    body: str
    kind: str = "new"  # new, continue, again, or skip (<reason>)
    setup: str = ""


@dataclass
class Story:
    """A block that starts in a fresh scratch repository, and the blocks that continue it."""

    blocks: list[Block] = field(default_factory=list)


def marker_before(lines: list[str]) -> re.Match[str] | None:
    """The `<!-- example: ... -->` comment that ends LINES (blank lines after it allowed)."""
    before = "\n".join(lines).rstrip()
    if not before.endswith("-->"):
        return None
    return MARKER.fullmatch(before[before.rfind("<!--") :])


def blocks_of(path: Path) -> list[Block]:
    lines = path.read_text().splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        body = "\n".join(lines[index + 1 : end])
        page = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        block = Block(page, index + 1, opening.group(1), body)
        marker = marker_before(lines[:index])
        if marker:
            block.kind, block.setup = marker.group(1), marker.group(2) or ""
        found.append(block)
        index = end + 1
    return found


def stories() -> list[Story]:
    result: list[Story] = []
    for page in PAGES:
        for block in blocks_of(page):
            if block.language not in SHELL or block.kind.startswith("skip"):
                continue
            where = f"{block.page}:{block.line}: {block.kind}"
            assert block.kind in ("new", "continue", "again"), where
            if block.kind != "new":
                assert result and result[-1].blocks[0].page == block.page, f"{where}: no story"
            if block.kind == "continue":
                result[-1].blocks.append(block)
            elif block.kind == "again":
                # A fresh repository with the set-up of the story before: one state, told twice.
                result.append(Story([replace(block, kind="new", setup=result[-1].blocks[0].setup)]))
            else:
                result.append(Story([block]))
    return result


def commands_and_outputs(body: str) -> list[tuple[str, list[str]]]:
    """`$ ` lines are commands, the lines up to the next one what the command prints."""
    pairs: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            assert pairs, f"output before the first command: {line!r}"
            pairs[-1][1].append(line)
    return pairs


# Three dots, and a fourth is a full stop after them (`at ....`); a run of five or more
# (pre-commit's `hotfix-guard.....Passed`) is literal.
PLACEHOLDER = re.compile(r"(?<!\.)\.\.\.(?!\.\.)")


def pattern(expected: list[str]) -> re.Pattern[str]:
    """`...` inside a line stands for any text; a line that is only `...`, for any lines."""
    parts = [
        r"(?:.*\n)*?"
        if line == "..."
        else ".*".join(map(re.escape, PLACEHOLDER.split(line))) + r"\n"
        for line in expected
    ]
    return re.compile("".join(parts))


def trimmed(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def shows(expected: list[str], actual: list[str]) -> bool:
    text = "".join(line + "\n" for line in trimmed(actual))
    return pattern(trimmed(expected)).fullmatch(text) is not None


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def run_block(block: Block, app: Path, env: dict[str, str]) -> None:
    where = f"{block.page}:{block.line}"
    if block.setup.strip():
        done = run("set -e\n" + block.setup, app, env)
        assert done.returncode == 0, f"{where}: the set-up failed:\n{done.stdout}{done.stderr}"
    if block.language != "console":
        done = run("set -e\n" + block.body, app, env)
        assert done.returncode == 0, f"{where}: failed:\n{done.stdout}{done.stderr}"
        return
    pairs = commands_and_outputs(block.body)
    script = PRELUDE + "".join(f"__mark {n}; {command}\n" for n, (command, _) in enumerate(pairs))
    printed = SPLIT.split(run(script, app, env).stdout)[1:]
    outputs = dict(zip(map(int, printed[0::2]), printed[1::2]))
    drifted = [
        f"{where}: $ {command}\n--- shown:\n"
        + "\n".join(trimmed(expected))
        + "\n--- printed:\n"
        + "\n".join(trimmed(actual))
        for n, (command, expected) in enumerate(pairs)
        if not shows(expected, actual := outputs.get(n, "").splitlines())
    ]
    if drifted:
        pytest.fail("\n".join(drifted), pytrace=False)


@pytest.fixture
def scratch(tmp_path: Path, hook_repo: HookRepo, shared_dir: Path) -> tuple[Path, dict[str, str]]:
    env = dict(os.environ)
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
        GIT_AUTHOR_NAME="Dana Dev",
        GIT_AUTHOR_EMAIL="dana@example.com",
        GIT_COMMITTER_NAME="Dana Dev",
        GIT_COMMITTER_EMAIL="dana@example.com",
        USER="dana",
        PRE_COMMIT_HOME=str(shared_dir / "pre-commit-home"),
        HOTFIX_GUARD_SOURCE=str(ROOT),
        HOTFIX_GUARD_HOOK_REPO=str(hook_repo.path),
        HOTFIX_GUARD_HOOK_REV=hook_repo.rev,
    )
    done = run("set -e\n" + FIXTURE, tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp_path / "app", env


STORIES = stories()


@pytest.mark.parametrize(
    "story", STORIES, ids=[f"{s.blocks[0].page}:{s.blocks[0].line}" for s in STORIES]
)
def test_shell_example_runs_and_prints_what_it_shows(
    story: Story, scratch: tuple[Path, dict[str, str]]
) -> None:
    app, env = scratch
    for block in story.blocks:
        run_block(block, app, env)


def test_every_shell_transcript_is_marked_as_one() -> None:
    """A block of `$ ` commands that is not ```console would never run, or run `$` as a command."""
    unmarked = [
        f"{block.page}:{block.line}"
        for page in PAGES
        for block in blocks_of(page)
        if block.language != "console" and re.search(r"^\$ ", block.body, re.MULTILINE)
    ]
    assert unmarked == []


def test_every_skipped_example_says_why() -> None:
    kinds = [block.kind for page in PAGES for block in blocks_of(page)]
    assert all(re.fullmatch(r"skip \(.{10,}\)", kind) for kind in kinds if kind.startswith("skip"))


def test_the_output_patterns() -> None:
    assert shows(["merge base ...)"], ["merge base 1a2b3c4d5e6f)"])
    assert shows(["a", "...", "z"], ["a", "b", "c", "z"]) and shows(["a", "...", "z"], ["a", "z"])
    assert not shows(["a", "z"], ["a", "b", "z"])
    assert not shows(["a ... z"], ["a b", "z"])
    assert shows(["x (1.5x)"], ["x (1.5x)", ""]) and not shows(["x (1.5x)"], ["x (1a5x)"])
    assert shows(["hook.....Passed"], ["hook.....Passed"])
    assert not shows(["a.....b"], ["a.....xb"]) and shows(["at ...."], ["at 1a2b."])


def test_a_drifted_example_fails_naming_the_page_line_command_and_both_outputs(
    tmp_path: Path, scratch: tuple[Path, dict[str, str]]
) -> None:
    app, env = scratch
    page = tmp_path / "page.md"
    page.write_text(
        "A hotfix branch and its tags:\n\n"
        "<!-- example: new\ngit switch -qC hotfix/fix-login main\n-->\n"
        "```console\n$ git branch --show-current\nhotfix/fix-login\n$ git tag -l\nv1.4.2\n```\n"
    )
    [drifted] = blocks_of(page)
    with pytest.raises(pytest.fail.Exception) as failed:
        run_block(drifted, app, env)
    assert str(failed.value) == (
        f"{page}:6: $ git tag -l\n--- shown:\nv1.4.2\n--- printed:\nv1.4.1"
    )
    page.write_text(page.read_text().replace("v1.4.2", "v1.4.1"))
    run_block(blocks_of(page)[0], app, env)
    page.write_text("```sh\ngit switch -q develop\ngit switch -q no-such-branch\n```\n")
    with pytest.raises(
        AssertionError,
        match=re.escape(f"{page}:1: failed:\n") + r"\s*fatal: invalid reference: no-such",
    ):
        run_block(blocks_of(page)[0], app, env)


def test_development_shows_each_command_ci_runs() -> None:
    """docs/development.md says `.ci/run` does exactly what its block shows: each gate of
    `.ci/run` is in the block, the pytest line with its PYTEST_ADDOPTS; where mkdocs writes its
    site and how much it prints are CI's own."""
    ci = (ROOT / ".ci" / "run").read_text()
    addopts = re.search(r'PYTEST_ADDOPTS="([^"]*)"', ci)
    assert addopts
    gates = [
        line.replace("python -m pytest -n 2", f"python -m pytest -n 2 {addopts.group(1)}").split(
            " --quiet"
        )[0]
        for line in ci.splitlines()
        if re.match(r"(ruff|mypy|python -m pytest|NO_MKDOCS_2_WARNING=1 mkdocs) ", line + " ")
    ]
    shown = next(b.body for b in blocks_of(ROOT / "docs" / "development.md") if b.language == "sh")
    assert len(gates) == 5 and [gate for gate in gates if gate not in shown] == []
