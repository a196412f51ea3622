"""The hotfix-trailers hook: the scripts of hooks/ through real `git commit`, and the command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.lifecycle import DETECTED, invoke, start_hotfix
from tests.support.repos import Repo

ROOT_HOOKS = Path(__file__).resolve().parents[2] / "hooks"
TRAILERS = f"Severity: P1\nIncident: INC-42\nDetected: {DETECTED}\nMitigation: hotfix"


@pytest.fixture
def hooked(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """hooks/prepare-commit-msg and hooks/commit-msg copied in; hotfix-guard on PATH."""
    for name in ("prepare-commit-msg", "commit-msg"):
        shutil.copy2(ROOT_HOOKS / name, repo.path / ".git" / "hooks" / name)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return repo


def message(repo: Repo) -> str:
    return repo.git("log", "-1", "--format=%B")


def test_the_hook_scripts_add_the_trailers_once(hooked: Repo) -> None:
    start_hotfix(hooked)
    hooked.commit("Return 1 on login timeout", {"app/main.py": "def main():\n    return 1\n"})
    assert message(hooked) == f"Return 1 on login timeout\n\n{TRAILERS}"
    hooked.git("commit", "-q", "--amend", "-m", f"Return 1 on timeout\n\n{TRAILERS}")
    assert message(hooked) == f"Return 1 on timeout\n\n{TRAILERS}"
    hooked.git("cherry-pick", "--allow-empty", "--keep-redundant-commits", "HEAD")
    assert message(hooked) == f"Return 1 on timeout\n\n{TRAILERS}"


def test_the_hook_scripts_leave_other_branches_alone(hooked: Repo) -> None:
    start_hotfix(hooked)
    hooked.switch("main")
    hooked.commit("Unrelated", {"README": "more\n"})
    assert message(hooked) == "Unrelated"


def test_trailers_keeps_a_key_the_message_has_and_skips_an_empty_message(repo: Repo) -> None:
    start_hotfix(repo)
    written = repo.write("msg", "Fix\n\nSeverity: P0\n")
    assert invoke("trailers", str(written)).exit_code == 0
    assert written.read_text() == (
        "Fix\n\nSeverity: P0\nIncident: INC-42\nDetected: 2026-11-28T22:10:00Z\n"
        "Mitigation: hotfix\n"
    )
    empty = repo.write("empty", "\n# Please enter the commit message\n")
    assert invoke("trailers", str(empty)).exit_code == 0
    assert empty.read_text() == "\n# Please enter the commit message\n"
    printed = invoke("trailers")
    assert printed.output == f"{TRAILERS}\n"


def test_install_adds_the_message_hooks_when_named_and_uninstall_removes_them(repo: Repo) -> None:
    hooks = repo.path / ".git" / "hooks"
    installed = invoke("install", "--hook-type", "prepare-commit-msg", "--hook-type", "commit-msg")
    assert installed.output == (
        f"prepare-commit-msg: installed {hooks / 'prepare-commit-msg'}\n"
        f"commit-msg: installed {hooks / 'commit-msg'}\n"
    )
    start_hotfix(repo)
    repo.commit("Return 1 on login timeout", {"app/main.py": "def main():\n    return 1\n"})
    assert message(repo) == f"Return 1 on login timeout\n\n{TRAILERS}"
    removed = invoke("install", "--uninstall")
    assert removed.output == (
        "pre-commit: not installed, nothing to do\n"
        "pre-push: not installed, nothing to do\n"
        f"prepare-commit-msg: removed {hooks / 'prepare-commit-msg'}\n"
        f"commit-msg: removed {hooks / 'commit-msg'}\n"
    )


def test_the_message_hooks_take_the_fast_path_off_hotfix_branches(repo: Repo) -> None:
    from hotfix_guard.engine.fastpath import nothing_to_check

    message_file = repo.write("msg", "Fix\n")
    assert nothing_to_check(["trailers", str(message_file)], {}) is True  # on main
    assert nothing_to_check(["trailers"], {}) is False  # printing them: the full path
    repo.branch("hotfix/fix-it")
    assert nothing_to_check(["trailers", str(message_file)], {}) is False
    repo.branch("hf/fix-it")
    assert nothing_to_check(["trailers", str(message_file)], {}) is True
    repo.git("config", "gitflow.prefix.hotfix", "hf/")
    assert nothing_to_check(["trailers", str(message_file)], {}) is False


def test_the_message_hooks_add_the_trailers_on_a_hotfix_branch_without_click(repo: Repo) -> None:
    start_hotfix(repo)
    message_file = repo.write("msg", "Return 1 on login timeout\n")
    script = (
        "import sys\nfrom hotfix_guard.__main__ import main\n"
        "status = main(sys.argv[1:])\nprint(status, 'click' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "trailers", str(message_file), "message"],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )
    assert (result.stdout, result.stderr) == ("0 False\n", "")
    assert message_file.read_text() == f"Return 1 on login timeout\n\n{TRAILERS}\n"
    assert invoke("trailers", "--help").exit_code == 0  # any other form: click's
