"""The five tag rules through `hotfix-guard check-tag`, on real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.catalog import RULES, TAG
from hotfix_guard.cli import cli
from tests.support.repos import Repo

TAG_RULES = [rule.name for rule in RULES if rule.subject == TAG]


def check_tag(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check-tag", *args])
    return result.exit_code, result.output


def first_line_of_rejection(repo: Repo, name: str, message: str | None) -> str:
    """Tag HEAD as NAME, check it, expect a failure, and return the first finding's line."""
    repo.tag(name, message)
    code, output = check_tag(name)
    assert code == 1, output
    return output.splitlines()[0]


def release_and_merge_a_hotfix(repo: Repo, how: str) -> Repo:
    """main released as v1.2.3, then hotfix/fix-login merged into main (HOW: --no-ff, --ff-only)."""
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login timeout", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("main")
    repo.merge("hotfix/fix-login", how)
    return repo


@pytest.fixture
def released(repo: Repo) -> Repo:
    return release_and_merge_a_hotfix(repo, "--no-ff")


def test_good_hotfix_tag_passes(released: Repo) -> None:
    released.tag("v1.2.4", "Hotfix: login times out after 5 s")
    assert check_tag("v1.2.4") == (
        0,
        "hotfix-guard passed: v1.2.4 is a good hotfix tag (its message starts with 'Hotfix:'): "
        f"{len(TAG_RULES)} checks passed ({', '.join(TAG_RULES)})\n",
    )


def test_lightweight_release_tag_is_rejected(released: Repo) -> None:
    released.tag("v1.2.4")
    code, output = check_tag("v1.2.4")
    assert code == 1
    merge = released.head()[:10]
    assert output.splitlines()[0] == (
        "v1.2.4: tag-annotated: v1.2.4 is a lightweight tag; a release tag is annotated, with a "
        f"message: git tag -a -f v1.2.4 -m 'Hotfix: <what it fixes>' {merge}"
    )
    assert output.splitlines()[1] == (
        "hotfix-guard failed: 1 error, 0 warnings (hotfix tag (it points at the merge of "
        "hotfix/fix-login) v1.2.4)"
    )


def test_hotfix_tag_with_the_wrong_message_is_rejected(released: Repo) -> None:
    assert first_line_of_rejection(released, "v1.2.4", "fix login") == (
        "v1.2.4: tag-message: the message 'fix login' does not start with 'Hotfix: ' (v1.2.4 is "
        "a hotfix tag: it points at the merge of hotfix/fix-login); write it as 'Hotfix: ' plus "
        "what it fixes: git tag -a -f v1.2.4 -m 'Hotfix: <what it fixes>' "
        f"{released.head()[:10]}"
    )


@pytest.mark.parametrize("message", ["Hotfix:", "Hotfix: fix", "Hotfix: v1.2.4"])
def test_hotfix_tag_message_needs_a_description(released: Repo, message: str) -> None:
    released.tag("v1.2.4", message)
    code, output = check_tag("v1.2.4")
    assert code == 1
    assert output.startswith(
        f"v1.2.4: tag-message: the message {message!r} does not say what the hotfix fixes ("
    )


@pytest.mark.parametrize(
    ("tag", "problem"),
    [
        ("v1.2.5", "v1.2.5 skips v1.2.4: after v1.2.3 comes v1.2.4"),
        ("v1.2.7", "v1.2.7 skips v1.2.4, v1.2.5, v1.2.6: after v1.2.3 comes v1.2.4"),
        ("v1.3.0", "v1.3.0 is not a patch release: after v1.2.3 a hotfix is v1.2.4"),
        ("v1.2.2", "v1.2.2 is not above v1.2.3, the latest release before it: use v1.2.4"),
    ],
)
def test_hotfix_tag_must_be_the_next_patch(released: Repo, tag: str, problem: str) -> None:
    assert (
        first_line_of_rejection(released, tag, "Hotfix: login times out")
        == f"{tag}: tag-version: {problem}"
    )


def test_pre_releases_and_other_tags_do_not_count_as_releases(released: Repo) -> None:
    released.tag("v1.2.4-rc.1", "Release candidate", target="HEAD~1")
    released.tag("deploy-prod", "deployed")
    released.tag("v1.2.4", "Hotfix: login times out")
    code, output = check_tag("v1.2.4-rc.1", "deploy-prod", "v1.2.4")
    assert code == 0
    assert output.splitlines() == [
        "v1.2.4-rc.1: not a release tag, no tag rule applies",
        "deploy-prod: not a release tag, no tag rule applies",
    ]


def test_hotfix_tag_must_be_on_main(released: Repo) -> None:
    released.branch("hotfix/fix-logout", "main")
    tip = released.commit("Fix logout", {"app/logout.py": "x = 1\n"})
    assert first_line_of_rejection(released, "v1.2.4", "Hotfix: logout hangs") == (
        f"v1.2.4: tag-target: v1.2.4 points at {tip[:10]} (Fix logout), which is not on main; "
        "merge the hotfix into main and tag the merge commit"
    )


def test_release_tag_in_another_spelling_gets_the_format_named(released: Repo) -> None:
    assert first_line_of_rejection(released, "1.2.4", "Hotfix: login times out") == (
        "1.2.4: tag-format: '1.2.4' looks like a release tag but does not match tag-format "
        "'v{major}.{minor}.{patch}'; name it 'v1.2.4'"
    )


def test_four_part_format_with_a_prefix(released: Repo) -> None:
    released.write(".hotfix-guard.toml", 'tag-format = "release-{major}.{minor}.{patch}.{build}"\n')
    released.tag("release-1.2.3.7", "Release", target="HEAD~1")
    assert first_line_of_rejection(released, "release-1.2.3.9", "Hotfix: login times out") == (
        "release-1.2.3.9: tag-version: release-1.2.3.9 skips release-1.2.3.8: after "
        "release-1.2.3.7 comes release-1.2.3.8"
    )


def test_a_hotfix_merge_is_recognised_by_its_subject_after_the_branch_is_gone(
    released: Repo,
) -> None:
    released.git("branch", "-D", "hotfix/fix-login")
    released.tag("v1.2.4", "Release 1.2.4")
    code, output = check_tag("v1.2.4")
    assert code == 1
    assert "(v1.2.4 is a hotfix tag: it points at the merge of hotfix/fix-login)" in output


def test_by_default_checks_the_local_tags_the_remote_lacks(released: Repo, remote: Path) -> None:
    released.git("push", "-q", "origin", "main", "v1.2.3")
    released.tag("v1.2.5", "Hotfix: login times out")
    code, output = check_tag()
    assert code == 1
    assert output.splitlines()[0].startswith("v1.2.5: tag-version: v1.2.5 skips v1.2.4")
    released.git("tag", "-d", "v1.2.5")
    assert check_tag() == (
        0,
        "hotfix-guard: every local tag is on origin already, nothing to check\n",
    )


def test_unknown_tag_and_unknown_remote_are_usage_errors(released: Repo) -> None:
    assert check_tag("v9.9.9") == (
        2,
        "hotfix-guard: no such tag: v9.9.9 (git tag --list shows the tags)\n",
    )
    code, output = check_tag("--remote", "nowhere")
    assert code == 2
    assert output.startswith("hotfix-guard: cannot list the tags of remote 'nowhere' (")


def test_rule_levels_apply_to_tag_rules(released: Repo) -> None:
    released.write(".hotfix-guard.toml", '[rules]\ntag-annotated = "warn"\n')
    released.tag("v1.2.4")
    code, output = check_tag("v1.2.4")
    assert code == 0
    assert "v1.2.4: tag-annotated: v1.2.4 is a lightweight tag" in output


def test_hotfix_tag_recognised_at_a_branch_tip_and_by_a_merged_parent(repo: Repo) -> None:
    release_and_merge_a_hotfix(repo, "--ff-only")
    assert "(v1.2.4 is a hotfix tag: it points at the tip of hotfix/fix-login)" in (
        first_line_of_rejection(repo, "v1.2.4", "Release 1.2.4")
    )
    repo.switch("hotfix/fix-login")
    repo.commit("Fix logout", {"app/logout.py": "x = 1\n"})
    repo.switch("main")
    repo.git("merge", "-q", "--no-ff", "-m", "Release train", "hotfix/fix-login")
    assert "(v1.2.5 is a hotfix tag: it points at the merge of hotfix/fix-login)" in (
        first_line_of_rejection(repo, "v1.2.5", "Release 1.2.5")
    )


def test_the_same_version_spelled_twice_is_a_duplicate(released: Repo) -> None:
    released.tag("v1.2.4", "Hotfix: login times out")
    assert first_line_of_rejection(released, "v1.2.04", "Hotfix: login times out") == (
        "v1.2.04: tag-version: v1.2.04 repeats the version of v1.2.4"
    )


def test_a_tag_push_pre_commit_reports_is_checked_as_the_pushed_tag_object(
    released: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    released.tag("v1.2.4", "fix login")
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", "refs/tags/v1.2.4")
    monkeypatch.setenv("PRE_COMMIT_REMOTE_BRANCH", "refs/tags/v1.2.4")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", released.git("rev-parse", "refs/tags/v1.2.4"))
    result = CliRunner().invoke(cli, ["hook", "--rule", "tag-message"])
    assert result.exit_code == 1
    assert result.output.startswith("v1.2.4: tag-message: the message 'fix login' does not start")
