"""What finish asks git: no question twice while its answer holds (git/memo.py), and none it can
answer from the git dir's files; the answers kept go stale as soon as a ref may have moved."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.memo import kind_of
from hotfix_guard.git.repository import Repository
from tests.support.lifecycle import hotfix, released
from tests.support.repos import Repo

__all__ = ["hotfix", "released"]  # fixtures

ID = "0123456789abcdef0123456789abcdef01234567"
OTHER = "89abcdef0123456789abcdef0123456789abcdef"


def traced_finish(repo: Repo, tmp_path: Path) -> list[list[str]]:
    """The git commands of `hotfix-guard finish --push`, in order, from GIT_TRACE."""
    trace = tmp_path / "finish.trace"
    script = Path(sys.executable).with_name("hotfix-guard")
    result = subprocess.run(
        [str(script), "finish", "--push"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_TRACE": str(trace)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    commands = []
    for line in trace.read_text(errors="replace").split("\n"):
        _, found, command = line.partition("trace: built-in: git ")
        try:
            words = shlex.split(command) if found else None
        except ValueError:  # a message's line breaks: that command's other lines
            continue
        if words:
            commands.append(words)
    return commands


def test_a_clean_finish_asks_nothing_twice_while_the_answer_holds(
    hotfix: Repo, tmp_path: Path
) -> None:
    commands = traced_finish(hotfix, tmp_path)
    asked: set[tuple[str, ...]] = set()
    repeated = []
    for words in commands:
        kind = kind_of(words, None)
        if kind is None:  # it may move a ref: a read may be asked again
            asked = {question for question in asked if kind_of(question, None) == "fact"}
        elif kind != "neutral":
            if tuple(words) in asked and words[0] != "cat-file":  # its questions are on stdin
                repeated.append(" ".join(words))
            asked.add(tuple(words))
    assert repeated == []
    names = [" ".join(words[:2]) for words in commands]
    # One origin is asked once about its tags; in sync, main and develop need no count; one
    # work tree lists no others; MERGE_HEAD is a file test.
    assert names.count("ls-remote --tags") == 1
    assert "ls-remote --" not in names  # the push is not a resumed one: nothing to ask first
    assert [name for name in names if name.startswith(("worktree", "rev-list --left-right"))] == []
    assert [words for words in commands if "MERGE_HEAD" in words] == []


@pytest.mark.parametrize(
    ("args", "stdin", "kind"),
    [
        (
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ID}^{{commit}}"],
            None,
            "fact",
        ),
        (["merge-base", "--is-ancestor", ID, OTHER], None, "fact"),
        (["--literal-pathspecs", "ls-tree", "-z", ID, "--", "refs/heads/x"], None, "fact"),
        (["cat-file", "--batch"], f"{ID}:pyproject.toml\n{OTHER}\n".encode(), "fact"),
        (["cat-file", "--batch"], b"refs/heads/main:pyproject.toml\n", "read"),
        (["rev-list", "--parents", ID, "^refs/heads/main", "--"], None, "read"),
        (["rev-parse", "--verify", "--quiet", "--end-of-options", "refs/heads/main"], None, "read"),
        (["symbolic-ref", "-q", "HEAD"], None, "read"),
        (["for-each-ref", "--format=%(refname)", "refs/tags"], None, "read"),
        (["symbolic-ref", "HEAD", "refs/heads/main"], None, None),
        (["symbolic-ref", "-d", "HEAD"], None, None),
        (["-c", "core.quotePath=false", "merge", "--no-ff", ID], None, None),
        (["update-ref", "-d", "refs/heads/x", ID], None, None),
        (["fetch", "origin"], None, None),
        (["config", "--get-regexp", "^gitflow."], None, None),
        (["--no-optional-locks", "status", "--porcelain=v1"], None, "neutral"),
        (["worktree", "list", "--porcelain", "-z"], None, "neutral"),
        (["worktree", "add", "../elsewhere"], None, None),
    ],
)
def test_what_may_be_remembered(args: list[str], stdin: bytes | None, kind: str | None) -> None:
    assert kind_of(args, stdin) == kind


def test_a_remembered_read_goes_stale_when_a_ref_may_have_moved(repo: Repo) -> None:
    first = repo.head()
    git_repo = Repository.discover(repo.path)
    with git_repo.remembering():
        assert git_repo.resolve_commit("refs/heads/main") == first
        repo.commit("Moved behind finish's back", {"a.txt": "a\n"})
        # Nothing finish ran could have moved it: the answer it had still stands for it.
        assert git_repo.resolve_commit("refs/heads/main") == first
        git_repo.git("update-ref", "refs/heads/main", repo.head())  # a command that moves refs
        assert git_repo.resolve_commit("refs/heads/main") == repo.head()
        second = repo.head()
        repo.commit("Moved by the lifecycle's commit", {"b.txt": "b\n"})
        LifecycleGit(git_repo).head_branch()  # any lifecycle command may move a ref
        assert git_repo.resolve_commit("refs/heads/main") == repo.head() != second
    assert git_repo.answers is None
