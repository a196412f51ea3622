"""Odd repositories, odd settings, odd inputs: every command answers with the right exit status and
never a traceback, and leaves the repository as it was.

Each shape is a real repository a user could have; each command is run on it the way a user or a
hook would. The expected exit status is written per shape and command: 0 passed, 1 findings,
2 a problem the user must fix (one line on stderr).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.repos import Repo, git, make_repo

COMMANDS = {
    "check": ["check"],
    "pre-commit": ["hook", "--stage", "pre-commit"],
    "run-tests": ["run-tests"],
    "pre-push": ["hook", "--stage", "pre-push", "origin", "url"],
    "backport-status": ["backport-status"],
    "backport-reminder": ["backport-reminder", "--stage", "post-commit"],
}
FIX = {"app/main.py": "def main():\n    return 1\n"}


@dataclass
class Shape:
    """A repository to run the commands in, and the exit status each must end with."""

    cwd: Path
    repo: Path
    expected: dict[str, int] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    branch: str = "hotfix/fix-login"

    def code(self, command: str) -> int:
        return self.expected.get(command, 0)


def base(path: Path, *init: str) -> Repo:
    """main with a config, develop, and hotfix/fix-login with a one-line fix checked out."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main", *init)
    repo = Repo(path)
    repo.commit(
        "initial",
        {
            "app/main.py": "def main():\n    return 0\n",
            "README": "demo\n",
            ".hotfix-guard.toml": 'test-commands = ["test -f app/main.py"]\n',
        },
    )
    repo.git("branch", "develop")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", FIX)
    return repo


def plain(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    return Shape(repo.path, repo.path)


def odd_paths(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.commit(
        "odd names",
        {"dir with space/a b.py": "x = 1\n", "new\nline.py": "y = 2\n", b"caf\xe9.py": "z = 3\n"},
    )
    return Shape(repo.path, repo.path)


def binary_file(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.commit("logo", {"app/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\xff" * 50})
    return Shape(repo.path, repo.path)


def submodule(tmp: Path) -> Shape:
    library = make_repo(tmp / "library")
    library.commit("lib", {"lib.py": "L = 1\n"})
    repo = base(tmp / "repo")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library.path), "lib")
    repo.git("commit", "-q", "-m", "add a submodule")
    return Shape(repo.path, repo.path)


def symlink(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    (repo.path / "app" / "link.py").symlink_to("main.py")
    repo.commit("link")
    return Shape(repo.path, repo.path)


def crlf(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.git("config", "core.autocrlf", "true")
    repo.commit("windows file", {"app/win.py": "a = 1\r\nb = 2\r\n"})
    return Shape(repo.path, repo.path)


def sha256(tmp: Path) -> Shape:
    repo = base(tmp / "repo", "--object-format=sha256")
    return Shape(repo.path, repo.path)


def git_dir_not_writable(tmp: Path) -> Shape:
    # What a read-only .git does to hotfix-guard's own files, reproducible as root too: a file
    # where its folder would go makes every write under it fail.
    repo = base(tmp / "repo")
    (repo.path / ".git" / "hotfix-guard").write_text("in the way\n")
    return Shape(repo.path, repo.path)


def git_dir_variables(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    elsewhere = tmp / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    env = {"GIT_DIR": "../../repo/.git", "GIT_WORK_TREE": "../../repo"}
    return Shape(elsewhere, repo.path, env=env)


def user_config(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    key = tmp / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    settings = {
        "gpg.format": "ssh",
        "user.signingKey": str(key),
        "commit.gpgSign": "true",
        "log.showSignature": "true",
        "diff.noprefix": "true",
        "diff.mnemonicPrefix": "true",
        "diff.relative": "true",
        "diff.context": "20",
        "diff.external": "false",
        "color.ui": "always",
        "core.quotePath": "false",
        "log.decorate": "full",
        "i18n.logOutputEncoding": "ISO-8859-1",
    }
    for name, value in settings.items():
        repo.git("config", name, value)
    repo.commit("signed review commit", {"app/other.py": "o = 1\n"})
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")  # a signed merge: "No signature" lines in log
    repo.switch("hotfix/fix-login")
    env = {"GIT_DIFF_OPTS": "--unified=50", "GIT_EXTERNAL_DIFF": "false", "GIT_PAGER": "cat"}
    # backport-status: the hotfix reached main but not develop.
    return Shape(repo.path, repo.path, env=env, expected={"backport-status": 1})


def detached(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.git("switch", "-q", "--detach", "HEAD")
    return Shape(repo.path, repo.path, expected={"check": 2})


def unborn(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.git("switch", "-q", "--orphan", "hotfix/new")
    return Shape(
        repo.path,
        repo.path,
        branch="hotfix/new",
        expected={"check": 2, "pre-commit": 2, "run-tests": 2, "pre-push": 2},
    )


def shallow(tmp: Path) -> Shape:
    origin = base(tmp / "origin")
    origin.switch("main")
    origin.commit("main moves on", {"README": "newer\n"})
    origin.switch("hotfix/fix-login")
    clone = tmp / "clone"
    git(tmp, "clone", "-q", "--depth=1", "--no-single-branch", f"file://{origin.path}", str(clone))
    git(clone, "switch", "-q", "hotfix/fix-login")
    return Shape(clone, clone, expected={"check": 2, "pre-commit": 2, "pre-push": 2})


def odd_repository_path(name: str) -> Callable[[Path], Shape]:
    def build(tmp: Path) -> Shape:
        repo = base(tmp / name)
        return Shape(repo.path, repo.path)

    return build


def linked_worktree(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.switch("main")
    place = tmp / "second worktree"
    repo.git("worktree", "add", "-q", str(place), "hotfix/fix-login")
    return Shape(place, repo.path)


def config_not_utf8(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    repo.write(".hotfix-guard.toml", b"test-commands = ['caf\xe9']\n")
    return Shape(repo.path, repo.path, expected=never_blocks(2))


def never_blocks(code: int) -> dict[str, int]:
    """CODE for every command but the reminder, which git ignores and so always exits 0."""
    return {command: code for command in COMMANDS if command != "backport-reminder"}


def config_is_a_folder(tmp: Path) -> Shape:
    repo = base(tmp / "repo")
    (repo.path / ".hotfix-guard.toml").unlink()
    (repo.path / ".hotfix-guard.toml").mkdir()
    return Shape(repo.path, repo.path, expected=never_blocks(2))


SHAPES: dict[str, Callable[[Path], Shape]] = {
    "plain": plain,
    "odd-paths": odd_paths,
    "binary": binary_file,
    "submodule": submodule,
    "symlink": symlink,
    "crlf": crlf,
    "sha256": sha256,
    "git-dir-not-writable": git_dir_not_writable,
    "GIT_DIR-and-GIT_WORK_TREE": git_dir_variables,
    "user-config": user_config,
    "detached-head": detached,
    "unborn-branch": unborn,
    "shallow-clone": shallow,
    "path-with-newline": odd_repository_path("repo\nnewline"),
    "path-with-U+2028": odd_repository_path("repo\u2028sep"),
    "path-with-U+0085": odd_repository_path("repo\u0085nel"),
    "linked-worktree": linked_worktree,
    "config-not-utf8": config_not_utf8,
    "config-is-a-folder": config_is_a_folder,
}


def state(repo: Path) -> tuple[str, ...]:
    """What a check must never change: status, refs, stash, worktrees."""

    def run(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False
        ).stdout.decode(errors="replace")

    return (
        run("status", "--porcelain=v1", "-z", "--ignored"),
        run("for-each-ref"),
        run("stash", "list"),
        run("worktree", "list", "--porcelain"),
    )


@pytest.mark.parametrize("name", SHAPES)
def test_every_command_on_an_odd_repository(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shape = SHAPES[name](tmp_path)
    monkeypatch.chdir(shape.cwd)
    head = (
        subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=shape.repo, capture_output=True, text=True
        ).stdout.strip()
        or "0" * 40
    )
    push_line = f"refs/heads/{shape.branch} {head} refs/heads/{shape.branch} {'0' * len(head)}\n"
    before = state(shape.repo)
    for command, args in COMMANDS.items():
        result = CliRunner().invoke(
            cli, args, env=shape.env, input=push_line if command == "pre-push" else None
        )
        shown = f"{name} / {command}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output, shown
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), (shown, result.exception)
        assert result.exit_code == shape.code(command), shown
        if result.exit_code == 2:
            assert result.stderr.startswith("hotfix-guard: ") and result.stderr.count("\n") == 1
    assert state(shape.repo) == before, name
    assert not [
        folder
        for folder in Path(os.environ.get("TMPDIR", "/tmp")).glob("hotfix-guard-tests-*")
        if owner_of(folder) == os.getpid()  # ours; other test processes run in parallel
    ]


def owner_of(folder: Path) -> int | None:
    try:
        return int((folder / "owner").read_text())
    except (OSError, ValueError):  # removed meanwhile by the run that made it
        return None


# --- odd inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "tag-format = 'v{major}.{minor}.{patch}}'",
            ".hotfix-guard.toml: tag-format = 'v{major}.{minor}.{patch}}' is invalid: expected a "
            "pattern with {major}, {minor}, {patch} (and optionally {build}) in that order; "
            "braces that are text are doubled (Single '}' encountered in format string)",
        ),
        (
            "test-timeout = 99999999999999999999",
            ".hotfix-guard.toml: test-timeout = 99999999999999999999 is invalid: expected a "
            "number of seconds from 1 to 604800 (7 days)",
        ),
        (
            'test-commands = ["make\\u0000test"]',
            ".hotfix-guard.toml: test-commands = ['make\\x00test'] is invalid: expected a list of "
            "command lines without NUL characters",
        ),
    ],
)
def test_values_that_passed_validation_and_then_crashed(
    repo: Repo, setting: str, message: str
) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", FIX)
    repo.write(".hotfix-guard.toml", setting + "\n")
    for args in (["check"], ["run-tests"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"hotfix-guard: {message}\n"


def test_a_catastrophic_branch_name_regex_is_stopped_and_named(repo: Repo) -> None:
    import time

    repo.commit("config", {".hotfix-guard.toml": "branch-name-regex = 'hotfix/(a+)+'\n"})
    name = "hotfix/" + "a" * 40 + "-b"
    repo.branch(name)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["check"])
    assert time.monotonic() - started < 10
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"hotfix-guard: branch-name-regex = 'hotfix/(a+)+' did not finish matching {name!r} "
        "within 2 s and was stopped: it backtracks catastrophically; write it without a "
        "repetition inside a repetition, such as (a+)+\n"
    )


def test_the_default_branch_name_regex_still_judges_names(repo: Repo) -> None:
    repo.branch("hotfix/Bad_Name")
    result = CliRunner().invoke(cli, ["check", "--rule", "branch-name"])
    assert result.exit_code == 1
    assert result.output.startswith("hotfix/Bad_Name: branch-name: 'hotfix/Bad_Name' does not")


def test_a_hint_with_a_tag_name_from_git_is_safe_to_paste(repo: Repo) -> None:
    name = "$(touch${IFS}X)1.2.4"
    repo.tag(name)  # lightweight: the hint recreates it annotated
    result = CliRunner().invoke(cli, ["check-tag", name])
    assert result.exit_code == 1
    assert f"git tag -a -f '{name}' -m 'Hotfix: <what it fixes>' " in result.output
    assert "git tag -a -f $(" not in result.output


def test_an_unknown_remote_is_named_plainly(repo: Repo) -> None:
    result = CliRunner().invoke(cli, ["check-tag", "--remote", "nope"])
    assert result.exit_code == 2
    assert result.stderr == (
        "hotfix-guard: cannot list the tags of remote 'nope' ('nope' does not appear to be a git "
        "repository): name the tags to check (hotfix-guard check-tag v1.2.4) or pass --remote "
        "NAME\n"
    )


def test_an_unreachable_remote_is_given_up_on_in_time(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from hotfix_guard.git import tags

    monkeypatch.setattr(tags, "REMOTE_TIMEOUT", 0.5)
    monkeypatch.setenv("GIT_SSH_COMMAND", "sleep 30 #")  # an ssh that never answers
    repo.git("remote", "add", "far", "ssh://git@unreachable.invalid/repo.git")
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["check-tag", "--remote", "far"])
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert result.stderr == (
        "hotfix-guard: cannot list the tags of remote 'far': `git ls-remote` did not answer "
        "within 0.5 s and was stopped; check the network, or name the tags to check "
        "(hotfix-guard check-tag v1.2.4)\n"
    )


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ("tests", "at push time; hotfix-guard run-tests runs the tests on HEAD now"),
        ("tag-format", "on tags: hotfix-guard check-tag [TAG...]"),
        ("backport", "when main is pushed; hotfix-guard backport-status lists the backports"),
    ],
)
def test_check_says_where_a_rule_it_does_not_run_is_checked(
    repo: Repo, rule: str, where: str
) -> None:
    repo.branch("hotfix/fix-login")
    result = CliRunner().invoke(cli, ["check", "--rule", rule])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"hotfix-guard: --rule {rule}: check does not run it, it is checked {where}\n"
    )


def test_diff_settings_of_the_user_do_not_hide_moved_code(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    block = "".join(f"    step_{n} = compute({n})\n" for n in range(6))
    repo.commit("code", {"app/a.py": f"def a():\n{block}    return 1\n", "app/b.py": "B = 1\n"})
    repo.branch("hotfix/fix-login")
    repo.commit(
        "move it",
        {"app/a.py": "def a():\n    return 1\n", "app/b.py": f"B = 1\n\n\ndef b():\n{block}"},
    )
    monkeypatch.setenv("GIT_DIFF_OPTS", "--unified=50")
    repo.git("config", "diff.context", "30")
    repo.git("config", "diff.algorithm", "patience")
    result = CliRunner().invoke(cli, ["check", "--rule", "moved-code"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("app/b.py:5: moved-code: a block of 6 significant lines")


def test_regex_characters_in_branch_patterns_are_glob_text(repo: Repo) -> None:
    import time

    repo.commit("config", {".hotfix-guard.toml": "branch-patterns = ['hotfix/(a+)+']\n"})
    repo.branch("hotfix/" + "a" * 40 + "-b")
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["check"])
    assert time.monotonic() - started < 5
    assert result.exit_code == 0
    assert result.output == ""  # not a hotfix branch: the pattern is a glob, `(` is text


def test_a_config_that_is_a_device_is_refused_not_read(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    (repo.path / ".hotfix-guard.toml").symlink_to("/dev/zero")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert result.stderr == "hotfix-guard: .hotfix-guard.toml: not a regular file: make it one\n"


def test_a_release_tag_on_a_tree_is_refused(repo: Repo) -> None:
    tree = repo.git("rev-parse", "HEAD^{tree}")
    repo.git("tag", "-a", "-m", "Release 1.0.0", "v1.0.0", tree)
    repo.git("tag", "-a", "-m", "a marker", "marker", tree)
    result = CliRunner().invoke(cli, ["check-tag", "v1.0.0", "marker"])
    assert result.exit_code == 1
    tag = repo.git("rev-parse", "v1.0.0")
    assert result.output.splitlines()[0] == (
        f"v1.0.0: tag-target: v1.0.0 is a release tag but points at no commit ({tag[:10]}); a "
        "release tag points at a commit on main"
    )
    assert "marker: does not point at a commit, no tag rule applies" in result.output


# --- the lifecycle and server families ---------------------------------------------------------

LIFECYCLE = {
    "status": ["status"],
    "status-json": ["status", "--format", "json"],
    "finish-dry-run": ["finish", "--dry-run"],
    "finish-continue": ["finish", "--continue"],
    "finish-abort": ["finish", "--abort"],
    "status-message": ["status-message", "investigating", "--format", "markdown"],
    "postmortem": ["postmortem", "--output", "-"],
    "overrides": ["overrides"],
    "pre-receive": ["pre-receive"],
}


@pytest.mark.parametrize("name", SHAPES)
def test_lifecycle_and_server_commands_on_an_odd_repository(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No traceback and no change to the repository; a refusal is one line (exit 2); finish
    without a finish in progress refuses --continue and --abort."""
    shape = SHAPES[name](tmp_path)
    monkeypatch.chdir(shape.cwd)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=shape.repo, capture_output=True, text=True
    ).stdout.strip()
    update = f"{'0' * len(head or '0' * 40)} {head or '0' * 40} refs/heads/{shape.branch}\n"
    before = state(shape.repo)
    for command, args in LIFECYCLE.items():
        result = CliRunner().invoke(
            cli, args, env=shape.env, input=update if command == "pre-receive" else None
        )
        shown = f"{name} / {command}: exit {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output and "unexpected failure" not in result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit
        ), (shown, result.exception)
        assert result.exit_code in (0, 1, 2), shown
        if result.exit_code == 2:
            assert result.stderr.startswith("hotfix-guard: ") and result.stderr.count("\n") == 1
        if command.startswith("finish-") and command != "finish-dry-run":
            assert result.exit_code == 2, shown  # nothing in progress (or the config says why)
    assert state(shape.repo) == before, name
