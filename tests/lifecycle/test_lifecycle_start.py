"""start: cut hotfix/<slug> from an up-to-date main and record the incident in trailers."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from hotfix_guard.lifecycle import common
from tests.support.lifecycle import DETECTED, invoke, run_until
from tests.support.repos import Repo, git


def trailers_of(repo: Repo, rev: str = "HEAD") -> str:
    return repo.git("log", "-1", "--format=%(trailers:only,unfold)", rev)


def test_start_cuts_the_branch_and_records_the_incident(
    repo: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "now", lambda: datetime(2026, 11, 28, 23, 0, tzinfo=timezone.utc))
    result = invoke(
        "start", "Fix login timeout", "--severity", "P3", "--incident", "INC-7",
        "--detected", DETECTED,
    )  # fmt: skip
    main = repo.git("rev-parse", "main")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Started hotfix/fix-login-timeout from main at {main[:12]}.\n"
        f"Incident: P3, incident INC-7, detected {DETECTED}.\n"
        "Response clock (detection to the first response in git): 50m; target for P3: 1d, met.\n"
        "Restore clock (detection to the hotfix tag): running for 50m; no target for P3 (set "
        "restore-within).\n"
        "Next: commit the fix (each commit carries the incident's trailers through the\n"
        "hotfix-trailers hook), then: hotfix-guard finish --push\n"
    )
    assert repo.git("symbolic-ref", "--short", "HEAD") == "hotfix/fix-login-timeout"
    assert repo.git("log", "-1", "--format=%s") == "Start hotfix: Fix login timeout"
    assert trailers_of(repo) == (
        f"Severity: P3\nIncident: INC-7\nDetected: {DETECTED}\nMitigation: hotfix"
    )
    assert repo.git("rev-parse", "HEAD~1") == main


def test_start_measures_the_response_at_its_edge_and_runs_the_restore_clock(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """P0's "immediate" is 15 minutes: a start at 15m meets it, at 15m 1s misses it."""
    repo.write(".hotfix-guard.toml", '[severity.P0]\nrestore-within = "1h"\n')
    repo.commit("Restore target", {})
    monkeypatch.setattr(common, "now", lambda: datetime(2026, 11, 28, 0, 15, tzinfo=timezone.utc))
    result = invoke("start", "Fix it", "--severity", "P0", "--detected", "2026-11-28T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert "no remote configured: cutting from the local main as it is\n" in result.output
    assert result.output.splitlines()[3:5] == [
        "Response clock (detection to the first response in git): 15m; target for P0: 15m, met.",
        "Restore clock (detection to the hotfix tag): running for 15m; target for P0: 1h, due "
        "2026-11-28T01:00:00Z (45m left).",
    ]
    repo.switch("main")
    late = invoke("start", "Fix other", "--severity", "P0", "--detected", "2026-11-27T23:59:59Z")
    assert late.exit_code == 0, late.output
    assert late.output.splitlines()[3] == (
        "Response clock (detection to the first response in git): 15m; target for P0: 15m, "
        "missed by 1s."
    )


def test_start_slugs_a_non_ascii_description(repo: Repo) -> None:
    result = invoke("start", "Réparer l'écran de connexion!", "--severity", "P2")
    assert result.exit_code == 0, result.output
    assert repo.git("symbolic-ref", "--short", "HEAD") == "hotfix/reparer-l-ecran-de-connexion"
    assert repo.git("log", "-1", "--format=%s") == "Start hotfix: Réparer l'écran de connexion!"


def test_start_transliterates_cyrillic_and_says_what_it_takes(repo: Repo) -> None:
    result = invoke("start", "Ошибка входа в систему", "--severity", "P2")
    assert result.exit_code == 0, result.output
    assert repo.git("symbolic-ref", "--short", "HEAD") == "hotfix/oshibka-vkhoda-v-sistemu"
    repo.switch("main")
    refused = invoke("start", "登录失败", "--severity", "P2")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "hotfix-guard: the description '登录失败' has no letters or digits for a branch name "
        "(ASCII letters and digits; accents are dropped, Cyrillic is transliterated, other "
        'scripts are not): describe the fix in words (e.g. "fix login timeout")\n'
    )


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
    for far in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00+01:00"):
        overflow = invoke("start", "Fix that", "--severity", "P1", "--detected", far)
        assert overflow.exit_code == 2
        assert overflow.stderr == (
            f"hotfix-guard: {far!r} is out of range: a time between the years 1970 and 2999\n"
        )
    assert "refs/heads/hotfix/fix-that" not in repo.git("for-each-ref")
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
    mine = repo.commit("Mine", {"README": "mine\n"})
    diverged = invoke("start", "Fix it", "--severity", "P1")
    assert diverged.exit_code == 2
    assert diverged.stderr == (
        f"hotfix-guard: main has 1 commit(s) that origin/main lacks ({mine[:10]} Mine): they are "
        "not released, and a hotfix built on main would ship them; keep them on a branch and put "
        f"main back to origin/main (git branch main-unpushed-{mine[:8]} main && git switch main "
        "&& git reset --keep origin/main)\n"
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


def test_start_refuses_a_main_that_has_commits_origin_lacks_and_its_fix_loses_nothing(
    repo: Repo, remote: Path
) -> None:
    """Local main fast-forwarded to develop by mistake: 4 unreleased commits would ship."""
    repo.branch("develop")
    work = [
        repo.commit(f"Develop work {n}", {f"app/feature_{n}.py": f"F = {n}\n"}) for n in range(4)
    ]
    repo.switch("main")
    repo.git("merge", "-q", "--ff-only", "develop")
    refused = invoke("start", "Fix it", "--severity", "P1", "--incident", "INC-9")
    assert refused.exit_code == 2
    keep = f"main-unpushed-{work[3][:8]}"
    shown = "; ".join(f"{sha[:10]} Develop work {n}" for n, sha in reversed(list(enumerate(work))))
    assert refused.stderr == (
        "hotfix-guard: main has 4 commit(s) that origin/main lacks ("
        + "; ".join(shown.split("; ")[:3])
        + " and 1 more): they are not released, and a hotfix built on main would ship them; keep "
        f"them on a branch and put main back to origin/main (git branch {keep} main && git "
        "switch main && git reset --keep origin/main)\n"
    )
    assert "hotfix/fix-it" not in repo.git("branch", "--list")
    fix = refused.stderr.split("(git branch ", 1)[1].rstrip(")\n")
    subprocess.run(f"git branch {fix}", shell=True, cwd=repo.path, check=True, capture_output=True)
    assert repo.git("rev-parse", keep) == work[3]  # nothing lost
    assert repo.git("rev-parse", "main") == repo.git("rev-parse", "origin/main")
    assert invoke("start", "Fix it", "--severity", "P1").exit_code == 0


def test_start_refuses_a_detection_time_in_the_future_beyond_clock_skew(repo: Repo) -> None:
    now = datetime.now(timezone.utc)
    later = (now + timedelta(hours=12, minutes=42)).strftime("%Y-%m-%dT%H:%M:%SZ")
    refused = invoke("start", "Fix it", "--severity", "P1", "--detected", later)
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"hotfix-guard: --detected {later} is 12h 4")
    assert refused.stderr.endswith(
        " in the future (now "
        + refused.stderr.split("(now ", 1)[1].split(";")[0]
        + "; up to 5m of clock skew is tolerated): give the time the incident was detected, "
        "or now\n"
    )
    assert "hotfix/fix-it" not in repo.git("branch", "--list")
    skewed = (now + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    accepted = invoke("start", "Fix it", "--severity", "P1", "--detected", skewed)
    assert accepted.exit_code == 0, accepted.output
    assert "ahead of this machine's clock: tolerated as clock skew (up to 5m)\n" in accepted.output


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        (
            "--incident",
            "INC-1\nHotfix-Guard-Override: diff-size: thirty files at once",
            "--incident 'INC-1\\nHotfix-Guard-Override: diff-size: thirty files at once'",
        ),
        ("--incident", "INC-1\u2028Severity: P3", "--incident 'INC-1\\u2028Severity: P3'"),
        (
            "description",
            "Fix it\n\nHotfix-Guard-Override: rename: moved for good",
            "the description 'Fix it\\n\\nHotfix-Guard-Override: rename: moved for good'",
        ),
    ],
)
def test_start_values_are_one_line_and_cannot_write_a_trailer(
    repo: Repo, option: str, value: str, shown: str
) -> None:
    args = ["start", value if option == "description" else "Fix it", "--severity", "P1"]
    if option != "description":
        args += [option, value]
    refused = invoke(*args)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"hotfix-guard: {shown} is not one line of printable characters: a line break or control "
        "character in it could write a trailer of its own; give one line\n"
    )
    assert repo.git("branch", "--list", "hotfix/*") == ""
    assert "Hotfix-Guard-Override" not in repo.git("log", "--all", "--format=%B")


def test_start_values_are_bounded(repo: Repo) -> None:
    refused = invoke("start", "Fix it", "--severity", "P1", "--incident", "I" * 201)
    assert refused.exit_code == 2
    assert refused.stderr == (
        "hotfix-guard: --incident is 201 characters long (at most 200): shorten it (link the "
        "details instead)\n"
    )


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
