"""`hotfix-guard install`: native hooks chained with what was there, and put back byte for byte."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hotfix_guard.cli import cli
from hotfix_guard.setup.install import script_text
from tests.support.precommit import PreCommit
from tests.support.repos import Repo

ROOT = Path(__file__).resolve().parents[2]
OLD_HOOK = b"#!/bin/sh\n# the team's own hook \xff\necho old hook ran >&2\n"


def install(*args: str) -> Result:
    return CliRunner().invoke(cli, ["install", *args])


def hooks(repo: Repo) -> Path:
    return repo.path / ".git" / "hooks"


def snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.name: (path.read_bytes(), stat.S_IMODE(path.lstat().st_mode))
        for path in sorted(directory.iterdir())
        if not path.name.endswith(".sample")
    }


def test_hooks_dir_scripts_are_the_installed_scripts_without_a_python() -> None:
    for hook_type in ("pre-commit", "pre-push", "prepare-commit-msg", "commit-msg"):
        assert (ROOT / "hooks" / hook_type).read_text() == script_text(hook_type)
        assert os.access(ROOT / "hooks" / hook_type, os.X_OK)


def test_install_and_uninstall_in_a_repository_without_hooks(repo: Repo) -> None:
    before = snapshot(hooks(repo))
    result = install()
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"pre-commit: installed {hooks(repo) / 'pre-commit'}\n"
        f"pre-push: installed {hooks(repo) / 'pre-push'}\n"
    )
    assert (hooks(repo) / "pre-push").read_text() == script_text("pre-push", sys.executable)
    assert install().output.startswith("pre-commit: already installed at ")
    result = install("--uninstall")
    assert result.output == (
        f"pre-commit: removed {hooks(repo) / 'pre-commit'}\n"
        f"pre-push: removed {hooks(repo) / 'pre-push'}\n"
    )
    assert snapshot(hooks(repo)) == before
    assert install("--uninstall", "--hook-type", "pre-push").output == (
        "pre-push: not installed, nothing to do\n"
    )


def test_an_existing_hook_is_chained_and_restored_byte_for_byte(repo: Repo) -> None:
    old = hooks(repo) / "pre-push"
    old.write_bytes(OLD_HOOK)
    old.chmod(0o750)
    before = snapshot(hooks(repo))
    result = install("--hook-type", "pre-push")
    assert result.output == (
        f"pre-push: installed {old}; the hook that was there is kept as "
        f"{hooks(repo) / 'pre-push.hotfix-guard-saved'} and runs before it\n"
    )
    assert (hooks(repo) / "pre-push.hotfix-guard-saved").read_bytes() == OLD_HOOK
    install("--uninstall")
    assert snapshot(hooks(repo)) == before


def test_pre_commits_hook_runs_ours_as_its_legacy_hook(repo: Repo, precommit: PreCommit) -> None:
    precommit.install(repo, hook_types=("pre-commit", "pre-push"))
    legacy = hooks(repo) / "pre-push.legacy"
    legacy.write_bytes(OLD_HOOK)  # pre-commit's migration mode: an older hook it already chains
    legacy.chmod(0o755)
    before = snapshot(hooks(repo))
    result = install()  # pre-commit runs the commit stage: only pre-push is installed
    assert result.output == (
        f"pre-push: pre-commit manages {hooks(repo) / 'pre-push'}; installed {legacy}, which "
        "pre-commit runs before its own hooks; the hook that was there is kept as "
        f"{hooks(repo) / 'pre-push.hotfix-guard-saved'} and runs before it\n"
    )
    assert legacy.read_text() == script_text("pre-push", sys.executable)
    install("--uninstall")
    assert snapshot(hooks(repo)) == before


def test_core_hooks_path_and_worktrees_are_honoured(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared-hooks"
    repo.git("config", "core.hooksPath", str(shared))
    repo.git("worktree", "add", "-q", str(tmp_path / "second"), "-b", "other")
    monkeypatch.chdir(tmp_path / "second")
    result = install("--hook-type", "pre-push")
    assert result.output == f"pre-push: installed {shared / 'pre-push'}\n"
    assert sorted(path.name for path in shared.iterdir()) == ["pre-push"]


def test_hooks_tracked_in_the_repository_are_not_changed(repo: Repo) -> None:
    repo.git("config", "core.hooksPath", ".githooks")
    repo.commit("team hooks", {".githooks/pre-push": "#!/bin/sh\nexit 0\n"})
    result = install("--hook-type", "pre-push")
    assert result.exit_code == 2
    assert result.output == (
        f"hotfix-guard: {repo.path / '.githooks/pre-push'} is tracked in the repository "
        "(core.hooksPath): installing would change it; add this line to it instead: "
        'hotfix-guard hook --stage pre-push "$@"\n'
    )


def test_a_leftover_saved_hook_stops_the_install(repo: Repo) -> None:
    saved = hooks(repo) / "pre-push.hotfix-guard-saved"
    saved.write_bytes(OLD_HOOK)
    result = install("--hook-type", "pre-push")
    assert result.exit_code == 2
    assert result.output.startswith(f"hotfix-guard: {saved} is left from an earlier install")
    result = install("--uninstall", "--hook-type", "pre-push")
    assert result.exit_code == 2
    assert saved.read_bytes() == OLD_HOOK


def test_outside_a_repository_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = install()
    assert result.exit_code == 2
    assert result.output.startswith("hotfix-guard: not inside a git work tree")


# --- everything is checked before anything is written -----------------------------


def test_a_tracked_pre_push_stops_the_install_before_any_hook_is_written(repo: Repo) -> None:
    repo.git("config", "core.hooksPath", ".githooks")
    repo.commit("team hooks", {".githooks/pre-push": "#!/bin/sh\nexit 0\n"})
    result = install()
    assert result.exit_code == 2
    assert "is tracked in the repository" in result.output
    assert sorted(path.name for path in (repo.path / ".githooks").iterdir()) == ["pre-push"]


def test_a_pre_push_folder_stops_the_install_before_any_hook_is_written(repo: Repo) -> None:
    (hooks(repo) / "pre-push").mkdir()
    before = sorted(p.name for p in hooks(repo).iterdir())
    result = install()
    assert result.exit_code == 2
    assert result.output == (
        f"hotfix-guard: {hooks(repo) / 'pre-push'} is not a file: move it away, then install "
        "again\n"
    )
    assert sorted(p.name for p in hooks(repo).iterdir()) == before


@pytest.mark.parametrize("setting", ["/dev/null", "a-file"])
def test_hooks_path_that_is_not_a_folder_is_a_usage_error(repo: Repo, setting: str) -> None:
    if setting == "a-file":
        repo.write("a-file", "not a folder\n")
    repo.git("config", "core.hooksPath", setting)
    shown = setting if setting.startswith("/") else repo.path / setting
    for args in ((), ("--uninstall",)):
        result = install(*args)
        assert result.exit_code == 2, result.output
        assert result.output == (
            f"hotfix-guard: core.hooksPath is {shown}, which is not a folder, so git runs no "
            "hooks from it: point core.hooksPath at a folder or unset it (git config --unset "
            "core.hooksPath), then install again\n"
        )


def test_a_hook_that_lost_its_exec_bit_is_recognised_and_repaired(repo: Repo) -> None:
    assert install("--hook-type", "pre-push").exit_code == 0
    hook = hooks(repo) / "pre-push"
    hook.chmod(0o644)
    result = install("--hook-type", "pre-push")
    assert result.output == f"pre-push: already installed at {hook}, brought up to date\n"
    assert os.access(hook, os.X_OK)
    assert not (hooks(repo) / "pre-push.hotfix-guard-saved").exists()


def test_an_interrupted_push_leaves_no_temporary_file(repo: Repo, tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    assert install("--hook-type", "pre-push").exit_code == 0
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    started = tmp_path / "started"
    saved = hooks(repo) / "pre-push.hotfix-guard-saved"
    saved.write_text(f"#!/bin/sh\ntouch {started}\nsleep 30\n")
    saved.chmod(0o755)
    process = subprocess.Popen(
        ["sh", str(hooks(repo) / "pre-push"), "origin", "url"],
        cwd=repo.path,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(scratch)},
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(scratch.iterdir()), "the hook keeps the pushed refs in a temporary file"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    assert process.wait(timeout=10) == 130
    assert list(scratch.iterdir()) == []
