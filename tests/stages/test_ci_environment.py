"""What `hotfix-guard ci` checks, told from the variables GitHub Actions and GitLab CI set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotfix_guard.ci.environment import CiTarget, detect
from hotfix_guard.errors import UsageError

HEAD_SHA = "a" * 40
MERGE_SHA = "b" * 40


def github(**variables: str) -> dict[str, str]:
    return {"GITHUB_ACTIONS": "true", "CI": "true", **variables}


def gitlab(**variables: str) -> dict[str, str]:
    return {"GITLAB_CI": "true", "CI": "true", **variables}


def test_github_pull_request_checks_the_pr_head_not_the_merge_commit(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {"head": {"sha": HEAD_SHA}, "base": {"sha": "c" * 40}},
                "repository": {"default_branch": "main"},
            }
        )
    )
    environ = github(
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_EVENT_PATH=str(event),
        GITHUB_REF="refs/pull/7/merge",
        GITHUB_SHA=MERGE_SHA,
        GITHUB_HEAD_REF="hotfix/fix-login",
        GITHUB_BASE_REF="main",
    )
    assert detect(environ) == CiTarget(
        "github",
        "change",
        HEAD_SHA,
        branch="hotfix/fix-login",
        target="main",
        default_branch="main",
    )


def test_github_pull_request_without_an_event_file_uses_github_sha() -> None:
    environ = github(
        GITHUB_EVENT_NAME="pull_request_target",
        GITHUB_SHA=MERGE_SHA,
        GITHUB_HEAD_REF="hotfix/x",
        GITHUB_BASE_REF="main",
    )
    assert detect(environ) == CiTarget(
        "github", "change", MERGE_SHA, branch="hotfix/x", target="main"
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("refs/heads/hotfix/x", CiTarget("github", "branch", HEAD_SHA, branch="hotfix/x")),
        ("refs/tags/v1.2.4", CiTarget("github", "tag", HEAD_SHA, tag="v1.2.4")),
    ],
)
def test_github_push_of_a_branch_or_a_tag(ref: str, expected: CiTarget) -> None:
    environ = github(GITHUB_EVENT_NAME="push", GITHUB_REF=ref, GITHUB_SHA=HEAD_SHA)
    assert detect(environ) == expected


def test_gitlab_merge_request_prefers_the_source_sha_of_merged_results() -> None:
    environ = gitlab(
        CI_PIPELINE_SOURCE="merge_request_event",
        CI_COMMIT_SHA=MERGE_SHA,
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME="hotfix/fix-login",
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=HEAD_SHA,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
        CI_DEFAULT_BRANCH="main",
    )
    assert detect(environ) == CiTarget(
        "gitlab",
        "change",
        HEAD_SHA,
        branch="hotfix/fix-login",
        target="main",
        default_branch="main",
    )
    del environ["CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"]
    assert detect(environ).head == MERGE_SHA


def test_gitlab_tag_and_branch_pipelines() -> None:
    tag = gitlab(CI_COMMIT_SHA=HEAD_SHA, CI_COMMIT_TAG="v1.2.4", CI_COMMIT_REF_NAME="v1.2.4")
    assert detect(tag) == CiTarget("gitlab", "tag", HEAD_SHA, tag="v1.2.4")
    branch = gitlab(CI_COMMIT_SHA=HEAD_SHA, CI_COMMIT_BRANCH="main", CI_DEFAULT_BRANCH="main")
    assert detect(branch) == CiTarget(
        "gitlab", "branch", HEAD_SHA, branch="main", default_branch="main"
    )


def test_explicit_base_and_head_win_anywhere() -> None:
    assert detect({}, base="v1.2.3", head="hotfix/x") == CiTarget(
        "none", "explicit", "hotfix/x", base="v1.2.3"
    )
    environ = gitlab(CI_COMMIT_SHA=HEAD_SHA, CI_COMMIT_BRANCH="hotfix/x")
    assert detect(environ, base="main") == CiTarget(
        "gitlab", "explicit", HEAD_SHA, branch="hotfix/x", base="main"
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {},
            "no GitHub Actions or GitLab CI environment found: pass --head REF (and --base REF) "
            "to say what to check",
        ),
        (
            github(GITHUB_EVENT_NAME="pull_request", GITHUB_SHA=MERGE_SHA, GITHUB_BASE_REF="main"),
            "GITHUB_HEAD_REF is not set: run hotfix-guard ci inside the pipeline, or pass --head",
        ),
        (
            github(
                GITHUB_EVENT_NAME="workflow_dispatch",
                GITHUB_REF="refs/pull/1/merge",
                GITHUB_SHA=MERGE_SHA,
            ),
            "GitHub event workflow_dispatch on refs/pull/1/merge: not a pull request, branch or "
            "tag; pass --base and --head",
        ),
        (
            gitlab(CI_COMMIT_SHA=HEAD_SHA),
            "GitLab pipeline without CI_COMMIT_BRANCH, CI_COMMIT_TAG or a merge request: pass "
            "--base and --head",
        ),
    ],
)
def test_what_cannot_be_told_is_a_clear_error(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        detect(environ)
    assert str(raised.value) == message
