"""finish pushes exactly the checked hotfix: not an empty one, not a main that moved on, not a
backport merge resolved by hand whose tests fail."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from tests.support.lifecycle import FIXED, hotfix, invoke, released, snapshot, start_hotfix
from tests.support.repos import Repo, git

__all__ = ["hotfix", "released"]  # fixtures

BRANCH = "hotfix/fix-login-timeout"


def test_finish_refuses_an_empty_hotfix(released: Repo, remote: Path) -> None:
    start_hotfix(released)  # the start commit only
    before = snapshot(released, remote)
    result = invoke("finish", "--push")
    assert result.exit_code == 1
    base = released.git("rev-parse", "main")
    assert (
        f"  - {BRANCH} changes nothing beyond its start commit (its tree is {base[:12]}'s, where "
        "it was cut): commit the fix first\n"
    ) in result.stderr
    assert snapshot(released, remote) == before
    # A change made and undone is no change either.
    released.commit("Try a fix", {"app/main.py": FIXED})
    released.git("revert", "--no-edit", "HEAD")
    assert "changes nothing beyond its start commit" in invoke("finish").stderr


def test_a_backport_merge_resolved_by_hand_is_tested_before_it_is_pushed(
    hotfix: Repo, remote: Path
) -> None:
    compile_main = f"{shlex.quote(sys.executable)} -m py_compile app/main.py"
    config = f"test-commands = [{compile_main!r}]\n".replace("'", '"')
    hotfix.commit("Compile the code in the checks", {".hotfix-guard.toml": config})
    hotfix.git("push", "-q", "origin", BRANCH)
    hotfix.switch("develop")
    hotfix.commit("Develop rewrites main", {"app/main.py": "def main():\n    return 2\n"})
    hotfix.git("push", "-q", "origin", "develop")
    hotfix.switch(BRANCH)
    stopped = invoke("finish", "--push")
    assert stopped.exit_code == 1
    assert "backport:develop: merging into develop: conflicts in app/main.py" in stopped.stderr
    hotfix.write("app/main.py", "def main(:\n    return 1\n")  # a wrong resolution
    hotfix.git("add", "app/main.py")
    hotfix.git("commit", "-q", "--no-edit")
    broken = hotfix.git("rev-parse", "develop")
    refused = invoke("finish", "--continue")
    assert refused.exit_code == 1
    first = next(line for line in refused.stderr.splitlines() if line.startswith("finish "))
    assert first.startswith(
        "finish stopped at step 3 of 5, backport:develop: the merge into develop resolved by hand "
        f"({broken[:12]}) fails its tests: `{compile_main}` (command 1 of 1) failed with exit "
        "code 1 on "
    )
    assert first.endswith("; fix the resolution (edit, git add, git commit --amend on develop)")
    assert git(remote, "rev-parse", "develop") == hotfix.git("rev-parse", "origin/develop")
    assert git(remote, "tag", "-l", "v1.2.4") == ""  # nothing pushed
    hotfix.write("app/main.py", FIXED)
    hotfix.git("commit", "-q", "-a", "--amend", "--no-edit")
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output + resumed.stderr
    assert git(remote, "show", "develop:app/main.py") + "\n" == FIXED


def test_merges_git_made_alone_are_not_tested_again(hotfix: Repo, remote: Path) -> None:
    marker = hotfix.path.parent / "runs.txt"
    command = f"echo run >> {shlex.quote(str(marker))}"
    hotfix.commit("Count test runs", {".hotfix-guard.toml": f"test-commands = [{command!r}]\n"})
    hotfix.git("push", "-q", "origin", BRANCH)
    result = invoke("finish", "--push")
    assert result.exit_code == 0, result.output + result.stderr
    assert marker.read_text() == "run\n"  # the hotfix's tip at step 1; the merges were git's own


def test_finish_refuses_to_push_a_commit_made_on_main_while_it_was_stopped(
    hotfix: Repo, remote: Path
) -> None:
    hotfix.switch("develop")
    hotfix.commit("Develop rewrites main", {"app/main.py": "def main():\n    return 2\n"})
    hotfix.git("push", "-q", "origin", "develop")
    hotfix.switch(BRANCH)
    assert invoke("finish", "--push").exit_code == 1  # stopped in develop
    hotfix.write("app/main.py", FIXED)
    hotfix.git("commit", "-q", "-a", "--no-edit")
    merged = hotfix.git("rev-parse", "main")
    hotfix.switch("main")
    extra = hotfix.commit("Sneaked in", {"app/extra.py": "X = 1\n"})
    refused = invoke("finish", "--continue")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        f"finish stopped at step 4 of 5, push: main has 1 commit(s) after finish's merge "
        f"{merged[:12]} ({extra[:10]} Sneaked in): finish pushes only its own merge; keep them on "
        f"a branch and put main back (git branch main-unpushed-{extra[:8]} main && git switch "
        f"main && git reset --keep {merged[:12]})"
    )
    assert git(remote, "tag", "-l", "v1.2.4") == ""
    hotfix.git("branch", f"main-unpushed-{extra[:8]}", "main")
    hotfix.git("reset", "-q", "--keep", merged[:12])
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output + resumed.stderr
    assert git(remote, "rev-parse", "main") == merged
