"""Overrides: the trailer's grammar, its errors, the commit-msg stage through real pre-commit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.report.findings import Finding
from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo, code_files

OVERRIDABLE = ", ".join(overrides.overridable_rules())


def test_a_valid_override_names_its_rules_and_reason() -> None:
    parsed = overrides.parse(" diff-size, rename : generated client ships as one ", "push", "push")
    assert parsed == overrides.Override(
        ("diff-size", "rename"), "generated client ships as one", "push", "push"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("diff-size", "'diff-size' is not `<rule>[, <rule>]: <reason>` (write Hotfix-Guard-"
         "Override: <rule>[, <rule>]: <reason>)"),
        ("diff-size:", "'diff-size:' gives no reason: say why the rule must not hold for this "
         "hotfix"),
        ("diff-size: urgent", "'diff-size: urgent' gives too short a reason (6 visible "
         "characters, at least 10): say why the rule must not hold for this hotfix"),
        ("diff-size: " + "\u200b" * 10, f"{'diff-size: ' + chr(0x200B) * 10!r} gives no reason: "
         "say why the rule must not hold for this hotfix"),
        ("diff-size: a" + "\u0301" * 12, f"{'diff-size: a' + chr(0x301) * 12!r} gives too short "
         "a reason (1 visible characters, at least 10): say why the rule must not hold for this "
         "hotfix"),
        ("diff-sise, renames: a long enough reason", "'diff-sise, renames: a long enough reason' "
         "names unknown rules 'diff-sise', 'renames'; rules that can be overridden: "
         f"{OVERRIDABLE}"),
        ("override: a long enough reason", "'override: a long enough reason' names an unknown "
         f"rule 'override'; rules that can be overridden: {OVERRIDABLE}"),
        (", diff-size: a long enough reason", "', diff-size: a long enough reason' is not "
         "`<rule>[, <rule>]: <reason>` (write Hotfix-Guard-Override: <rule>[, <rule>]: <reason>)"),
    ],
)  # fmt: skip
def test_what_cannot_be_honoured_is_an_override_error(value: str, problem: str) -> None:
    assert overrides.parse(value, "commit", "0123456789abcdef") == Finding(
        problem, ref="0123456789ab", rule="override"
    )


def test_check_lets_an_overridden_error_through_and_says_so(repo: Repo) -> None:
    repo.branch("hotfix/big")
    repo.commit(
        "Fix\n\nHotfix-Guard-Override: rename: a typo in the first commit\nSeverity: P1",
        code_files(25),
    )
    repo.commit("More\n\nHotfix-Guard-Override: diff-size: generated client ships as one")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("hotfix/big: diff-size: 25 changed files (limit 20)")
    assert lines[0].endswith(
        f"[overridden: generated client ships as one (commit {repo.head()[:12]})]"
    )
    assert lines[1].startswith("hotfix-guard passed: 0 errors, 0 warnings, 1 overridden (")


def test_a_bad_override_fails_the_check_with_its_hint(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("Fix\n\nHotfix-Guard-Override: diff-size: soon", {"app/main.py": "x = 1\n"})
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{repo.head()[:12]}: override: 'diff-size: soon' gives too short a reason (4 visible "
        "characters, at least 10): say why the rule must not hold for this hotfix"
    )
    assert any(
        line.startswith("To fix: override: amend the commit's trailer")
        for line in result.output.splitlines()
    )


def test_the_commit_msg_stage_honours_the_message_being_written(
    repo: Repo, precommit: PreCommit
) -> None:
    precommit.install(
        repo, hooks=("hotfix-guard", "hotfix-guard-commit-msg"),
        hook_types=("pre-commit", "commit-msg"),
    )  # fmt: skip
    repo.branch("hotfix/big")
    for relative, content in code_files(25).items():
        repo.write(relative, content)
    repo.git("add", "-A")
    blocked = git_result(repo, "commit", "-m", "Fix login")
    assert blocked.returncode == 1
    assert "hotfix/big: diff-size: 25 changed files (limit 20)" in output(blocked)
    message = "Fix login\n\nHotfix-Guard-Override: diff-size: generated client ships as one"
    passed = git_result(repo, "commit", "-m", message)
    assert passed.returncode == 0, output(passed)
    assert repo.git("log", "-1", "--format=%s") == "Fix login"


def test_overrides_lists_history_newest_first_with_invalid_ones_marked(repo: Repo) -> None:
    repo.branch("hotfix/big")
    first = repo.commit("Fix\n\nHotfix-Guard-Override: rename, whitespace: the vendored file moved")
    repo.switch("main")
    repo.branch("hotfix/other")
    second = repo.commit("Fix\n\nHotfix-Guard-Override: diff-sise: x")
    result = CliRunner().invoke(cli, ["overrides"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sorted(lines[:2]) == sorted(
        [
            f"{line_date(repo, first)}  commit {first[:12]}  Test Author <author@example.invalid>  "
            "rename, whitespace: the vendored file moved",
            f"{line_date(repo, second)}  commit {second[:12]}  Test Author "
            "<author@example.invalid>  diff-sise: x  (not honoured: invalid)",
        ]
    )
    assert lines[2] == "2 overrides: 2 in commits, 0 recorded by the server"
    later = CliRunner().invoke(cli, ["overrides", "--since", "2999-01-01"])
    assert later.output == "0 overrides: 0 in commits, 0 recorded by the server\n"


def line_date(repo: Repo, commit: str) -> str:
    from datetime import datetime, timezone

    authored = int(repo.git("log", "-1", "--format=%at", commit))
    return datetime.fromtimestamp(authored, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("when", ["yesterday", "2026-13-01", "5y"])
def test_since_must_be_a_date_or_a_duration(repo: Repo, when: str) -> None:
    result = CliRunner().invoke(cli, ["overrides", "--since", when])
    assert result.exit_code == 2
    assert result.output == (
        f"hotfix-guard: --since {when!r} is not a date: use YYYY-MM-DD, an ISO 8601 time, or "
        "12h, 30d, 2w\n"
    )


def test_overrides_prints_terminal_escapes_as_escapes(repo: Repo) -> None:
    """A trailer carrying CSI and OSC sequences: shown as text, never acted on by the terminal."""
    repo.branch("hotfix/big")
    hostile = "diff-size: \x1b[2J\x1b]0;owned\x07 the generated client ships as one"
    repo.commit(f"Fix\n\nHotfix-Guard-Override: {hostile}")
    result = CliRunner().invoke(cli, ["overrides"])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "diff-size: \\x1b[2J\\x1b]0;owned\\x07 the generated client ships as one" in (
        result.output
    )
