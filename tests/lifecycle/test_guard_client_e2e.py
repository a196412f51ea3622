"""The client end to end, as a new user sets it up: the README's pre-commit configuration and
`hotfix-guard install` in the clone, `hooks/pre-receive` on a bare origin, real git throughout.

- start, commit, `finish --push`: accepted by the server;
- a main fast-forwarded to develop by mistake: refused at start (and its fix loses nothing), at
  finish, and by branch-base for a branch cut from it by hand;
- the override flow: the commit hook refuses and names `hotfix-guard override`; the override is
  recorded; the commit, the push, the server and finish then accept, and `overrides` lists it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.lifecycle import FIXED, invoke, start_hotfix
from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo, code_files, git

ROOT = Path(__file__).resolve().parents[2]
BRANCH = "hotfix/fix-login-timeout"
# The README's complete configuration: its hook ids and the stages it installs.
HOOK_IDS = ("hotfix-guard", "hotfix-trailers", "hotfix-guard-commit-msg", "hotfix-backport")
HOOK_TYPES = ("pre-commit", "prepare-commit-msg", "commit-msg", "pre-push", "post-merge")
REASON = "the generated API client is regenerated as one unit"


@pytest.fixture
def guarded(
    repo: Repo, remote: Path, precommit: PreCommit, monkeypatch: pytest.MonkeyPatch
) -> Repo:
    """main released as v1.2.3 and develop on origin; the client's hooks installed as the README
    says; then origin guarded by hooks/pre-receive (so the setup pushes are not judged)."""
    precommit.install(repo, HOOK_IDS, (*HOOK_TYPES, "post-commit"))
    installed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "install"], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.git("branch", "develop")
    repo.git("push", "-q", "--no-verify", "origin", "main", "develop", "v1.2.3")
    shutil.copy(ROOT / "hooks" / "pre-receive", remote / "hooks" / "pre-receive")
    git(remote, "config", "receive.advertisePushOptions", "true")
    monkeypatch.setenv("HOTFIX_GUARD", str(Path(sys.executable).with_name("hotfix-guard")))
    return repo


def commit(
    repo: Repo, message: str, files: dict[str, str | bytes]
) -> subprocess.CompletedProcess[str]:
    """Write FILES, stage them and `git commit` with every installed hook running."""
    for path, content in files.items():
        repo.write(path, content)
    repo.git("add", "-A")
    return git_result(repo, "commit", "-m", message)


def pollute_main(repo: Repo) -> list[str]:
    """develop moves on (pushed), then local main is fast-forwarded to it by mistake."""
    repo.switch("develop")
    work = [repo.commit(f"Unreleased {n}", {f"app/feature_{n}.py": f"F = {n}\n"}) for n in range(3)]
    repo.git("push", "-q", "origin", "develop")
    repo.switch("main")
    repo.git("merge", "-q", "--ff-only", "develop")
    return work


def test_start_commit_finish_push_is_accepted_by_the_server(guarded: Repo, remote: Path) -> None:
    start_hotfix(guarded)
    committed = commit(guarded, "Return 1 on login timeout", {"app/main.py": FIXED})
    assert committed.returncode == 0, output(committed)
    finished = invoke("finish", "--push")
    assert finished.exit_code == 0, finished.output + finished.stderr
    assert git(remote, "rev-parse", "v1.2.4^{commit}") == guarded.git("rev-parse", "main")
    assert git(remote, "rev-parse", "develop") == guarded.git("rev-parse", "develop")


def test_a_polluted_main_is_refused_at_start_with_a_fix_that_loses_nothing(
    guarded: Repo, remote: Path
) -> None:
    work = pollute_main(guarded)
    refused = invoke("start", "Fix login timeout", "--severity", "P1")
    assert refused.exit_code == 2
    shown = "; ".join(f"{sha[:10]} Unreleased {n}" for n, sha in reversed(list(enumerate(work))))
    keep = f"main-unpushed-{work[-1][:8]}"
    fix = f"git branch {keep} main && git switch main && git reset --keep origin/main"
    assert refused.stderr == (
        f"hotfix-guard: main has 3 commit(s) that origin/main lacks ({shown}): they are not "
        "released, and a hotfix built on main would ship them; keep them on a branch and put main "
        f"back to origin/main ({fix})\n"
    )
    subprocess.run(fix, shell=True, cwd=guarded.path, check=True, capture_output=True)
    assert guarded.git("rev-parse", keep) == work[-1]
    assert guarded.git("rev-parse", "main") == git(remote, "rev-parse", "main")
    start_hotfix(guarded)


def test_a_polluted_main_is_refused_at_finish_and_by_branch_base(
    guarded: Repo, remote: Path
) -> None:
    start_hotfix(guarded)
    assert commit(guarded, "Return 1", {"app/main.py": FIXED}).returncode == 0
    work = pollute_main(guarded)
    on_remote = git(remote, "for-each-ref", "--format=%(refname) %(objectname)")
    guarded.switch(BRANCH)
    refused = invoke("finish", "--push")
    assert refused.exit_code == 1
    assert (
        f"  - main has 3 commit(s) that origin/main lacks ({work[-1][:10]} Unreleased 2; "
    ) in refused.stderr
    assert git(remote, "for-each-ref", "--format=%(refname) %(objectname)") == on_remote
    # A hotfix cut from that main by hand: branch-base measures against origin/main.
    guarded.git("switch", "-q", "-c", "hotfix/by-hand", "main")
    committed = commit(guarded, "Fix by hand", {"app/main.py": FIXED})
    assert committed.returncode == 1
    assert (
        "hotfix/by-hand: branch-base: carries 3 commits that are not on origin/main, from "
        f"develop (3): {work[0][:10]} Unreleased 0; "
    ) in output(committed)


def test_the_override_flow_with_the_recommended_setup(guarded: Repo, remote: Path) -> None:
    start_hotfix(guarded)
    refused = commit(guarded, "Regenerate the API client", code_files(25, prefix="client/gen"))
    assert refused.returncode == 1
    assert (
        "To fix: if diff-size must not hold for this hotfix, record why on the branch: "
        "hotfix-guard override diff-size --reason '<why, 10 characters or more>'"
    ) in output(refused)
    recorded = invoke("override", "diff-size", "--reason", REASON)
    assert recorded.exit_code == 0, recorded.output + recorded.stderr
    override_commit = guarded.head()
    accepted = git_result(guarded, "commit", "-m", "Regenerate the API client")
    assert accepted.returncode == 0, output(accepted)
    pushed = git_result(guarded, "push", "origin", BRANCH)
    assert pushed.returncode == 0, output(pushed)
    assert f"[overridden: {REASON} (commit {override_commit[:12]})]" in output(
        pushed
    )  # the client's pre-push hook and the server both honour it
    assert f"remote: {BRANCH}: diff-size: " in output(pushed)
    finished = invoke("finish", "--push")
    assert finished.exit_code == 0, finished.output + finished.stderr
    assert git(remote, "tag", "-l", "v1.2.4") == "v1.2.4"
    listed = invoke("overrides")
    assert f"commit {override_commit[:12]}  Test Author <author@example.invalid>  diff-size: " in (
        listed.output
    )
