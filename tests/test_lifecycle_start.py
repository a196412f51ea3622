"""start: cut hotfix/<slug> from an up-to-date main and record the incident in trailers."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Repo, git
from tests.lifecycle_support import DETECTED, invoke, run_until


def trailers_of(repo: Repo, rev: str = "HEAD") -> str:
    return repo.git("log", "-1", "--format=%(trailers:only,unfold)", rev)


def test_start_cuts_the_branch_and_records_the_incident(repo: Repo, remote: Path) -> None:
    result = invoke(
        "start", "Fix login timeout", "--severity", "P3", "--incident", "INC-7",
        "--detected", DETECTED,
    )  # fmt: skip
    main = repo.git("rev-parse", "main")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Started hotfix/fix-login-timeout from main at {main[:12]}.\n"
        f"Incident: P3, incident INC-7, detected {DETECTED}.\n"
        "Response target for P3: the next release.\n"
        "Next: commit the fix (each commit carries the incident's trailers through the\n"
        "hotfix-trailers hook), then: hotfix-guard finish --push\n"
    )
    assert repo.git("symbolic-ref", "--short", "HEAD") == "hotfix/fix-login-timeout"
    assert repo.git("log", "-1", "--format=%s") == "Start hotfix: Fix login timeout"
    assert trailers_of(repo) == f"Severity: P3\nIncident: INC-7\nDetected: {DETECTED}"
    assert repo.git("rev-parse", "HEAD~1") == main


def test_start_says_how_long_is_left_or_how_overdue(repo: Repo) -> None:
    result = invoke("start", "Fix it", "--severity", "P0", "--detected", "2020-01-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert "no remote configured: cutting from the local main as it is\n" in result.output
    assert "Response target for P0: 1h, due 2020-01-01T01:00:00Z (OVERDUE by " in result.output
    fresh = invoke("start", "Fix other", "--severity", "P2", "--no-fetch")
    assert "Response target for P2: 1d, due " in fresh.output and "(1d left)" in fresh.output


def test_start_slugs_a_non_ascii_description(repo: Repo) -> None:
    result = invoke("start", "Réparer l'écran de connexion!", "--severity", "P2")
    assert result.exit_code == 0, result.output
    assert repo.git("symbolic-ref", "--short", "HEAD") == "hotfix/reparer-l-ecran-de-connexion"
    assert repo.git("log", "-1", "--format=%s") == "Start hotfix: Réparer l'écran de connexion!"


def test_start_refuses_a_dirty_tree_an_existing_branch_and_a_bad_time(repo: Repo) -> None:
    repo.write("app/main.py", "changed\n")
    dirty = invoke("start", "Fix it", "--severity", "P1")
    assert dirty.exit_code == 2
    assert dirty.stderr == (
        "hotfix-guard: uncommitted changes in 1 tracked file(s) (app/main.py): commit or stash "
        "them (git stash) before starting a hotfix\n"
    )
    repo.git("checkout", "--", "app/main.py")
    repo.git("branch", "hotfix/fix-it")
    taken = invoke("start", "Fix it", "--severity", "P1")
    assert taken.exit_code == 2
    assert taken.stderr == (
        "hotfix-guard: branch hotfix/fix-it exists already: continue it (git switch hotfix/fix-it) "
        "or describe this hotfix differently\n"
    )
    bad = invoke("start", "Fix that", "--severity", "P1", "--detected", "yesterday")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "hotfix-guard: 'yesterday' is not a time: use ISO 8601 in UTC, e.g. 2026-11-28T22:40:00Z, "
        "or 'now'\n"
    )
    words = invoke("start", "!!!", "--severity", "P1")
    assert words.exit_code == 2 and "has no letters or digits" in words.stderr
    assert repo.git("symbolic-ref", "--short", "HEAD") == "main"


def test_start_refuses_a_main_behind_or_diverged_from_origin(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    Repo(other).commit("Someone else's fix", {"README": "theirs\n"})
    git(other, "push", "-q", "origin", "main")
    behind = invoke("start", "Fix it", "--severity", "P1")
    assert behind.exit_code == 2
    assert behind.stderr == (
        "hotfix-guard: main is 1 commit(s) behind origin/main: update it first "
        "(git switch main && git pull --ff-only origin main)\n"
    )
    repo.commit("Mine", {"README": "mine\n"})
    diverged = invoke("start", "Fix it", "--severity", "P1")
    assert diverged.exit_code == 2
    assert diverged.stderr == (
        "hotfix-guard: main has diverged from origin/main (1 commit(s) only here, 1 only there): "
        "reconcile it first (git switch main && git pull --rebase origin main)\n"
    )
    assert "hotfix/fix-it" not in repo.git("branch", "--list")


def test_start_reads_git_flow_settings(repo: Repo) -> None:
    repo.git("branch", "-m", "main", "production")
    repo.git("config", "gitflow.branch.master", "production")
    repo.git("config", "gitflow.prefix.hotfix", "hf/")
    result = invoke("start", "Fix it", "--severity", "P1", "--no-fetch")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "hotfix-guard: no remote configured: cutting from the local production as it is\n"
        "Started hf/fix-it from production at "
    )
    assert invoke("trailers").output.startswith("Severity: P1\n")


def test_a_refused_first_commit_leaves_nothing_behind(repo: Repo) -> None:
    repo.branch("feature/x")
    repo.commit("Feature work", {"feature.py": "X = 1\n"})
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'policy says no' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = repo.git("for-each-ref", "--format=%(refname) %(objectname)")
    result = invoke("start", "Fix it", "--severity", "P1")
    assert result.exit_code == 2
    assert result.stderr == (
        "hotfix-guard: the first commit of hotfix/fix-it was refused: policy says no\n"
    )
    assert repo.git("symbolic-ref", "--short", "HEAD") == "feature/x"
    assert repo.git("for-each-ref", "--format=%(refname) %(objectname)") == before
    assert (repo.path / "feature.py").exists() and repo.git("status", "--porcelain") == ""


def test_ctrl_c_in_a_hook_during_the_first_commit_leaves_nothing_behind(
    repo: Repo, tmp_path: Path
) -> None:
    marker = tmp_path / "committing"
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep 30\n")
    hook.chmod(0o755)
    before = repo.git("for-each-ref", "--format=%(refname) %(objectname)")
    result = run_until(repo, marker, "start", "Fix login", "--severity", "P2")
    assert result.returncode == 130, result.stdout + result.stderr
    assert result.stderr.endswith("hotfix-guard: interrupted\n")
    assert repo.git("for-each-ref", "--format=%(refname) %(objectname)") == before
    assert repo.git("symbolic-ref", "--short", "HEAD") == "main"
    hook.unlink()
    again = invoke("start", "Fix login", "--severity", "P2")
    assert again.exit_code == 0, again.output
