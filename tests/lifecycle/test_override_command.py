"""`hotfix-guard override RULE[,RULE] --reason TEXT`: the override recorded as a commit on the
hotfix branch, honoured by check and finish, listed by `overrides`; bad input: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotfix_guard.overrides.trailers import overridable_rules
from tests.support.lifecycle import hotfix, invoke, released
from tests.support.repos import Repo, code_files, git

__all__ = ["hotfix", "released"]  # fixtures

BRANCH = "hotfix/fix-login-timeout"
REASON = "the generated API client is regenerated as one unit"
HINT = (
    "To fix: if diff-size must not hold for this hotfix, record why on the branch: "
    "hotfix-guard override diff-size --reason '<why, 10 characters or more>'"
)


@pytest.fixture
def oversized(hotfix: Repo) -> Repo:
    """The started hotfix with 25 more files: diff-size fails, and says how to override it."""
    hotfix.commit("Regenerate the client", code_files(25, prefix="client/gen"), verify=False)
    checked = invoke("check")
    assert checked.exit_code == 1
    assert checked.output.splitlines()[-1] == HINT
    return hotfix


def test_override_records_a_commit_that_check_and_finish_honour(
    oversized: Repo, remote: Path
) -> None:
    tip = oversized.head()
    oversized.write("app/main.py", "def main():\n    return 7\n")  # unstaged, kept as it is
    oversized.write("notes.txt", "staged\n")
    oversized.git("add", "notes.txt")
    status = oversized.git("status", "--porcelain")
    result = invoke("override", "diff-size", "--reason", f"  {REASON}  ")
    assert result.exit_code == 0, result.output
    commit = oversized.head()
    assert result.output == (
        f"Recorded on {BRANCH} as commit {commit[:12]}: Hotfix-Guard-Override: diff-size: "
        f"{REASON}\n"
        "check, the commit and push hooks, finish, ci and the server honour it; "
        "hotfix-guard overrides lists it.\n"
        f"Next: git push origin {BRANCH} (or hotfix-guard finish --push)\n"
    )
    assert oversized.git("rev-parse", "HEAD~1") == tip
    assert oversized.git("rev-parse", "HEAD^{tree}") == oversized.git(
        "rev-parse", f"{tip}^{{tree}}"
    )
    assert oversized.git("log", "-1", "--format=%B") == (
        "Override diff-size\n\nSeverity: P1\nIncident: INC-42\nDetected: 2026-11-28T22:10:00Z\n"
        "Mitigation: hotfix\n"
        f"Hotfix-Guard-Override: diff-size: {REASON}"
    )
    assert oversized.git("status", "--porcelain") == status  # index and work tree untouched
    oversized.git("stash", "-q")
    checked = invoke("check")
    assert checked.exit_code == 0, checked.output
    assert f"[overridden: {REASON} (commit {commit[:12]})]" in checked.output
    listed = invoke("overrides")
    assert f"  commit {commit[:12]}  Test Author <author@example.invalid>  diff-size: {REASON}" in (
        listed.output
    )
    finished = invoke("finish", "--push")
    assert finished.exit_code == 0, finished.output + finished.stderr
    assert git(remote, "tag", "-l", "v1.2.4") == "v1.2.4"


def test_override_of_several_rules_and_without_a_remote(oversized: Repo) -> None:
    oversized.git("remote", "remove", "origin")
    result = invoke("override", "diff-size, rename,diff-size", "--reason", REASON)
    assert result.exit_code == 0, result.output
    assert oversized.git("log", "-1", "--format=%(trailers:key=Hotfix-Guard-Override)") == (
        f"Hotfix-Guard-Override: diff-size, rename: {REASON}"
    )
    assert result.output.endswith("Next: hotfix-guard finish (or hotfix-guard finish --push)\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("diff-sise", "--reason", REASON),
            f"'diff-sise: {REASON}' names an unknown rule 'diff-sise'; rules that can be "
            f"overridden: {', '.join(overridable_rules())}",
        ),
        (
            ("override", "--reason", REASON),
            f"'override: {REASON}' names an unknown rule 'override'; rules that can be "
            f"overridden: {', '.join(overridable_rules())}",
        ),
        (
            ("diff-size,", "--reason", REASON),
            "RULE 'diff-size,': name the rules to override, separated by commas "
            "(e.g. diff-size,rename)",
        ),
        (("diff-size", "--reason", " \t "), "--reason is empty: give a value"),
        (
            ("diff-size", "--reason", "too short"),
            "'diff-size: too short' gives too short a reason (9 visible characters, at least "
            "10): say "
            "why the rule must not hold for this hotfix",
        ),
        (
            ("diff-size", "--reason", "generated\nSeverity: P3"),
            "--reason 'generated\\nSeverity: P3' is not one line of printable characters: a line "
            "break or control character in it could write a trailer of its own; give one line",
        ),
        (
            ("diff-size", "--reason", "\u200b" * 12),
            f"--reason {chr(0x200B) * 12!r} is not one line of printable characters: a line "
            "break or control character in it could write a trailer of its own; give one line",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    oversized: Repo, args: tuple[str, ...], message: str
) -> None:
    tip = oversized.head()
    result = invoke("override", *args)
    assert result.exit_code == 2
    assert result.stderr == f"hotfix-guard: {message}\n"
    assert oversized.head() == tip


def test_override_refuses_off_a_hotfix_branch_and_during_a_merge(oversized: Repo) -> None:
    oversized.switch("main")
    on_main = invoke("override", "diff-size", "--reason", REASON)
    assert on_main.exit_code == 2
    assert on_main.stderr == (
        "hotfix-guard: on main, not a hotfix branch: an override is recorded on the hotfix "
        "branch it is for (git switch hotfix/<name>)\n"
    )
    oversized.git("switch", "-q", "--detach", BRANCH)
    detached = invoke("override", "diff-size", "--reason", REASON)
    assert detached.stderr.startswith("hotfix-guard: HEAD is detached: an override is recorded")
    oversized.switch(BRANCH)
    oversized.git("merge", "-q", "--no-commit", "--no-ff", "develop")
    tip = oversized.head()
    merging = invoke("override", "diff-size", "--reason", REASON)
    assert merging.exit_code == 2
    assert merging.stderr == (
        "hotfix-guard: a merge is in progress: finish it (or abort it) first, then record the "
        "override\n"
    )
    assert oversized.head() == tip
