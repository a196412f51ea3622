"""finish --abort never undoes work that is not its own, and --continue recognizes the half-done
steps an interrupt leaves. Every case runs real git: hooks that refuse or kill the git
process at the chosen point, a second work tree, a remote whose hooks run while we interrupt."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.lifecycle import FIXED, hotfix, invoke, released, run_until, snapshot
from tests.support.repos import Repo, git

__all__ = ["hotfix", "released"]  # fixtures

BRANCH = "hotfix/fix-login-timeout"


def state_file(repo: Repo) -> Path:
    return Path(repo.git("rev-parse", "--absolute-git-dir")) / "hotfix-guard-finish.json"


def hook(repo: Repo | Path, name: str, body: str) -> Path:
    folder = (repo.path / ".git" if isinstance(repo, Repo) else repo) / "hooks"
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def refuse_push(remote: Path) -> None:
    hook(remote, "pre-receive", "echo 'refused by policy' >&2\nexit 1\n")


def refs_of(repo: Repo) -> str:
    return repo.git("for-each-ref", "--format=%(refname) %(objectname)")


# --- abort leaves what is not its own ---------------------------------------------------------


def test_abort_keeps_a_commit_made_on_the_hotfix_branch_after_finish_stopped(
    hotfix: Repo, remote: Path
) -> None:
    refuse_push(remote)
    assert invoke("finish", "--push").exit_code == 1
    hotfix.switch(BRANCH)
    second = hotfix.commit("Second fix", {"app/second.py": "SECOND = 1\n"})
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert aborted.output == (
        "finish aborted: every ref and the work tree are as they were (main, develop put back, "
        "v1.2.4 deleted)\n"
    )
    assert hotfix.git("rev-parse", BRANCH) == second
    assert hotfix.git("symbolic-ref", "--short", "HEAD") == BRANCH
    assert (hotfix.path / "app/second.py").read_text() == "SECOND = 1\n"
    assert hotfix.git("rev-parse", "main") == git(remote, "rev-parse", "main")


def test_abort_leaves_and_names_main_when_a_commit_was_made_on_it_after_the_stop(
    hotfix: Repo, remote: Path
) -> None:
    refuse_push(remote)
    assert invoke("finish", "--push").exit_code == 1
    hotfix.switch("main")
    on_main = hotfix.commit("Made on main after the stop", {"docs/later.md": "later\n"})
    hotfix.switch(BRANCH)
    develop_before = git(remote, "rev-parse", "develop")
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 1
    assert aborted.stdout == (
        "finish aborted: what it did is undone (develop put back, v1.2.4 deleted)\n"
    )
    was = git(remote, "rev-parse", "main")
    assert aborted.stderr == (
        "these refs moved since finish stopped, by something other than this finish; left as "
        f"they are:\n  main: now at {on_main[:12]} (was {was[:12]})\n"
    )
    assert hotfix.git("rev-parse", "main") == on_main
    assert hotfix.git("rev-parse", "develop") == develop_before
    assert hotfix.git("tag", "-l", "v1.2.4") == ""
    assert not state_file(hotfix).exists()


def test_abort_in_one_work_tree_keeps_what_another_moved_since(
    hotfix: Repo, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B's finish stops at its merge into main; B aborts git's merge; main then moves by another
    hand (a teammate's merge in the other work tree). B's --abort keeps that merge."""
    second = tmp_path / "second"
    hotfix.git("worktree", "add", "-q", "-b", "hotfix/fix-logout", str(second), "main")
    other = Repo(second)
    other.commit("Fix logout", {"app/logout.py": "OK = 1\n"})
    hook(hotfix, "pre-merge-commit", 'test "$HOTFIX_GUARD_FINISH" = merge-main && exit 1\nexit 0\n')
    stopped = invoke("finish")
    assert stopped.exit_code == 1
    assert "merging into main: a hook refused the merge commit" in stopped.stderr
    assert "conflict markers" not in stopped.stderr
    hotfix.git("merge", "--abort")
    hotfix.switch(BRANCH)
    (hotfix.path / ".git/hooks/pre-merge-commit").unlink()
    monkeypatch.chdir(second)
    other.switch("main")
    other.merge("hotfix/fix-logout", "--no-ff")
    theirs = other.head()
    monkeypatch.chdir(hotfix.path)
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 1
    assert aborted.stdout == "finish aborted: what it did is undone\n"
    assert "  main: now at " + theirs[:12] in aborted.stderr
    assert hotfix.git("rev-parse", "main") == theirs
    assert hotfix.git("symbolic-ref", "--short", "HEAD") == BRANCH


def test_a_second_finish_cannot_claim_the_tag_a_finish_in_progress_will_make(
    hotfix: Repo, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuser = hook(hotfix, "pre-merge-commit", "exit 1\n")
    assert invoke("finish", "--no-backport").exit_code == 1  # stopped before it made v1.2.4
    refuser.unlink()
    second = tmp_path / "second"
    hotfix.git("worktree", "add", "-q", "-b", "hotfix/fix-logout", str(second), "origin/main")
    Repo(second).commit("Fix logout", {"app/logout.py": "OK = 1\n"})
    monkeypatch.chdir(second)
    blocked = invoke("finish", "--no-backport")
    assert blocked.exit_code == 1
    assert (
        f"  - tag v1.2.4 is claimed by the finish of {BRANCH} in progress in {hotfix.path}: "
        "releases go out in order; complete or abort that one first (hotfix-guard finish "
        "--continue or --abort there)\n"
    ) in blocked.stderr


def test_a_tag_taken_meanwhile_stops_finish_and_abort_keeps_it(hotfix: Repo, remote: Path) -> None:
    hook(hotfix, "pre-merge-commit", 'test "$HOTFIX_GUARD_FINISH" = merge-main && exit 1\nexit 0\n')
    assert invoke("finish").exit_code == 1
    hotfix.git("merge", "--abort")
    (hotfix.path / ".git/hooks/pre-merge-commit").unlink()
    hotfix.git("tag", "-a", "v1.2.4", "-m", "someone else's release", "origin/main")
    theirs = hotfix.git("rev-parse", "v1.2.4")
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 1
    assert "tag v1.2.4 appeared meanwhile at" in resumed.stderr
    assert "it is not this finish's (another finish took that release?)" in resumed.stderr
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert aborted.output == (
        "finish aborted: every ref and the work tree are as they were (main put back)\n"
    )
    assert hotfix.git("rev-parse", "v1.2.4") == theirs


def test_abort_refuses_uncommitted_edits_and_changes_nothing(hotfix: Repo, remote: Path) -> None:
    refuse_push(remote)
    assert invoke("finish", "--push").exit_code == 1
    hotfix.write("app/main.py", "edited after the stop\n")
    before = refs_of(hotfix)
    refused = invoke("finish", "--abort")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "hotfix-guard: finish --abort: uncommitted changes in app/main.py are not its own and a "
        "reset would lose them: commit them, or stash them (git stash), then run it again\n"
    )
    assert (hotfix.path / "app/main.py").read_text() == "edited after the stop\n"
    assert refs_of(hotfix) == before
    assert state_file(hotfix).exists()


def test_abort_refuses_a_merge_finish_did_not_start(hotfix: Repo, remote: Path) -> None:
    refuse_push(remote)
    assert invoke("finish", "--push").exit_code == 1
    hotfix.branch("side", "origin/main")
    hotfix.commit("Side", {"app/main.py": "def main():\n    return 9\n"})
    hotfix.switch("main")
    subprocess.run(["git", "merge", "-q", "side"], cwd=hotfix.path, capture_output=True)
    refused = invoke("finish", "--abort")
    assert refused.exit_code == 2
    assert "that finish did not start is in progress: conclude it or abort it" in refused.stderr
    assert (hotfix.path / ".git/MERGE_HEAD").exists()


# --- the push, interrupted while the remote's hooks ran ------------------------------------------


def test_ctrl_c_while_the_remotes_post_receive_runs_abort_asks_the_remote_first(
    hotfix: Repo, remote: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "received"
    post = hook(remote, "post-receive", f"touch '{marker}'\nsleep 30\n")
    result = run_until(hotfix, marker, "finish", "--push")
    assert result.returncode == 130, result.stdout + result.stderr
    assert "refs/tags/v1.2.4" in git(remote, "for-each-ref")  # the remote took it
    post.unlink()
    refused = invoke("finish", "--abort")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("hotfix-guard: the push is done: origin has main, develop")
    assert hotfix.git("rev-parse", "main") == git(remote, "rev-parse", "main")
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output + resumed.stderr
    assert hotfix.git("for-each-ref", "--format=%(refname)", "refs/heads") == (
        "refs/heads/develop\nrefs/heads/main"
    )
    assert git(remote, "for-each-ref", "--format=%(refname)", "refs/heads") == (
        "refs/heads/develop\nrefs/heads/main"
    )


def test_abort_of_an_interrupted_push_refuses_when_the_remote_cannot_be_asked(
    hotfix: Repo, remote: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "pushing"
    pre = hook(hotfix, "pre-push", f"touch '{marker}'\nsleep 30\n")
    assert run_until(hotfix, marker, "finish", "--push").returncode == 130
    pre.unlink()
    remote.rename(tmp_path / "gone.git")
    before = refs_of(hotfix)
    refused = invoke("finish", "--abort")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "hotfix-guard: finish --abort: the push was interrupted and origin cannot be asked "
        "whether it got there;"
    )
    assert refs_of(hotfix) == before
    (tmp_path / "gone.git").rename(remote)
    snap = snapshot(hotfix, remote)
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert snapshot(hotfix, remote).remote == snap.remote


# --- --continue recognizes its own half-done steps -----------------------------------------------


def test_continue_after_git_merge_was_killed_inside_pre_merge_commit(
    hotfix: Repo, remote: Path
) -> None:
    """The merged tree is staged, without MERGE_HEAD: finish's own half merge, not local changes."""
    killer = hook(hotfix, "pre-merge-commit", "kill -9 $PPID\n")
    before = snapshot(hotfix, remote)
    assert invoke("finish").exit_code == 1
    assert not (hotfix.path / ".git/MERGE_HEAD").exists()
    assert hotfix.git("status", "--porcelain", "-uno") != ""
    killer.unlink()
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output + aborted.stderr
    assert snapshot(hotfix, remote) == before
    hook(hotfix, "pre-merge-commit", "kill -9 $PPID\n")
    assert invoke("finish").exit_code == 1
    killer.unlink()
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output + resumed.stderr
    assert hotfix.git("rev-parse", "main^2") == hotfix.git("rev-parse", BRANCH)


@pytest.mark.parametrize("branch", ["main", "develop"])
def test_continue_after_git_was_killed_right_after_the_branch_moved(
    hotfix: Repo, remote: Path, branch: str
) -> None:
    """MERGE_HEAD is left over with the merge committed: no second, empty merge is made."""
    killer = hook(
        hotfix,
        "reference-transaction",
        "while read old new ref; do\n"
        f'  if [ "$1" = committed ] && [ "$ref" = refs/heads/{branch} ]; then kill -9 $PPID; fi\n'
        "done\nexit 0\n",
    )
    assert invoke("finish").exit_code == 1
    assert (hotfix.path / ".git/MERGE_HEAD").exists()
    killer.unlink()
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output + resumed.stderr
    assert hotfix.git("rev-list", "--count", "--merges", "origin/main..main") == "1"
    assert hotfix.git("rev-list", "--count", "--merges", "origin/develop..develop") == "2"
    assert not (hotfix.path / ".git/MERGE_HEAD").exists()


def test_a_hook_refusing_the_backport_merge_then_continue_commits_it_once(
    hotfix: Repo, remote: Path
) -> None:
    """A clean merge left uncommitted: the message says so, not 'conflict markers'."""
    refuser = hook(
        hotfix, "pre-merge-commit", 'case "$HOTFIX_GUARD_FINISH" in backport*) exit 1;; esac\n'
    )
    stopped = invoke("finish")
    assert stopped.exit_code == 1
    assert stopped.stderr.startswith(
        "finish stopped at step 3 of 4, backport:develop: merging into develop: a hook refused "
        "the merge commit"
    )
    assert "conflict markers" not in stopped.stderr
    assert "  Fix the cause,\n" in stopped.stderr
    refuser.unlink()
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output + resumed.stderr
    assert hotfix.git("rev-list", "--count", "--merges", "origin/develop..develop") == "2"


def test_continue_stops_on_a_resolution_not_committed_and_names_it(
    hotfix: Repo, remote: Path
) -> None:
    hotfix.switch("main")
    hotfix.commit("Main moved on", {"app/main.py": "def main():\n    return 3\n"})
    hotfix.git("push", "-q", "origin", "main")  # finish refuses a main with unpushed commits
    hotfix.switch(BRANCH)
    assert invoke("finish").exit_code == 1
    hotfix.write("app/main.py", FIXED)
    hotfix.git("add", "app/main.py")
    again = invoke("finish", "--continue")
    assert again.exit_code == 1
    assert again.stderr.startswith(
        "finish stopped at step 1 of 4, merge-main: the merge is resolved but not committed: "
        "commit it (git commit)\n"
    )


# --- a damaged state file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, problem",
    [
        ('{"format": 1}', "missing hotfix, hotfix_tip"),
        ("[]", None),
        ('{"format": 1, "hotfix": 3}', "missing hotfix_tip"),
    ],
)
def test_a_damaged_state_file_is_one_clear_line(
    hotfix: Repo, content: str, problem: str | None
) -> None:
    state_file(hotfix).write_text(content)
    for option in ("--continue", "--abort"):
        result = invoke("finish", option)
        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1
        expected = f"damaged finish state ({problem}" if problem else "another hotfix-guard version"
        assert expected in result.stderr


def test_a_state_file_with_wrong_types_is_one_clear_line(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_push(remote)
    assert invoke("finish", "--push").exit_code == 1
    data = json.loads(state_file(hotfix).read_text())
    for key, value in [("steps", "push"), ("before", []), ("trailers", [["a"]]), ("push", "no")]:
        state_file(hotfix).write_text(json.dumps({**data, key: value}))
        result = invoke("finish", "--continue")
        assert result.exit_code == 2, (key, result.output)
        assert f"damaged finish state ({key} has the wrong type)" in result.stderr
    state_file(hotfix).write_text(json.dumps({**data, "done": ["nonsense"]}))
    result = invoke("finish", "--abort")
    assert "damaged finish state (its steps do not hold the steps done)" in result.stderr
