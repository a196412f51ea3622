"""finish and the version files through real git: the bump before the merge, the version-files
tag rule, and the backport that keeps develop's own version."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hotfix_guard.cli import cli
from tests.support.lifecycle import FIXED, invoke, start_hotfix
from tests.support.repos import Repo
from tests.support.version import FILES

BRANCH = "hotfix/fix-login-timeout"
PACKAGE = FILES["package.json"][0]
PYPROJECT = FILES["pyproject.toml"][0]


def develop_version(text: bytes) -> bytes:
    return text.replace(b"1.2.3", b"1.3.0-dev")


def release_with(repo: Repo, main: dict[str, str | bytes], develop: dict[str, str | bytes]) -> Repo:
    """MAIN's files released as v1.2.3; develop changes them to DEVELOP and has a feature; a
    hotfix fixes app/main.py. Everything but the hotfix is on origin."""
    repo.commit("Version files", main)
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.branch("develop")
    repo.commit("Start 1.3.0", develop)
    repo.commit("Develop work", {"app/feature.py": "FEATURE = 1\n"})
    repo.switch("main")
    repo.git("push", "-q", "origin", "main", "develop", "v1.2.3")
    start_hotfix(repo)
    repo.commit("Return 1 on login timeout", {"app/main.py": FIXED})
    return repo


@pytest.fixture
def versioned(repo: Repo, remote: Path) -> Repo:
    """A JavaScript and Python project released as v1.2.3; develop has moved on to 1.3.0-dev
    (its version lines differ from main's)."""
    return release_with(
        repo,
        {"package.json": PACKAGE, "pyproject.toml": PYPROJECT},
        {"package.json": develop_version(PACKAGE), "pyproject.toml": develop_version(PYPROJECT)},
    )


def show(repo: Repo, rev: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=repo.path, capture_output=True, check=True
    ).stdout


def test_dry_run_shows_the_bump_and_changes_nothing(versioned: Repo) -> None:
    tip = versioned.head()
    result = invoke("finish", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:4] == [
        f"  1. commit 'Bump version to 1.2.4' on {BRANCH} (package.json, pyproject.toml)",
        f"  2. merge {BRANCH} into main (--no-ff)",
        "  3. tag main's merge commit v1.2.4 (annotated, 'Hotfix: Fix login timeout')",
    ]
    assert "note: bump to 1.2.4: package.json:3 1.2.3, pyproject.toml:3 1.2.3" in result.output
    assert versioned.head() == tip and versioned.git("status", "--porcelain") == ""


def test_finish_bumps_tags_and_backports_keeping_develops_version(versioned: Repo) -> None:
    """develop on 1.3.0-dev: the backport's conflict is only about version lines, resolved."""
    develop_before = versioned.git("rev-parse", "develop")
    result = invoke("finish")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "note: bump to 1.2.4: package.json:3 1.2.3, pyproject.toml:3 1.2.3",
        f"done: commit 'Bump version to 1.2.4' on {BRANCH} (package.json, pyproject.toml)",
    ]
    assert result.output.splitlines()[-5:] == [
        f"finished {BRANCH}: main tagged v1.2.4",
        "  backported into develop",
        "  version files: develop: package.json: resolved a conflict only about its version "
        "lines: it states 1.3.0-dev",
        "  version files: develop: pyproject.toml: resolved a conflict only about its version "
        "lines: it states 1.3.0-dev",
        "  not pushed: git push --atomic origin main develop v1.2.4",
    ]
    # The bump is its own commit on the hotfix branch, and it is exactly the version's bytes.
    assert versioned.git("log", "-1", "--format=%s", BRANCH) == "Bump version to 1.2.4"
    assert versioned.git("diff", "--numstat", f"{BRANCH}^", BRANCH) == (
        "1\t1\tpackage.json\n1\t1\tpyproject.toml"
    )
    for path in ("package.json", "pyproject.toml"):
        assert show(versioned, "v1.2.4", path) == FILES[path][1]
        assert show(versioned, "main", path) == FILES[path][1]
        assert show(versioned, "develop", path) == develop_version(FILES[path][0])
    # The fix is on both; develop's own work stays; develop's merge is of the tag.
    assert show(versioned, "main", "app/main.py") == FIXED.encode()
    assert show(versioned, "develop", "app/main.py") == FIXED.encode()
    assert show(versioned, "develop", "app/feature.py") == b"FEATURE = 1\n"
    assert versioned.git("rev-parse", "develop^1") == develop_before
    assert versioned.git("rev-parse", "develop^2") == versioned.git("rev-parse", "v1.2.4^{}")
    checked = invoke("check-tag", "-v", "v1.2.4")
    assert checked.exit_code == 0, checked.output
    assert checked.output.splitlines()[0] == (
        "v1.2.4: version files: package.json:3 (1.2.4); pyproject.toml:3 (1.2.4)"
    )


def test_a_develop_on_the_old_version_keeps_it_too(versioned: Repo) -> None:
    """develop at 1.2.3 like main: git would merge 1.2.4 in cleanly; develop keeps 1.2.3."""
    versioned.switch("develop")
    versioned.commit("Back to 1.2.3", {"package.json": PACKAGE, "pyproject.toml": PYPROJECT})
    versioned.git("push", "-q", "origin", "develop")
    versioned.switch(BRANCH)
    result = invoke("finish")
    assert result.exit_code == 0, result.output
    assert "  version files: develop: package.json: resolved it: it states 1.2.3" in result.output
    assert show(versioned, "develop", "package.json") == PACKAGE
    assert show(versioned, "main", "package.json") == FILES["package.json"][1]
    assert versioned.git("log", "-1", "--format=%s", "develop") == (
        f"Merge tag 'v1.2.4' into develop: backport of {BRANCH}"
    )


def test_a_settled_backport_is_committed_once_with_its_hooks(
    versioned: Repo, tmp_path: Path
) -> None:
    """develop at 1.2.3: the merge waits uncommitted until its version is settled, then one
    commit runs the hooks git runs for a merge it concludes with `git commit` (no amend)."""
    versioned.switch("develop")
    versioned.commit("Back to 1.2.3", {"package.json": PACKAGE, "pyproject.toml": PYPROJECT})
    versioned.git("push", "-q", "origin", "develop")
    versioned.switch(BRANCH)
    log = tmp_path / "hooks.log"
    for name in ("pre-commit", "pre-merge-commit", "prepare-commit-msg", "commit-msg"):
        hook = versioned.path / ".git" / "hooks" / name
        hook.write_text(f'#!/bin/sh\necho "$HOTFIX_GUARD_FINISH {name}" >> "{log}"\n')
        hook.chmod(0o755)
    develop_before = versioned.git("rev-parse", "develop")
    result = invoke("finish")
    assert result.exit_code == 0, result.output
    backport = [line for line in log.read_text().splitlines() if line.startswith("backport:")]
    assert backport == [
        "backport:develop pre-commit",
        "backport:develop prepare-commit-msg",
        "backport:develop commit-msg",
    ]
    assert versioned.git("reflog", "-2", "--format=%gs", "develop").splitlines() == [
        f"commit (merge): Merge tag 'v1.2.4' into develop: backport of {BRANCH}",
        "commit: Back to 1.2.3",
    ]
    assert versioned.git("log", "-1", "--format=%P", "develop") == (
        f"{develop_before} {versioned.git('rev-parse', 'v1.2.4^{}')}"
    )
    assert show(versioned, "develop", "package.json") == PACKAGE


def test_another_conflict_in_the_backport_stops_as_before(versioned: Repo) -> None:
    versioned.switch("develop")
    versioned.commit("Develop rewrites main", {"app/main.py": "def main():\n    return 2\n"})
    versioned.git("push", "-q", "origin", "develop")
    versioned.switch(BRANCH)
    result = invoke("finish")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "finish stopped at step 4 of 5, backport:develop: merging into develop: conflicts in "
        "app/main.py"
    )
    # The version files' own conflict is settled already: only the real one is left.
    assert versioned.git("diff", "--name-only", "--diff-filter=U") == "app/main.py"
    assert (versioned.path / "package.json").read_bytes() == develop_version(PACKAGE)


def test_no_bump_skips_it_and_says_what_the_tag_rule_will_say(versioned: Repo) -> None:
    result = invoke("finish", "--no-bump", "--no-backport")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "note: --no-bump: package.json:3 1.2.3, pyproject.toml:3 1.2.3 not bumped to 1.2.4: the "
        'version-files rule refuses the tag unless it is off (rules.version-files = "off") or '
        "version-files = []"
    )
    assert versioned.git("log", "-1", "--format=%s", BRANCH) == "Return 1 on login timeout"
    checked = invoke("check-tag", "v1.2.4")
    assert checked.exit_code == 1
    assert checked.output.splitlines()[:2] == [
        "package.json:3: version-files: states version 1.2.3, but the hotfix tag v1.2.4 "
        "releases 1.2.4",
        "pyproject.toml:3: version-files: states version 1.2.3, but the hotfix tag v1.2.4 "
        "releases 1.2.4",
    ]


def test_a_stale_version_in_a_pushed_hotfix_tag_is_refused_at_pre_push(versioned: Repo) -> None:
    versioned.switch("main")
    versioned.merge(BRANCH, "--no-ff")
    versioned.tag("v1.2.4", "Hotfix: Fix login timeout")
    tag = versioned.git("rev-parse", "v1.2.4")
    pushed = f"refs/tags/v1.2.4 {tag} refs/tags/v1.2.4 {'0' * 40}\n"
    result = invoke_with_input(["hook", "--stage", "pre-push", "origin", "unused"], pushed)
    assert result.exit_code == 1, result.output
    assert (
        "package.json:3: version-files: states version 1.2.3, but the hotfix tag v1.2.4 releases "
        "1.2.4" in result.output.splitlines()
    )


def invoke_with_input(args: list[str], stdin: str) -> Result:
    return CliRunner().invoke(cli, args, input=stdin)


def test_the_version_files_config_is_validated(versioned: Repo) -> None:
    versioned.write(".hotfix-guard.toml", 'version-files = ["../outside.json"]\n')
    result = invoke("status")
    assert result.exit_code == 2
    assert result.output == (
        "hotfix-guard: .hotfix-guard.toml: version-files = ['../outside.json'] is invalid: "
        "expected a list of files in the repository, each 'path' or 'path:key' "
        "(e.g. 'package.json', 'src/app/__init__.py:__version__', 'Chart.yaml:appVersion'); "
        "not '../outside.json'\n"
    )


CHANGELOG = (
    b"# Changelog\n\n## [Unreleased]\n\n## [1.2.3] - 2026-11-01\n\n### Fixed\n\n"
    b"- A crash at checkout\n\n[1.2.3]: https://example.com/v1.2.3\n"
)
UNRELEASED = b"## [Unreleased]\n\n### Added\n\n- Dark mode\n\n"


def test_a_configured_changelog_gets_the_entry_and_develop_keeps_its_own_changes(
    repo: Repo, remote: Path
) -> None:
    config = b'changelog = "CHANGELOG.md"\n'
    develop = {
        "package.json": develop_version(PACKAGE),
        "CHANGELOG.md": CHANGELOG.replace(b"## [Unreleased]\n\n", UNRELEASED),
    }
    main = {"package.json": PACKAGE, "CHANGELOG.md": CHANGELOG, ".hotfix-guard.toml": config}
    release_with(repo, main, develop)
    result = invoke("finish")
    assert result.exit_code == 0, result.output
    assert "note: CHANGELOG.md: the 1.2.4 entry goes under its own heading" in result.output
    assert (
        "  version files: develop: CHANGELOG.md: resolved a conflict only about the entry: the "
        "1.2.4 entry below its own unreleased changes"
    ) in result.output.splitlines()
    today = datetime.now(timezone.utc).date().isoformat()
    entry = f"## [1.2.4] - {today}\n\n### Fixed\n\n- Fix login timeout\n\n".encode()
    with_entry = CHANGELOG.replace(b"## [1.2.3]", entry + b"## [1.2.3]")
    assert show(repo, "v1.2.4", "CHANGELOG.md") == with_entry
    assert show(repo, "develop", "CHANGELOG.md") == with_entry.replace(
        b"## [Unreleased]\n\n", UNRELEASED
    )
    assert repo.git("diff", "--numstat", f"{BRANCH}^", BRANCH) == (
        "6\t0\tCHANGELOG.md\n1\t1\tpackage.json"
    )


def test_main_released_meanwhile_gets_the_new_version_without_a_stop(versioned: Repo) -> None:
    """Another release moved main to 1.2.4 after this hotfix was cut: the hotfix is 1.2.5, and
    main's merge conflicts only on version lines: resolved to 1.2.5."""
    versioned.switch("main")
    versioned.commit("Release 1.2.4", {"package.json": FILES["package.json"][1]})
    versioned.tag("v1.2.4", "Release 1.2.4")
    versioned.git("push", "-q", "origin", "main", "v1.2.4")
    versioned.switch(BRANCH)
    result = invoke("finish", "--no-backport")
    assert result.exit_code == 0, result.output
    assert (
        "  version files: main: package.json: resolved a conflict only about its version lines: "
        "it states 1.2.5"
    ) in result.output.splitlines()
    assert show(versioned, "v1.2.5", "package.json") == PACKAGE.replace(b"1.2.3", b"1.2.5")
    assert show(versioned, "v1.2.5", "app/main.py") == FIXED.encode()
    assert invoke("check-tag", "v1.2.5").exit_code == 0
