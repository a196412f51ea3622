"""finish on real repositories with a bare origin: the happy path, conflicts in main and develop,
a push the remote refuses, a failing test command, --continue after a plain `git commit`, and
--abort compared byte for byte with a snapshot taken before finish ran."""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

import pytest

from tests.support.lifecycle import FIXED, hotfix, invoke, released, snapshot
from tests.support.repos import Repo, git

__all__ = ["hotfix", "released"]  # fixtures

BRANCH = "hotfix/fix-login-timeout"


def state_file(repo: Repo) -> Path:
    return Path(repo.git("rev-parse", "--absolute-git-dir")) / "hotfix-guard-finish.json"


def conflict_on(hotfix: Repo, branch: str, message: str, value: int) -> None:
    """BRANCH moves on with an edit of the fix's line, pushed: merging the hotfix conflicts."""
    hotfix.switch(branch)
    hotfix.commit(message, {"app/main.py": f"def main():\n    return {value}\n"})
    hotfix.git("push", "-q", "origin", branch)
    hotfix.switch(BRANCH)


def test_finish_push_merges_tags_backports_pushes_and_deletes_the_branch(
    hotfix: Repo, remote: Path
) -> None:
    tip = hotfix.git("rev-parse", BRANCH)
    result = invoke("finish", "--push")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"done: merge {BRANCH} into main (--no-ff)\n"
        "done: tag main's merge commit v1.2.4 (annotated, 'Hotfix: Fix login timeout')\n"
        "done: merge v1.2.4 into develop (--no-ff)\n"
        f"done: push main, develop, v1.2.4, delete {BRANCH} to origin (atomic)\n"
        f"done: delete {BRANCH} and switch to main\n"
        f"finished {BRANCH}: main tagged v1.2.4\n"
        "  backported into develop\n"
        f"  pushed main, develop, v1.2.4, delete {BRANCH} to origin\n"
    )
    trailers = "Severity: P1\nIncident: INC-42\nDetected: 2026-11-28T22:10:00Z\nMitigation: hotfix"
    assert hotfix.git("log", "-1", "--format=%B", "main") == (
        f"Merge branch '{BRANCH}' into main: Fix login timeout (P1, INC-42)\n\n"
        f"Hotfix v1.2.4.\n\n{trailers}"
    )
    assert hotfix.git("rev-parse", "main^2") == tip
    assert hotfix.git("cat-file", "-t", "v1.2.4") == "tag"
    assert hotfix.git("tag", "-l", "--format=%(contents)", "v1.2.4") == (
        f"Hotfix: Fix login timeout\n\n{trailers}"
    )
    assert hotfix.git("rev-parse", "v1.2.4^{commit}") == hotfix.git("rev-parse", "main")
    assert hotfix.git("rev-parse", "develop^2") == hotfix.git("rev-parse", "main")
    assert hotfix.git("log", "-1", "--format=%s", "develop") == (
        f"Merge tag 'v1.2.4' into develop: backport of {BRANCH}"
    )
    on_remote = git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    for ref in ("refs/heads/main", "refs/heads/develop", "refs/tags/v1.2.4"):
        assert f"{ref} {hotfix.git('rev-parse', ref)}" in on_remote
    assert BRANCH not in on_remote and BRANCH not in hotfix.git("branch", "--list")
    assert hotfix.git("symbolic-ref", "--short", "HEAD") == "main"
    assert not state_file(hotfix).exists()
    # finish's tag passes every tag rule.
    checked = invoke("check-tag", "v1.2.4")
    assert checked.exit_code == 0, checked.output


def test_finish_without_push_keeps_the_branch_and_says_how_to_push(hotfix: Repo) -> None:
    hotfix.switch("develop")  # an unpushed commit on a backport branch is noted
    hotfix.commit("Unpushed", {"README": "local\n"})
    hotfix.switch(BRANCH)
    result = invoke("finish")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "note: develop has 1 commit(s) origin lacks: a --push takes them too\n"
    )
    assert result.output.endswith(
        f"done: switch back to {BRANCH}\nfinished {BRANCH}: main tagged v1.2.4\n"
        "  backported into develop\n"
        "  not pushed: git push --atomic origin main develop v1.2.4\n"
    )
    assert hotfix.git("symbolic-ref", "--short", "HEAD") == BRANCH
    assert hotfix.git("rev-parse", "main") != hotfix.git("rev-parse", "origin/main")


def test_finish_refuses_a_main_with_commits_origin_lacks(hotfix: Repo, remote: Path) -> None:
    hotfix.switch("main")
    unpushed = hotfix.commit("Unpushed", {"README": "local\n"})
    hotfix.switch(BRANCH)
    before = snapshot(hotfix, remote)
    result = invoke("finish", "--push")
    assert result.exit_code == 1
    assert result.stderr == (
        "finish stopped at step 1, check: nothing was changed\n"
        f"  - main has 1 commit(s) that origin/main lacks ({unpushed[:10]} Unpushed): they are not "
        "released, and a hotfix built on main would ship them; keep them on a branch and put main "
        f"back to origin/main (git branch main-unpushed-{unpushed[:8]} main && git switch main && "
        "git reset --keep origin/main)\n"
    )
    assert snapshot(hotfix, remote) == before


def test_dry_run_prints_the_plan_with_predicted_conflicts_and_changes_nothing(
    hotfix: Repo, remote: Path
) -> None:
    conflict_on(hotfix, "develop", "Develop rewrites main", value=2)
    before = snapshot(hotfix, remote)
    result = invoke("finish", "--dry-run", "--push")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        f"  1. merge {BRANCH} into main (--no-ff)",
        "  2. tag main's merge commit v1.2.4 (annotated, 'Hotfix: Fix login timeout')",
        "  3. merge v1.2.4 into develop (--no-ff)",
        "     predicted conflict in: app/main.py",
        f"  4. push main, develop, v1.2.4, delete {BRANCH} to origin (atomic)",
        f"  5. delete {BRANCH} and switch to main",
        "dry run: nothing was changed",
    ]
    assert snapshot(hotfix, remote) == before


def test_a_conflict_in_main_stops_with_the_merge_in_progress_and_continues_after_git_commit(
    hotfix: Repo, remote: Path
) -> None:
    conflict_on(hotfix, "main", "Main moved on", value=3)
    result = invoke("finish")
    assert result.exit_code == 1
    assert result.stderr == (
        "finish stopped at step 1 of 4, merge-main: merging into main: conflicts in app/main.py\n"
        "  The merge is in progress with conflict markers in place: resolve them, `git add` the "
        "files and `git commit`,\n"
        "  then: hotfix-guard finish --continue\n"
        "  or put every ref and the work tree back as they were: hotfix-guard finish --abort\n"
    )
    assert "<<<<<<<" in (hotfix.path / "app/main.py").read_text()
    assert hotfix.git("symbolic-ref", "--short", "HEAD") == "main"
    again = invoke("finish", "--continue")
    assert again.exit_code == 1
    assert "a merge is still in progress: unresolved conflicts in app/main.py" in again.stderr
    hotfix.write("app/main.py", FIXED)
    hotfix.git("add", "app/main.py")
    hotfix.git("commit", "-q", "--no-edit")  # plain git commit, not finish
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output.startswith(
        f"done: merge {BRANCH} into main (--no-ff)\ndone: tag main's merge commit v1.2.4"
    )
    assert hotfix.git("rev-parse", "v1.2.4^{commit}") == hotfix.git("rev-parse", "main")
    assert not state_file(hotfix).exists()


def test_a_conflict_in_develop_stops_there_and_abort_puts_everything_back(
    hotfix: Repo, remote: Path
) -> None:
    conflict_on(hotfix, "develop", "Develop rewrites main", value=2)
    hotfix.write("notes/untracked.txt", "mine, never touched\n")
    before = snapshot(hotfix, remote)
    result = invoke("finish", "--push")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "finish stopped at step 3 of 5, backport:develop: merging into develop: conflicts in "
        "app/main.py\n"
    )
    assert hotfix.git("symbolic-ref", "--short", "HEAD") == "develop"
    assert hotfix.git("tag", "-l", "v1.2.4") == "v1.2.4"
    assert invoke("finish").exit_code == 2  # a new finish is refused while one is in progress
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert aborted.output == (
        "finish aborted: every ref and the work tree are as they were (main put back, "
        "v1.2.4 deleted)\n"
    )
    assert snapshot(hotfix, remote) == before
    assert not state_file(hotfix).exists()


def test_a_push_the_remote_refuses_stops_and_abort_restores(hotfix: Repo, remote: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = snapshot(hotfix, remote)
    result = invoke("finish", "--push")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "finish stopped at step 4 of 5, push: origin refused the push, nothing was pushed:\n"
    )
    assert "refused by policy" in result.stderr
    assert git(remote, "for-each-ref", "--format=%(refname) %(objectname)") == before.remote
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert snapshot(hotfix, remote) == before


def test_a_failing_test_command_stops_finish_before_anything_moves(
    hotfix: Repo, remote: Path
) -> None:
    hotfix.commit("Configure tests", {".hotfix-guard.toml": 'test-commands = ["false"]\n'})
    before = snapshot(hotfix, remote)
    result = invoke("finish", "--push")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    start = lines.index("finish stopped at step 1, check: nothing was changed")
    assert lines[start : start + 2] == [
        "finish stopped at step 1, check: nothing was changed",
        "  - the hotfix fails its checks:",
    ]
    assert any("tests: " in line and "false" in line for line in lines)
    assert snapshot(hotfix, remote) == before
    assert not state_file(hotfix).exists()


def test_finish_refuses_a_dirty_tree_and_a_taken_tag(
    hotfix: Repo, remote: Path, tmp_path: Path
) -> None:
    hotfix.write("app/main.py", "half done\n")
    dirty = invoke("finish")
    assert dirty.exit_code == 2
    assert dirty.stderr == (
        "hotfix-guard: uncommitted changes (app/main.py): commit or stash them first; finish must "
        "be able to put the work tree back exactly\n"
    )
    hotfix.git("checkout", "--", "app/main.py")
    hotfix.git("switch", "-q", "--detach")
    detached = invoke("finish")
    assert detached.exit_code == 2
    assert detached.stderr == (
        "hotfix-guard: HEAD is detached: check out the hotfix branch to finish "
        "(git switch hotfix/<name>)\n"
    )
    hotfix.switch(BRANCH)
    hotfix.tag("v1.2.4", "stray", target="develop")  # not on main: v1.2.3 stays the latest
    taken = invoke("finish")
    assert taken.exit_code == 1
    assert "  - tag v1.2.4 exists already (on " in taken.stderr
    # Pushed from elsewhere on a commit this clone lacks: a fetch does not bring it.
    hotfix.git("tag", "-d", "v1.2.4")
    other = Repo(tmp_path / "other")
    git(tmp_path, "clone", "-q", str(remote), str(other.path))
    other.git("switch", "-q", "--detach")
    other.commit("Someone's stray release")
    other.tag("v1.2.4", "stray")
    other.git("push", "-q", "origin", "v1.2.4")
    on_remote = invoke("finish")
    assert on_remote.exit_code == 1
    assert "  - tag v1.2.4 exists on origin already: fetch it (git fetch origin tag v1.2.4)" in (
        on_remote.stderr
    )
    assert invoke("finish", "--continue").stderr.startswith(
        "hotfix-guard: --continue: no finish in progress in this work tree ("
    )


def test_two_work_trees_keep_their_own_finish(hotfix: Repo, remote: Path, tmp_path: Path) -> None:
    second = tmp_path / "second"
    hotfix.git("worktree", "add", "-q", "-b", "hotfix/fix-logout", str(second), "main")
    Repo(second).commit("Fix logout", {"app/logout.py": "OK = 1\n"})
    conflict_on(hotfix, "develop", "Develop rewrites main", value=2)
    assert invoke("finish").exit_code == 1  # stopped in develop, here
    assert state_file(hotfix).exists()
    assert not state_file(Repo(second)).exists()
    import os

    os.chdir(second)
    other = invoke("finish", "--continue")
    assert other.exit_code == 2 and "no finish in progress in this work tree" in other.stderr
    blocked = invoke("finish")
    assert blocked.exit_code == 1
    assert f"  - develop is checked out in the work tree {hotfix.path}: switch" in blocked.stderr
    os.chdir(hotfix.path)
    assert invoke("finish", "--abort").exit_code == 0
    os.chdir(second)
    done = invoke("finish", "--no-backport")
    assert done.exit_code == 0, done.output + done.stderr


def test_abort_after_the_user_committed_the_resolution_drops_it(hotfix: Repo, remote: Path) -> None:
    conflict_on(hotfix, "main", "Main moved on", value=3)
    before = snapshot(hotfix, remote)
    assert invoke("finish").exit_code == 1
    hotfix.write("app/main.py", FIXED)
    hotfix.git("commit", "-q", "-a", "--no-edit")
    aborted = invoke("finish", "--abort")
    assert aborted.output == (
        "finish aborted: every ref and the work tree are as they were (main put back)\n"
    )
    assert snapshot(hotfix, remote) == before


def test_finish_reads_git_flows_develop_branch(hotfix: Repo, remote: Path) -> None:
    hotfix.git("branch", "-m", "develop", "integration")
    hotfix.git("push", "-q", "origin", "integration")
    hotfix.git("config", "gitflow.branch.develop", "integration")
    result = invoke("finish")
    assert result.exit_code == 0, result.output + result.stderr
    assert "done: merge v1.2.4 into integration (--no-ff)\n" in result.output
    assert hotfix.git("rev-parse", "integration^2") == hotfix.git("rev-parse", "main")


def test_a_missing_backport_branch_and_an_unreachable_remote_are_reported_together(
    hotfix: Repo, tmp_path: Path
) -> None:
    hotfix.git("branch", "-D", "develop")
    hotfix.git("remote", "set-url", "origin", str(tmp_path / "gone.git"))
    before = snapshot(hotfix)
    result = invoke("finish")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "finish stopped at step 1, check: nothing was changed"
    assert lines[1].startswith("  - cannot fetch origin (")
    assert lines[1].endswith("): finish compares with the remote")
    assert lines[2] == (
        "  - develop: no local branch; create it (git branch develop origin/develop) "
        "or pass --no-backport"
    )
    assert snapshot(hotfix) == before


def test_finish_push_passes_the_servers_pre_receive_hook(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server judges the pushed tag against main as it will be: one atomic push goes through."""
    root = Path(__file__).resolve().parents[2]
    shutil.copy(root / "hooks" / "pre-receive", remote / "hooks" / "pre-receive")
    monkeypatch.setenv("HOTFIX_GUARD", str(Path(sys.executable).with_name("hotfix-guard")))
    result = invoke("finish", "--push")
    assert result.exit_code == 0, result.output + result.stderr
    assert f"refs/tags/v1.2.4 {hotfix.git('rev-parse', 'v1.2.4')}" in git(
        remote, "for-each-ref", "--format=%(refname) %(objectname)"
    )
