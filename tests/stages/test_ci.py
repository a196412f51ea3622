"""`hotfix-guard ci` in a real CI-like clone: shallow, detached, few refs, config from main."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.support.ci import ci_clone, run_ci
from tests.support.repos import Repo, code_files, git

SARIF_SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text()
)
OVERRIDE = "Hotfix-Guard-Override: diff-size: the generated API client ships as one unit"


def github_pr(clone: Path, branch: str) -> dict[str, str]:
    head = git(clone, "rev-parse", "HEAD")
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_SHA": head,
        "GITHUB_REF": "refs/pull/1/merge",
        "GITHUB_HEAD_REF": branch,
        "GITHUB_BASE_REF": "main",
    }


def pushed_big_hotfix(repo: Repo, message: str = "Fix login") -> None:
    repo.branch("hotfix/big")
    # A hotfix carries its severity (the severity rule warns otherwise), in the trailer block.
    severity = "\nSeverity: P1" if "\n\n" in message else "\n\nSeverity: P1"
    repo.commit(message + severity, code_files(25), verify=False)
    repo.git("push", "-q", "--no-verify", "origin", "hotfix/big")


def test_a_pull_request_in_a_shallow_clone_fetches_what_it_needs(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    pushed_big_hotfix(repo)
    clone = ci_clone(remote, tmp_path, "hotfix/big")
    result = run_ci(clone, github_pr(clone, "hotfix/big"))
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "hotfix-guard ci: github request: hotfix/big into main (config from "
        "refs/remotes/origin/main)\n"
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("hotfix/big: diff-size: 25 changed files (limit 20)")
    assert lines[1].startswith("hotfix-guard failed: 1 error, 0 warnings (hotfix/big against main")


def test_the_same_hotfix_with_an_override_passes_in_every_format(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    pushed_big_hotfix(repo, f"Fix login\n\n{OVERRIDE}")
    clone = ci_clone(remote, tmp_path, "hotfix/big")
    environ = github_pr(clone, "hotfix/big")
    text = run_ci(clone, environ)
    assert text.returncode == 0, text.stderr
    assert "[overridden: the generated API client ships as one unit (commit" in text.stdout
    assert "hotfix-guard passed: 0 errors, 0 warnings, 1 overridden" in text.stdout
    data = json.loads(run_ci(clone, environ, "--format", "json").stdout)
    assert data["ok"] is True
    assert data["summary"] == {"errors": 0, "warnings": 0, "overridden": 1}
    assert data["findings"][0]["severity"] == "overridden"
    github = run_ci(clone, environ, "--format", "github").stdout
    assert "::notice title=diff-size (overridden)::hotfix/big: diff-size: 25 changed" in github
    sarif = json.loads(run_ci(clone, environ, "--format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": f"the generated API client ships as one unit (commit "
            f"{repo.head()[:12]})",
        }
    ]
    [issue] = json.loads(run_ci(clone, environ, "--format", "gitlab").stdout)
    assert issue["severity"] == "info" and issue["check_name"] == "diff-size"


def test_the_rules_come_from_the_target_branch(repo: Repo, remote: Path, tmp_path: Path) -> None:
    repo.branch("hotfix/big")
    repo.commit("Fix", {**code_files(25), ".hotfix-guard.toml": "max-files = 1000\n"})
    repo.git("push", "-q", "origin", "hotfix/big")
    clone = ci_clone(remote, tmp_path, "hotfix/big", depth=None)
    result = run_ci(clone, github_pr(clone, "hotfix/big"))
    assert result.returncode == 1
    assert "hotfix/big: diff-size: 26 changed files (limit 20)" in result.stdout


def test_a_clone_that_cannot_fetch_says_what_to_set(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    pushed_big_hotfix(repo)
    clone = ci_clone(remote, tmp_path, "hotfix/big")
    git(clone, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    result = run_ci(clone, github_pr(clone, "hotfix/big"))
    assert result.returncode == 2
    assert result.stderr.startswith("hotfix-guard: this clone lacks branch main and `git fetch ")
    assert result.stderr.endswith(
        "give the job the full history: `fetch-depth: 0` in actions/checkout (GitHub Actions) "
        "or `GIT_DEPTH: 0` in the job's variables (GitLab CI)\n"
    )


def test_a_gitlab_tag_pipeline_runs_the_tag_rules(repo: Repo, remote: Path, tmp_path: Path) -> None:
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    repo.tag("v1.2.5", "Hotfix: login times out")
    repo.git("push", "-q", "origin", "main", "v1.2.3", "v1.2.5")
    # Shallow and without tags: the tag rules need the releases before it, fetched from origin.
    clone = ci_clone(remote, tmp_path, "v1.2.5")
    environ = {
        "GITLAB_CI": "true",
        "CI_COMMIT_SHA": repo.head(),
        "CI_COMMIT_TAG": "v1.2.5",
        "CI_DEFAULT_BRANCH": "main",
    }
    result = run_ci(clone, environ)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(
        "v1.2.5: tag-version: v1.2.5 skips v1.2.4: after v1.2.3 comes v1.2.4"
    )
    explicit = run_ci(clone, {}, "--head", "v1.2.5")
    assert (explicit.returncode, explicit.stdout) == (1, result.stdout)
    assert result.stderr.startswith("hotfix-guard ci: gitlab tag pipeline: v1.2.5")


def test_main_and_other_branches(repo: Repo, remote: Path, tmp_path: Path) -> None:
    repo.branch("feature/x")
    repo.commit("feature", code_files(30, prefix="lib/f"))
    repo.git("push", "-q", "origin", "feature/x")
    clone = ci_clone(remote, tmp_path, "feature/x")
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push",
               "GITHUB_REF": "refs/heads/feature/x", "GITHUB_SHA": repo.head()}  # fmt: skip
    result = run_ci(clone, environ)
    assert (result.returncode, result.stdout) == (
        0,
        "hotfix-guard: feature/x: not a hotfix branch, nothing to check\n",
    )
    main = {**environ, "GITHUB_REF": "refs/heads/main", "GITHUB_SHA": repo.git("rev-parse", "main")}
    result = run_ci(clone, main)
    assert result.returncode == 0, result.stderr


def test_explicit_base_names_a_branch_the_clone_only_has_on_origin(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    pushed_big_hotfix(repo)
    clone = ci_clone(remote, tmp_path, "hotfix/big")
    result = run_ci(clone, {}, "--base", "main", "--head", "HEAD")
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "hotfix-guard ci: --head HEAD --base main (config from refs/remotes/origin/main)\n"
    )
    assert "diff-size: 25 changed files (limit 20)" in result.stdout


def test_explicit_base_and_head_and_output_file(repo: Repo, remote: Path, tmp_path: Path) -> None:
    pushed_big_hotfix(repo)
    report = tmp_path / "hotfix-guard.sarif"
    result = run_ci(
        repo.path,
        {},
        "--head",
        "hotfix/big",
        "--base",
        "main",
        "--format",
        "sarif",
        "--output",
        str(report),
    )
    assert result.returncode == 1
    assert result.stdout.startswith("hotfix/big: diff-size: 25 changed files")
    assert result.stderr == "hotfix-guard ci: --head hotfix/big --base main (config from main)\n"
    document = json.loads(report.read_text())
    jsonschema.validate(document, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    [finding] = document["runs"][0]["results"]
    assert finding["ruleId"] == "diff-size" and finding["level"] == "error"


@pytest.mark.parametrize("option", ["--tests"])
def test_tests_run_only_when_asked(repo: Repo, remote: Path, tmp_path: Path, option: str) -> None:
    repo.commit("configure", {".hotfix-guard.toml": 'test-commands = ["false"]\n'})
    repo.git("push", "-q", "origin", "main")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"})
    without = run_ci(repo.path, {}, "--head", "hotfix/fix-login")
    assert without.returncode == 0, without.stdout + without.stderr
    with_tests = run_ci(repo.path, {}, "--head", "hotfix/fix-login", option)
    assert with_tests.returncode == 1
    assert "hotfix/fix-login: tests: " in with_tests.stdout


def test_a_github_pull_request_checked_out_as_its_merge_commit(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    """What actions/checkout does by default: fetch refs/pull/N/merge at depth 1."""
    pushed_big_hotfix(repo)
    head = repo.head()
    repo.switch("main")
    repo.commit("meanwhile on main", {"README": "more\n"})
    repo.git("push", "-q", "origin", "main")
    repo.merge("hotfix/big", "--no-ff")
    repo.git("push", "-q", "origin", "HEAD:refs/pull/1/merge")
    clone = tmp_path / "ci"
    git(tmp_path, "init", "-q", str(clone))
    git(clone, "remote", "add", "origin", remote.as_uri())
    git(clone, "fetch", "-q", "--no-tags", "--depth=1", "origin", "+refs/pull/1/merge")
    git(clone, "checkout", "-q", "--detach", "FETCH_HEAD")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"head": {"sha": head}}}))
    environ = {**github_pr(clone, "hotfix/big"), "GITHUB_EVENT_PATH": str(event)}
    result = run_ci(clone, environ)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    # The PR's own commits are judged, not the merge commit (which would merge main in).
    assert [line.split(": ")[1] for line in lines[:-3]] == ["diff-size"]
    assert lines[-3].startswith("hotfix-guard failed: 1 error, 0 warnings (hotfix/big against main")
    assert lines[-1].startswith("To fix: if diff-size must not hold for this hotfix, record why")


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "larger than 25 MB, not an event payload"),  # /dev/zero
        ("[" * 200_000, "nested too deeply"),
    ],
)
def test_a_runaway_or_deep_event_file_is_one_line(
    repo: Repo, remote: Path, tmp_path: Path, content: str | None, why: str
) -> None:
    pushed_big_hotfix(repo)
    event = Path("/dev/zero")
    if content is not None:
        event = tmp_path / "event.json"
        event.write_text(content)
    environ = {**github_pr(repo.path, "hotfix/big"), "GITHUB_EVENT_PATH": str(event)}
    result = run_ci(repo.path, environ)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"hotfix-guard: GITHUB_EVENT_PATH {str(event)!r} cannot be read as JSON: {why}\n"
    )


def test_an_unwritable_output_file_is_one_line_after_the_text_report(
    repo: Repo, remote: Path, tmp_path: Path
) -> None:
    pushed_big_hotfix(repo)
    target = tmp_path / "missing-folder" / "report.sarif"
    result = run_ci(
        repo.path, {}, "--head", "hotfix/big", "--base", "main", "--format", "sarif",
        "--output", str(target),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout.startswith("hotfix/big: diff-size: 25 changed files")
    assert result.stderr.splitlines()[-1] == (
        f"hotfix-guard: --output {str(target)!r}: cannot write it (No such file or directory); "
        "the text report above is the check's result"
    )
