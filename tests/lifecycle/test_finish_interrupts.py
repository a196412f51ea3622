"""Ctrl-C between every two steps of finish, and inside one: the state survives, --continue
completes the same finish and --abort (before the push) puts back refs and work tree byte for byte.

The interrupt is injected by monkeypatching finish.after_step (a no-op the engine calls after each
step) or a step function to raise KeyboardInterrupt, which is what Ctrl-C raises in Python; and
once for real, with SIGINT sent to a finish process while its push runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hotfix_guard.lifecycle import finish
from tests.support.lifecycle import hotfix, invoke, released, snapshot
from tests.support.repos import Repo, git

__all__ = ["hotfix", "released"]  # fixtures

STEPS = ["merge-main", "tag", "backport:develop", "push", "cleanup"]
BRANCH = "hotfix/fix-login-timeout"


def interrupt_after(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    def after_step(step: str) -> None:
        if step == target:
            raise KeyboardInterrupt

    monkeypatch.setattr(finish, "after_step", after_step)


def assert_finished(repo: Repo, remote: Path) -> None:
    assert repo.git("rev-parse", "v1.2.4^{commit}") == repo.git("rev-parse", "main")
    assert repo.git("rev-parse", "develop^2") == repo.git("rev-parse", "main")
    assert repo.git("for-each-ref", "--format=%(refname)", "refs/heads") == (
        "refs/heads/develop\nrefs/heads/main"
    )
    on_remote = git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    assert on_remote == repo.git(
        "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"
    )


@pytest.mark.parametrize("step", STEPS)
def test_ctrl_c_after_each_step_then_continue(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    interrupt_after(monkeypatch, step)
    result = invoke("finish", "--push")
    assert result.exit_code == 130
    assert result.stderr.endswith("hotfix-guard: interrupted\n")
    position = STEPS.index(step) + 2
    expected = (
        f"finish interrupted at step {position} of 5, {STEPS[position - 1]}"
        if position <= len(STEPS)
        else "finish interrupted after its last step"
    )
    assert f"{expected}; its state is saved.\n  Resume: hotfix-guard finish --continue\n" in (
        result.output
    )
    monkeypatch.setattr(finish, "after_step", lambda step: None)
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output
    assert_finished(hotfix, remote)


@pytest.mark.parametrize("step", STEPS[:3])
def test_ctrl_c_after_each_step_before_the_push_then_abort(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = snapshot(hotfix, remote)
    interrupt_after(monkeypatch, step)
    assert invoke("finish", "--push").exit_code == 130
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert snapshot(hotfix, remote) == before


@pytest.mark.parametrize("step", STEPS[3:])
def test_abort_after_the_push_is_refused(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    interrupt_after(monkeypatch, step)
    assert invoke("finish", "--push").exit_code == 130
    refused = invoke("finish", "--abort")
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"hotfix-guard: the push is done: origin has main, develop, v1.2.4, delete {BRANCH}; "
        "abort cannot take that back. Run hotfix-guard finish --continue to complete the clean-up\n"
    )


@pytest.mark.parametrize("step", ["tag", "backport:", "push"])
def test_ctrl_c_inside_a_step_before_it_worked_then_continue_or_abort(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = snapshot(hotfix, remote)

    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    original = finish.STEPS[step]
    monkeypatch.setitem(finish.STEPS, step, interrupted)
    result = invoke("finish", "--push")
    assert result.exit_code == 130
    assert "finish interrupted at step " in result.output
    monkeypatch.setitem(finish.STEPS, step, original)
    aborted = invoke("finish", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert snapshot(hotfix, remote) == before
    monkeypatch.setitem(finish.STEPS, step, interrupted)
    assert invoke("finish", "--push").exit_code == 130
    monkeypatch.setitem(finish.STEPS, step, original)
    assert invoke("finish", "--continue").exit_code == 0
    assert_finished(hotfix, remote)


def test_a_real_sigint_during_the_push_leaves_a_state_that_continues(
    hotfix: Repo, remote: Path, tmp_path: Path
) -> None:
    """Ctrl-C for real: SIGINT to the process group while the pre-push hook runs."""
    marker = tmp_path / "pushing"
    hook = hotfix.path / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep 30\n")
    hook.chmod(0o755)
    script = Path(sys.executable).with_name("hotfix-guard")
    process = subprocess.Popen(
        [str(script), "finish", "--push"],
        cwd=hotfix.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, out + err
    assert "finish interrupted at step 4 of 5, push; its state is saved." in out
    assert err.endswith("hotfix-guard: interrupted\n")
    assert "refs/tags/v1.2.4" not in git(remote, "for-each-ref")
    hook.unlink()
    resumed = invoke("finish", "--continue")
    assert resumed.exit_code == 0, resumed.output
    assert_finished(hotfix, remote)


def test_without_push_abort_works_even_after_the_last_step(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(hotfix, remote)
    interrupt_after(monkeypatch, "cleanup")
    assert invoke("finish").exit_code == 130
    aborted = invoke("finish", "--abort")
    assert aborted.output == (
        "finish aborted: every ref and the work tree are as they were (main, develop put back, "
        "v1.2.4 deleted)\n"
    )
    assert snapshot(hotfix, remote) == before
