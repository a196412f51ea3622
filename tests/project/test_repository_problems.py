"""Bad input gets one clear line and exit 2; odd but valid input just works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.repos import Repo, git, make_repo


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_not_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert check() == (
        2,
        "hotfix-guard: not inside a git work tree: run hotfix-guard from a clone of your "
        "repository\n",
    )


def test_detached_head(repo: Repo) -> None:
    repo.git("switch", "-q", "--detach")
    assert check() == (
        2,
        "hotfix-guard: HEAD is detached: check out the hotfix branch or pass --head "
        "hotfix/<name>\n",
    )


def test_detached_head_at_commit_time_has_nothing_to_check(repo: Repo) -> None:
    repo.git("switch", "-q", "--detach")
    result = CliRunner().invoke(cli, ["hook"])
    assert (result.exit_code, result.output) == (
        0,
        "hotfix-guard: HEAD is detached (rebase or bisect?): no branch, nothing to check\n",
    )


def test_unborn_hotfix_branch(repo: Repo) -> None:
    repo.git("switch", "-q", "--orphan", "hotfix/fix-login")
    assert check() == (
        2,
        "hotfix-guard: branch hotfix/fix-login has no commits yet: cut the hotfix from main "
        "(git switch -c hotfix/fix-login main)\n",
    )


def test_missing_main_branch(repo: Repo) -> None:
    repo.git("branch", "-m", "main", "trunk")
    repo.branch("hotfix/fix-login")
    assert check() == (
        2,
        "hotfix-guard: no main branch found (looked for main, master or origin/HEAD, local or "
        "remote-tracking): fetch it (git fetch origin), set main-branch in the config, or pass "
        "--base REF\n",
    )


def test_configured_main_branch_and_base_option(repo: Repo) -> None:
    repo.git("branch", "-m", "main", "trunk")
    repo.branch("hotfix/fix-login")
    repo.commit("fix\n\nSeverity: P2", {"app/main.py": "def main():\n    return 2\n"})
    assert check("--base", "trunk")[0] == 0
    repo.write(".hotfix-guard.toml", "main-branch = 'trunk'\n")
    assert check()[0] == 0


def test_remote_tracking_main_is_enough(
    repo: Repo, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    git(clone, "switch", "-q", "-c", "hotfix/fix-login")
    git(clone, "branch", "-D", "main")
    (clone / "app" / "main.py").write_text("def main():\n    return 3\n")
    git(clone, "commit", "-qam", "fix\n\nSeverity: P2")
    monkeypatch.chdir(clone)
    assert check()[0] == 0


def test_shallow_clone_without_merge_base(
    repo: Repo, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("second", {"app/main.py": "def main():\n    return 5\n"})
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 6\n"})
    repo.switch("main")
    repo.commit("main moves on", {"README": "more\n"})
    repo.git("push", "-q", "origin", "main", "hotfix/fix-login")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", "--no-single-branch", f"file://{remote}", str(clone))
    git(clone, "switch", "-q", "hotfix/fix-login")
    monkeypatch.chdir(clone)
    assert check() == (
        2,
        "hotfix-guard: shallow clone: the merge base of hotfix/fix-login and main is not in this "
        "clone; run `git fetch --unshallow` (or pass --base COMMIT)\n",
    )


def test_unrelated_history(repo: Repo) -> None:
    repo.git("switch", "-q", "--orphan", "hotfix/fix-login")
    repo.commit("unrelated", {"x.py": "x = 1\n"})
    code, output = check()
    assert code == 2
    assert output.startswith("hotfix-guard: hotfix/fix-login shares no history with main")


def test_head_that_is_not_a_commit(repo: Repo) -> None:
    assert check("--head", "nope") == (
        2,
        "hotfix-guard: 'nope' is not a commit: pass a branch, tag or commit id\n",
    )


def test_odd_paths_binary_symlink_submodule_and_crlf(repo: Repo, tmp_path: Path) -> None:
    sub = make_repo(tmp_path / "sub")
    sub.commit("sub", {"s.txt": "s\n"})
    repo.branch("hotfix/odd-paths")
    repo.write("with space/and\nnewline.py", "x = 1\n")
    repo.write(b"latin1-\xe9.py", "y = 2\n")
    repo.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    repo.write("crlf.py", "a = 1\r\nb = 2\r\n")
    (repo.path / "link.py").symlink_to("app/main.py")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub.path), "sub")
    repo.commit("odd but valid")
    result = CliRunner().invoke(cli, ["check", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True
    # Twenty files would fail; seven of every odd kind pass, with nothing left out or crashed.
    result = CliRunner().invoke(cli, ["check", "--format", "json", "--rule", "diff-size"])
    assert json.loads(result.output)["ok"] is True
