"""start --mitigation rollback: revert main back to the last known good release, stop on a
conflict with --continue and --abort, check the tree, and finish as a patch release."""

from __future__ import annotations

import os
import stat

from click.testing import CliRunner, Result

from hotfix_guard.cli import cli
from tests.support.repos import Repo

# A teammate's post-commit hook that meddles with app/a.py after the first revert: the revert
# of "Add A" then meets a file it did not expect (a real conflict, made by real git).
MEDDLE = """#!/bin/sh
case "$(git log -1 --format=%s)" in
'Revert "Change A"') printf 'A = 3\\n' > app/a.py && git commit -qam Meddle ;;
esac
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def releases(repo: Repo) -> dict[str, str]:
    """v1.2.2, then a commit, a merged feature and another commit, released as v1.2.3."""
    repo.tag("v1.2.2", "Release 1.2.2")
    shas = {"A": repo.commit("Add A", {"app/a.py": "A = 1\n"})}
    repo.branch("feature")
    repo.commit("Add B", {"app/b.py": "B = 1\n"})
    repo.switch("main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'feature'", "feature")
    shas["merge"] = repo.head()
    shas["C"] = repo.commit("Change A", {"app/a.py": "A = 2\n"})
    repo.tag("v1.2.3", "Release 1.2.3")
    return shas


def rollback() -> Result:
    return invoke(
        "start", "Checkout fails", "--severity", "P1", "--mitigation", "rollback",
        "--detected", "2026-11-28T20:50:00Z",
    )  # fmt: skip


def test_a_clean_rollback_reverts_newest_first_and_checks_the_tree(repo: Repo) -> None:
    shas = releases(repo)
    result = rollback()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == f"Started hotfix/rollback-to-v1.2.2 from main at {shas['C'][:12]}."
    assert lines[5].startswith("Assess: newest release v1.2.3 (")
    assert lines[5].endswith("; 4 commit(s) on main since v1.2.2, 0 revert(s), 0 hotfix(es): "
                             "hotfix-guard assess")  # fmt: skip
    assert lines[6:] == [
        "Rolling back to v1.2.2: reverting 3 commit(s) of main after it, newest first.",
        f"  reverted {shas['C'][:12]} Change A",
        f"  reverted {shas['merge'][:12]} Merge branch 'feature', a merge: -m 1",
        f"  reverted {shas['A'][:12]} Add A",
        "Tree check: the 2 path(s) the reverted commits touched are as v1.2.2 has them.",
        "Next: hotfix-guard finish --push (tags the next patch release)",
    ]
    assert repo.git("log", "--format=%s", "main..").splitlines() == [
        'Revert "Add A"',
        "Revert \"Merge branch 'feature'\"",
        'Revert "Change A"',
        "Start hotfix: roll back to v1.2.2: Checkout fails",
    ]
    assert repo.git("log", "-1", "--format=%(trailers:key=Mitigation,valueonly)") == "rollback"
    assert repo.git("diff", "v1.2.2", "HEAD") == ""
    # The reverts are exact inverses of main's commits: no size or noise rule stands in the way.
    finished = invoke("finish", "--no-backport")
    assert finished.exit_code == 0, finished.output
    assert repo.git("tag", "-l", "--format=%(contents:subject)", "v1.2.4") == (
        "Hotfix: roll back to v1.2.2: Checkout fails"
    )


def test_good_names_the_release_and_bad_names_are_one_line(repo: Repo) -> None:
    shas = releases(repo)
    repo.commit("Change A again", {"app/a.py": "A = 4\n"})
    repo.tag("v1.2.4", "Hotfix: Change A again")
    named = invoke("start", "Checkout fails", "--severity", "P1", "--mitigation", "rollback",
                   "--good", "v1.2.3")  # fmt: skip
    assert named.exit_code == 0, named.output
    assert f"  reverted {shas['C'][:12]} Change A" not in named.output
    assert repo.git("diff", "v1.2.3", "HEAD") == ""
    repo.switch("main")
    unknown = invoke("start", "Again", "--severity", "P1", "--mitigation", "rollback",
                     "--good", "v9.9.9")  # fmt: skip
    assert (unknown.exit_code, unknown.stderr.splitlines()[-1] + "\n") == (
        2,
        "hotfix-guard: --good v9.9.9: not a release tag on main (the newest: v1.2.4, v1.2.3, "
        "v1.2.2)\n",
    )
    not_rollback = invoke("start", "Again", "--severity", "P1", "--good", "v1.2.3")
    assert not_rollback.stderr == (
        "hotfix-guard: --good names the release a rollback goes back to: add --mitigation "
        "rollback\n"
    )


def test_a_conflict_stops_then_abort_and_continue(repo: Repo) -> None:
    shas = releases(repo)
    hook = repo.path / ".git" / "hooks" / "post-commit"
    hook.write_text(MEDDLE)
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    main_before = repo.git("rev-parse", "main")
    stopped = rollback()
    assert stopped.exit_code == 1
    assert stopped.stderr == (
        f"start stopped at revert 3 of 3, {shas['A'][:12]}: conflicts in app/a.py\n"
        "  Resolve the conflicts and `git add` the files (do not commit: start commits the revert "
        "with the incident's trailers),\n"
        "  then: hotfix-guard start --continue\n"
        "  or delete the branch and go back to where you were: hotfix-guard start --abort\n"
    )
    again = invoke("start", "Other", "--severity", "P2")
    assert again.stderr == (
        "hotfix-guard: a rollback start began in this work tree is stopped: hotfix-guard start "
        "--continue, or hotfix-guard start --abort\n"
    )
    aborted = invoke("start", "--abort")
    assert (aborted.exit_code, aborted.output) == (
        0, "start aborted: hotfix/rollback-to-v1.2.2 deleted, HEAD back where it was\n"
    )  # fmt: skip
    assert repo.git("branch", "--list", "hotfix/*") == ""
    assert repo.git("symbolic-ref", "--short", "HEAD") == "main"
    assert repo.git("rev-parse", "main") == main_before
    assert repo.git("status", "--porcelain", "-uno") == ""
    assert not os.path.exists(repo.path / ".git" / "REVERT_HEAD")

    assert rollback().exit_code == 1
    assert invoke("start", "--continue").stderr == (
        "hotfix-guard: start --continue: unresolved conflicts in app/a.py: resolve them and "
        "`git add` the files first\n"
    )
    repo.git("rm", "-q", "app/a.py")  # as v1.2.2 has it: no app/a.py
    resumed = invoke("start", "--continue")
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output == (
        f"  reverted {shas['A'][:12]} Add A\n"
        "Tree check: the 2 path(s) the reverted commits touched are as v1.2.2 has them.\n"
    )
    assert repo.git("log", "-1", "--format=%B") == (
        f'Revert "Add A"\n\nThis reverts commit {shas["A"]}.\n\nSeverity: P1\n'
        "Detected: 2026-11-28T20:50:00Z\nMitigation: rollback"
    )
    hook.unlink()
    finished = invoke("finish", "--no-backport")
    assert finished.exit_code == 0, finished.output
    assert repo.git("tag", "-l", "--format=%(contents:subject)", "v1.2.4") == (
        "Hotfix: roll back to v1.2.2: Checkout fails"
    )


def test_a_resolution_unlike_the_good_release_fails_the_tree_check(repo: Repo) -> None:
    releases(repo)
    hook = repo.path / ".git" / "hooks" / "post-commit"
    hook.write_text(MEDDLE)
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    assert rollback().exit_code == 1
    repo.write("app/a.py", "A = 3\n")
    repo.git("add", "app/a.py")
    resumed = invoke("start", "--continue")
    assert resumed.exit_code == 1
    assert resumed.stderr == (
        "tree check failed: 1 of the 2 path(s) the reverted commits touched differ from v1.2.2: "
        "app/a.py; make them as v1.2.2 has them (git checkout v1.2.2 -- <path>) and commit, or "
        "start over: git switch - && git branch -D hotfix/rollback-to-v1.2.2\n"
    )


def test_service_and_impact_are_one_bounded_line(repo: Repo) -> None:
    forged = invoke("start", "Fix it", "--severity", "P1", "--impact", "slow\nSeverity: P3")
    assert (forged.exit_code, forged.stderr) == (
        2,
        "hotfix-guard: --impact 'slow\\nSeverity: P3' is not one line of printable characters: "
        "a line break or control character in it could write a trailer of its own; give one "
        "line\n",
    )
    long = invoke("start", "Fix it", "--severity", "P1", "--service", "x" * 201)
    assert (long.exit_code, long.stderr) == (
        2,
        "hotfix-guard: --service is 201 characters long (at most 200): shorten it (link the "
        "details instead)\n",
    )
    assert repo.git("branch", "--list", "hotfix/*") == ""


def test_a_rollback_over_the_size_limits_is_exempt(repo: Repo) -> None:
    repo.tag("v1.2.2", "Release 1.2.2")
    repo.commit("A big feature", {f"app/feature_{n}.py": f"VALUE = {n}\n" for n in range(25)})
    repo.tag("v1.2.3", "Release 1.2.3")
    assert rollback().exit_code == 0
    checked = invoke("check", "--rule", "diff-size")
    assert checked.exit_code == 0, checked.output
    assert "diff-size: not counted: 25 files and 25 code lines that " in checked.output
    assert "reverting commits already on main" in checked.output
    assert invoke("finish", "--no-backport").exit_code == 0
