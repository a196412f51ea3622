"""One invocation model: how git and pre-commit call us, parsed and validated in one place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotfix_guard.catalog import RULE_NAMES
from hotfix_guard.engine.fastpath import nothing_to_check
from hotfix_guard.engine.invocation import (
    Invocation,
    PlainCommand,
    PushedRef,
    from_hook,
    parse_push_lines,
    plain_command,
)
from hotfix_guard.errors import UsageError
from tests.support.repos import Repo

SCRIPT = str(Path(sys.executable).with_name("hotfix-guard"))
SHA_1 = "a" * 40
SHA_256 = "b" * 64
ZERO_1 = "0" * 40
ZERO_256 = "0" * 64


def no_stdin() -> str:
    raise AssertionError("stdin must not be read here")


# --- pre-push stdin --------------------------------------------------------------------------


def test_push_lines_split_from_the_right_so_the_local_side_keeps_its_spaces() -> None:
    """`git push origin ':/fix login:refs/heads/hotfix/x'` names the local side by a search."""
    text = f":/fix login {SHA_1} refs/heads/hotfix/x {ZERO_1}\n\n"
    assert parse_push_lines(text) == (
        PushedRef(":/fix login", SHA_1, "refs/heads/hotfix/x", ZERO_1),
    )


def test_push_lines_of_a_sha256_repository_and_its_zero_id() -> None:
    deletion, new = parse_push_lines(
        f"(delete) {ZERO_256} refs/heads/gone {SHA_256}\n"
        f"refs/heads/hotfix/x {SHA_256} refs/heads/hotfix/x {ZERO_256}\n"
    )
    assert deletion.is_deletion and not deletion.is_new
    assert new.is_new and not new.is_deletion and new.branch == "hotfix/x"


@pytest.mark.parametrize(
    "line",
    [
        f"refs/heads/x {SHA_1} refs/heads/x",  # three fields
        f"refs/heads/x {SHA_1[:39]} refs/heads/x {ZERO_1}",  # a short id
        f"refs/heads/x {SHA_1.upper()} refs/heads/x {ZERO_1}",  # git writes lowercase
        f"refs/heads/x {SHA_1} refs/heads/x {'g' * 40}",  # not hex
        f" {SHA_1} refs/heads/x {ZERO_1}",  # no local ref
    ],
)
def test_a_malformed_push_line_is_a_usage_error_naming_it(line: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_push_lines(f"refs/heads/ok {SHA_1} refs/heads/ok {ZERO_1}\n{line}\n")
    assert str(raised.value) == (
        "pre-push input line 2 is not `<local ref> <local sha> <remote ref> <remote sha>`: "
        f"{line!r}"
    )


def test_a_pushed_ref_keeps_both_names() -> None:
    (ref,) = parse_push_lines(f"refs/heads/feature/x {SHA_1} refs/heads/hotfix/x {ZERO_1}\n")
    assert (ref.local_ref, ref.remote_ref) == ("refs/heads/feature/x", "refs/heads/hotfix/x")
    (tag,) = parse_push_lines(f"refs/tags/v1.2.4 {SHA_1} refs/tags/v1.2.4 {ZERO_1}\n")
    assert (tag.tag, tag.branch) == ("v1.2.4", None)


# --- stages and their variables ----------------------------------------------------------------


def test_git_pre_push_reads_its_arguments_and_stdin() -> None:
    line = f"refs/heads/hotfix/x {SHA_1} refs/heads/hotfix/x {ZERO_1}\n"
    call = from_hook("pre-push", ["origin", "/srv/app.git"], {}, lambda: line)
    assert call == Invocation(
        "pre-push",
        stage_given=True,
        hook_args=("origin", "/srv/app.git"),
        pushed=parse_push_lines(line),
        remote_name="origin",
        remote_url="/srv/app.git",
    )
    assert call.is_push


def test_pre_commit_pre_push_is_told_by_its_variables() -> None:
    environ = {
        "PRE_COMMIT": "1",
        "PRE_COMMIT_FROM_REF": ZERO_1,
        "PRE_COMMIT_TO_REF": SHA_1,
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature/x",
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/hotfix/x",
        "PRE_COMMIT_REMOTE_NAME": "origin",
        "PRE_COMMIT_REMOTE_URL": "/srv/app.git",
    }
    call = from_hook("auto", [], environ, no_stdin)
    assert (call.stage, call.pre_commit, call.is_push) == ("pre-push", True, True)
    assert (call.local_branch, call.remote_branch) == (
        "refs/heads/feature/x",
        "refs/heads/hotfix/x",
    )
    resolved = call.pushed_refs(lambda rev, is_tag: rev if rev == SHA_1 else None, lambda: None)
    assert resolved == [PushedRef("refs/heads/feature/x", SHA_1, "refs/heads/hotfix/x", ZERO_1)]


def test_a_manual_run_over_a_range_is_checked_like_a_push_of_head() -> None:
    call = from_hook(
        "auto", [], {"PRE_COMMIT_FROM_REF": "HEAD~2", "PRE_COMMIT_TO_REF": "HEAD"}, no_stdin
    )
    assert (call.stage, call.is_push) == ("manual", True)
    refs = call.pushed_refs(lambda rev, is_tag: SHA_1, lambda: "refs/heads/hotfix/x")
    assert refs == [PushedRef("refs/heads/hotfix/x", SHA_1, "refs/heads/hotfix/x", "HEAD~2")]
    with pytest.raises(UsageError, match=r"^cannot resolve the pushed commit 'HEAD'$"):
        call.pushed_refs(lambda rev, is_tag: None, lambda: None)


def test_post_merge_squash_flag_from_git_or_pre_commit_and_the_merged_branch() -> None:
    git_call = from_hook(
        "post-merge", ["1"], {"GIT_REFLOG_ACTION": "merge hotfix/fix-login"}, no_stdin
    )
    assert (git_call.stage, git_call.squash, git_call.merged_branch) == (
        "post-merge",
        True,
        "hotfix/fix-login",
    )
    pre_commit = from_hook("auto", [], {"PRE_COMMIT_IS_SQUASH_MERGE": "0"}, no_stdin)
    assert (pre_commit.stage, pre_commit.squash, pre_commit.merged_branch) == (
        "post-merge",
        False,
        None,
    )


def test_message_hooks_carry_the_file_source_and_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where no .git/COMMIT_EDITMSG exists
    git_call = from_hook(
        "prepare-commit-msg", [".git/COMMIT_EDITMSG", "commit", SHA_1], {}, no_stdin
    )
    assert (git_call.message_file, git_call.message_source, git_call.commit_object) == (
        ".git/COMMIT_EDITMSG",
        "commit",
        SHA_1,
    )
    environ = {"PRE_COMMIT_COMMIT_MSG_SOURCE": "message", "PRE_COMMIT_COMMIT_OBJECT_NAME": SHA_1}
    pre_commit = from_hook("auto", [".git/COMMIT_EDITMSG"], environ, no_stdin)
    assert (pre_commit.stage, pre_commit.message_file, pre_commit.message_source) == (
        "prepare-commit-msg",
        ".git/COMMIT_EDITMSG",
        "message",
    )
    commit_msg = from_hook("commit-msg", [".git/COMMIT_EDITMSG"], {}, no_stdin)
    assert (commit_msg.message_file, commit_msg.message_source) == (".git/COMMIT_EDITMSG", None)
    with pytest.raises(UsageError, match=r"^cannot read the commit message file '.git/COMMIT_ED"):
        commit_msg.message()  # no such file here


def test_nothing_told_is_the_commit_stage_and_an_unknown_stage_is_refused() -> None:
    call = from_hook("auto", [], {"PRE_COMMIT": "1"}, no_stdin)
    assert (call.stage, call.pre_commit, call.is_push) == ("pre-commit", True, False)
    with pytest.raises(UsageError, match=r"^unknown stage 'pre-rebase': expected one of "):
        from_hook("pre-rebase", [], {}, no_stdin)


# --- the command line the click-free path reads -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["hook"], PlainCommand("hook")),
        (
            ["hook", "--stage", "pre-push", "origin", "url", "--rule=diff-size"],
            PlainCommand("hook", ("diff-size",), "pre-push", None, ("origin", "url")),
        ),
        (
            ["check", "--no-staged", "--rule", "rename"],
            PlainCommand("check", ("rename",), staged=False),
        ),
        (
            ["check", "--head=hotfix/x", "--base", "v1.2.3", "--format", "json"],
            PlainCommand("check", head="hotfix/x", base="v1.2.3", output_format="json"),
        ),
        # click's to parse (and explain):
        (["check", "--format", "xml"], None),
        (["check", "--head", "--rule", "rename"], None),
        (["check", "--head="], None),
        (["check", "--rule=nope"], None),
        (["check", "extra"], None),
        (["check", "--rule", "nope"], None),
        (["check", "--rule"], None),
        (["hook", "--stage", "prepare-commit-msg"], None),
        (["hook", "-h"], None),
        (["hook", "--", "x"], None),
        (["status"], None),
        ([], None),
    ],
)
def test_plain_command(args: list[str], expected: PlainCommand | None) -> None:
    assert plain_command(args, RULE_NAMES) == expected


# --- through the console script and the fast path ----------------------------------------------


def run_hook(repo: Repo, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, "hook", "--stage", "pre-push", "origin", "url", *args],
        cwd=repo.path,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_malformed_pre_push_input_exits_2_with_one_line(repo: Repo) -> None:
    result = run_hook(repo, "refs/heads/main HEAD refs/heads/main 0\n")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "hotfix-guard: pre-push input line 1 is not `<local ref> <local sha> <remote ref> "
        "<remote sha>`: 'refs/heads/main HEAD refs/heads/main 0'\n",
    )


def test_a_git_push_of_a_feature_branch_takes_the_full_path_and_passes_silently(
    repo: Repo,
) -> None:
    """The fast path reads the work tree's config; a push is judged by committed ones only."""
    repo.branch("feature/report")
    repo.commit("report", {"app/report.py": "x = 1\n"})
    line = f"refs/heads/feature/report {repo.head()} refs/heads/feature/report {ZERO_1}\n"
    assert nothing_to_check(["hook", "--stage", "pre-push"], {}, line) is False
    result = run_hook(repo, line)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_feature_branch_pushed_to_a_hotfix_name_is_not_waved_through(repo: Repo) -> None:
    repo.branch("feature/x")
    line = f"refs/heads/feature/x {repo.head()} refs/heads/hotfix/x {ZERO_1}\n"
    assert nothing_to_check(["hook", "--stage", "pre-push"], {}, line) is False
    environ = {
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature/x",
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/hotfix/x",
        "PRE_COMMIT_TO_REF": repo.head(),
    }
    assert nothing_to_check(["hook"], environ) is False


def test_a_check_reuses_the_fast_paths_answers(repo: Repo, tmp_path: Path) -> None:
    """One rev-parse tells the work tree, git dir, HEAD's branch and commit: none is asked again."""
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    trace = tmp_path / "trace"
    result = subprocess.run(
        [SCRIPT, "check"],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_TRACE": str(trace)},
    )
    assert result.returncode == 0, result.stderr
    commands = [
        line.split("trace: built-in: git ", 1)[1]
        for line in trace.read_text().splitlines()
        if "trace: built-in: git " in line
    ]
    assert commands[0] == (
        "rev-parse --show-toplevel --absolute-git-dir --is-shallow-repository HEAD "
        "--symbolic-full-name HEAD"
    )
    asked_again = [c for c in commands[1:] if c.startswith(("rev-parse", "symbolic-ref"))]
    assert asked_again == []


def test_commit_msg_off_a_hotfix_branch_is_the_fast_answer_and_on_one_reads_the_message(
    repo: Repo, tmp_path: Path
) -> None:
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("Fix login\n")
    repo.branch("feature/report")
    assert nothing_to_check(["hook", "--stage", "commit-msg", str(message)], {}) is True
    repo.branch("hotfix/fix-login")
    assert nothing_to_check(["hook", "--stage", "commit-msg", str(message)], {}) is False
    result = subprocess.run(
        [SCRIPT, "hook", "--stage", "commit-msg", str(tmp_path / "missing")],
        cwd=repo.path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (
        2,
        f"hotfix-guard: cannot read the commit message file {str(tmp_path / 'missing')!r}: "
        "No such file or directory\n",
    )


def test_check_and_hook_options_are_declared_once() -> None:
    """click's `check` and `hook` take exactly the options plain_command reads, from one list."""
    import click

    from hotfix_guard.commands.checks import check, hook
    from hotfix_guard.engine.invocation import CHECK_OPTIONS, HOOK_OPTIONS

    for command, specs in ((check, CHECK_OPTIONS), (hook, HOOK_OPTIONS)):
        options = [param for param in command.params if isinstance(param, click.Option)]
        assert [(o.name, (*o.opts, *o.secondary_opts)) for o in options] == [
            (spec.name, spec.flags) for spec in specs
        ]
