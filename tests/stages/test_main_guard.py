"""What lands on main is exactly the checked hotfix: real repositories, a bare origin guarded by
hooks/pre-receive, pushes from a clone without client hooks, and `ci` in a fresh clone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.stages.test_server_e2e import push, remote_lines
from tests.support.ci import ci_clone, run_ci
from tests.support.repos import Repo, code_files

OVERRIDE_DIFF_SIZE = "Hotfix-Guard-Override: diff-size, rename: the generated client ships whole"


def hook_pre_push(repo: Repo, lines: str) -> subprocess.CompletedProcess[str]:
    """`hotfix-guard hook --stage pre-push origin URL` as git's pre-push hook calls it."""
    return subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "hook", "--stage", "pre-push", "origin", "url"],
        input=lines,
        capture_output=True,
        text=True,
    )


def clone(remote: Path, tmp_path: Path, name: str = "ci") -> Path:
    target = tmp_path / name
    subprocess.run(["git", "clone", "-q", str(remote), str(target)], check=True)
    return target


def ci_on(clone_path: Path, *args: str) -> tuple[int, str]:
    result = run_ci(clone_path, {}, *args)
    return result.returncode, result.stdout + result.stderr


def noisy_hotfix_merged_locally(repo: Repo) -> str:
    """hotfix/quick-fix: a rename and 25 new files, merged --no-ff into main with no hook run."""
    repo.branch("hotfix/quick-fix")
    repo.git("mv", "app/main.py", "app/entry.py")
    repo.commit("Quick fix\n\nSeverity: P1", code_files(25), verify=False)
    repo.switch("main")
    repo.merge("hotfix/quick-fix", "--no-ff")
    return repo.head()


# --- case 4: the committed config judges at push time ------------------------------------------


def test_an_uncommitted_config_does_not_switch_off_the_tag_rules_at_pre_push(repo: Repo) -> None:
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.tag("v1.2.4")  # lightweight
    lines = f"refs/tags/v1.2.4 {repo.head()} refs/tags/v1.2.4 {'0' * 40}\n"
    refused = hook_pre_push(repo, lines)
    assert refused.returncode == 1
    assert "v1.2.4: tag-annotated: v1.2.4 is a lightweight tag" in refused.stdout
    repo.write(".hotfix-guard.toml", '[rules]\ntag-annotated = "off"\ntag-message = "off"\n')
    still = hook_pre_push(repo, lines)
    assert (still.returncode, still.stdout) == (refused.returncode, refused.stdout)


def test_main_is_found_by_its_committed_config_not_the_work_tree(repo: Repo) -> None:
    """An uncommitted main-branch = "develop" would make a push of main a push of another branch."""
    repo.commit("Direct change", {"app/main.py": "def main():\n    return 9\n"}, verify=False)
    repo.write(".hotfix-guard.toml", 'main-branch = "develop"\n')
    repo.git("branch", "develop")
    before = repo.git("rev-parse", "HEAD~1")
    result = hook_pre_push(repo, f"refs/heads/main {repo.head()} refs/heads/main {before}\n")
    assert result.returncode == 1, result.stdout
    assert "main: main-landing: 1 commit lands on main without a merge of" in result.stdout


# --- main-landing and the hotfix merges, on the server and in ci -------------------------------


def test_a_polluted_main_is_refused_by_the_server_and_by_ci(
    repo: Repo, server: Path, tmp_path: Path
) -> None:
    before = repo.head()
    repo.branch("develop")
    repo.commit("Unreleased feature", {"app/feature.py": "x = 1\n"}, verify=False)
    repo.commit("Another feature", {"app/other.py": "y = 2\n"}, verify=False)
    assert push(repo, "develop")[0] == 0
    repo.switch("main")
    repo.git("merge", "-q", "--ff-only", "develop")
    status, output = push(repo, "main")
    assert status == 1
    lines = remote_lines(output)
    second, first = repo.git("rev-parse", "main", "main~1").split()
    assert lines[0] == (
        "remote: main: main-landing: 2 commits land on main without a merge of hotfix/*, "
        f"release/* (a direct commit, a fast-forward or a squash): {second[:10]} Another "
        f"feature; {first[:10]} Unreleased feature; main moves only by merges of hotfix and "
        "release branches"
    )
    assert (
        f"remote: To fix: main-landing: git branch main-landed-by-mistake {repo.head()[:12]} "
        f"&& git switch main && git reset --keep {before[:12]}"
    ) in lines
    # The same main in CI: what main's before-commit was is --base (a push event's `before`).
    repo.git("push", "-q", "--no-verify", "origin", "develop:refs/heads/pushed")
    code, text = ci_on(clone(server, tmp_path), "--base", before, "--head", "origin/pushed")
    assert code == 0, text  # not main: another branch, nothing to check
    clone_path = clone(server, tmp_path, "ci2")
    subprocess.run(["git", "-C", str(clone_path), "merge", "-q", "origin/develop"], check=True)
    code, text = ci_on(clone_path, "--base", before, "--head", "main")
    assert code == 1, text
    assert "main: main-landing: 2 commits land on main without a merge of" in text


def test_a_noisy_hotfix_merged_locally_is_judged_until_an_override_is_recorded(
    repo: Repo, server: Path, tmp_path: Path
) -> None:
    before = repo.head()
    merge = noisy_hotfix_merged_locally(repo)
    status, output = push(repo, "main")
    assert status == 1
    lines = remote_lines(output)
    where = f"hotfix/quick-fix (merged into main by {merge[:12]})"
    assert lines[0].startswith(f"remote: {where}: diff-size: 26 changed files (limit 20)")
    assert lines[1:3] == [
        "remote: app/entry.py:1: rename: renamed: app/main.py -> app/entry.py (similarity 100%)",
        f"remote: hotfix-guard failed: 2 errors, 0 warnings (main: main at {merge[:12]} (from "
        f"{before[:12]}); {where})",
    ]
    # ci on main, in a clone of what the pusher has: the same verdict.
    subprocess.run(["git", "push", "-q", "--no-verify", "origin", "main:refs/heads/candidate"])
    clone_path = clone(server, tmp_path)
    subprocess.run(["git", "-C", str(clone_path), "merge", "-q", "origin/candidate"], check=True)
    code, text = ci_on(clone_path, "--base", before, "--head", "main")
    assert code == 1, text
    assert f"{where}: diff-size: 26 changed files (limit 20)" in text
    assert push(repo, ":candidate")[0] == 0
    # The override is recorded on the hotfix branch (a commit carrying the trailer), merged again.
    repo.git("reset", "-q", "--hard", before)
    repo.switch("hotfix/quick-fix")
    message = f"Override\n\n{OVERRIDE_DIFF_SIZE}"
    repo.git("commit", "-q", "--allow-empty", "--no-verify", "-m", message)
    repo.switch("main")
    repo.merge("hotfix/quick-fix", "--no-ff")
    status, output = push(repo, "main")
    assert status == 0, output
    lines = remote_lines(output)
    assert any(
        line.startswith(f"remote: {where.replace(merge[:12], repo.head()[:12])}: diff-size: ")
        and "overridden" in line
        for line in lines
    ), lines
    listed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "overrides"], capture_output=True, text=True
    )
    assert "diff-size, rename: the generated client ships whole" in listed.stdout, listed


def test_a_merge_of_a_hotfix_branch_in_the_wrong_case_is_a_branch_name_error(
    repo: Repo, server: Path
) -> None:
    before = repo.head()
    repo.branch("Hotfix/quick-fix")
    repo.commit("Quick fix\n\nSeverity: P1", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("main")
    repo.merge("Hotfix/quick-fix", "--no-ff")
    merge = repo.head()
    status, output = push(repo, "main")
    assert status == 1, output
    where = f"Hotfix/quick-fix (merged into main by {merge[:12]})"
    lines = remote_lines(output)
    assert lines[:2] == [
        f"remote: {where}: branch-name: 'Hotfix/quick-fix' matches branch-patterns "
        "('hotfix/*') only when case is ignored, so no hotfix check ran; rename it: "
        "git branch -m Hotfix/quick-fix hotfix/quick-fix",
        f"remote: hotfix-guard failed: 1 error, 0 warnings (main: main at {merge[:12]} (from "
        f"{before[:12]}); {where})",
    ]
    assert "remote: To fix: branch-name: git branch -m Hotfix/quick-fix hotfix/quick-fix" in lines


# --- what a hotfix tag ships; main's rules in ci --------------------------------------------------


def test_a_hotfix_tag_that_ships_more_than_its_hotfix_is_refused(repo: Repo) -> None:
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.branch("develop")
    repo.commit("Unreleased feature", {"app/feature.py": "x = 1\n"}, verify=False)
    repo.switch("main")
    repo.git("merge", "-q", "--ff-only", "develop")  # the polluted main
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.tag("v1.2.4", "Hotfix: login times out")
    feature = repo.git("rev-parse", "develop")
    result = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "check-tag", "v1.2.4"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout
    assert result.stdout.splitlines()[0] == (
        "v1.2.4: tag-target: v1.2.4 ships 1 commit that is not part of the hotfix it tags (its "
        f"message starts with 'Hotfix:'), on top of v1.2.3: {feature[:10]} Unreleased feature; "
        "a hotfix tag ships its hotfix alone"
    )


def test_ci_on_main_runs_mains_rules(repo: Repo, remote: Path, tmp_path: Path) -> None:
    """Case 5: `ci --base v1.2.3 --head main` said "main: not a hotfix branch"."""
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.git("branch", "develop")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login\n\nSeverity: P1", {"app/main.py": "x = 1\n"}, verify=False)
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.git("push", "-q", "--no-verify", "origin", "main", "develop", "v1.2.3")
    code, text = ci_on(clone(remote, tmp_path), "--base", "v1.2.3", "--head", "main")
    assert code == 0, text
    assert (
        "hotfix/fix-login: backport: merged into main on " in text
        and "but has not reached origin/develop" in text
    )
    assert "not a hotfix branch" not in text


def test_ci_on_a_github_push_of_main_judges_the_hotfix_merge_it_lands(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    """Case 2: the push event of a main that merged a noisy hotfix locally exited 0."""
    before = repo.head()
    merge = noisy_hotfix_merged_locally(repo)
    repo.git("push", "-q", "--no-verify", "origin", "main")  # a forge without the hook
    clone_path = ci_clone(remote, tmp_path, "main")  # shallow, detached, as actions/checkout
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": before, "repository": {"default_branch": "main"}}))
    environ = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SHA": merge,
        "GITHUB_EVENT_PATH": str(event),
    }
    result = run_ci(clone_path, environ)
    assert result.returncode == 1, result.stdout + result.stderr
    where = f"hotfix/quick-fix (merged into main by {merge[:12]})"
    assert f"{where}: diff-size: 26 changed files (limit 20)" in result.stdout
    assert f"(config from {before})" in result.stderr  # main's config before the push
