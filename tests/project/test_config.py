"""Configuration: defaults, both file locations, and one exact line for every kind of mistake."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.catalog import OPTIONS, RULE_NAMES
from hotfix_guard.cli import cli
from hotfix_guard.config.defaults import DEFAULT_EXCLUDE
from hotfix_guard.config.loader import Config, load, load_at
from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from tests.support.repos import Repo


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)


def error_of(root: Path) -> str:
    with pytest.raises(UsageError) as raised:
        load(root)
    return str(raised.value)


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load(tmp_path)
    assert config == Config()
    assert config.max_files == 20 and config.max_lines == 400
    assert config.branch_patterns == ("hotfix/*",)
    assert config.rules["backport"] == "warn"


def test_pyproject_table(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\n[tool.hotfix-guard]\nmax-files = 5\n'
        '[tool.hotfix-guard.rules]\nrename = "warn"\n',
    )
    config = load(tmp_path)
    assert config.max_files == 5
    assert config.rules["rename"] == "warn"
    assert config.source == "pyproject.toml"


def test_dedicated_file_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.hotfix-guard]\nmax-files = 5\n")
    write(tmp_path, ".hotfix-guard.toml", "max-files = 7\n[rules]\ndiff-size = 'off'\n")
    config = load(tmp_path)
    assert (config.max_files, config.rules["diff-size"]) == (7, "off")


def test_extend_exclude_adds_to_the_defaults_whatever_the_order(tmp_path: Path) -> None:
    write(tmp_path, ".hotfix-guard.toml", "extend-exclude = ['gen/']\nexclude = ['*.lock']\n")
    assert load(tmp_path).exclude == ("*.lock", "gen/")
    write(tmp_path, ".hotfix-guard.toml", "extend-exclude = ['gen/']\n")
    assert load(tmp_path).exclude == (*DEFAULT_EXCLUDE, "gen/")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "max_files = 3\n",
            ".hotfix-guard.toml: unknown key 'max_files' in .hotfix-guard.toml "
            "(did you mean 'max-files'?); known keys: main-branch, branch-patterns, "
            "branch-name-regex, max-files, max-lines, exclude, extend-exclude, test-paths, "
            "extend-test-paths, test-commands, test-timeout, tag-format, tag-message-prefix, "
            "backport-branches, postmortem-dir, postmortem-due, postmortem-template, "
            "feature-flag-paths, status-message, status-wording, version-files, changelog, "
            f"{', '.join(OPTIONS)}, rules, severity",
        ),
        (
            "max-files = 'many'\n",
            ".hotfix-guard.toml: max-files = 'many' is invalid: expected a positive integer",
        ),
        (
            "max-lines = 0\n",
            ".hotfix-guard.toml: max-lines = 0 is invalid: expected a positive integer",
        ),
        (
            "branch-name-regex = 'hotfix/('\n",
            ".hotfix-guard.toml: branch-name-regex = 'hotfix/(' is invalid: expected a valid "
            "regular expression (missing ), unterminated subpattern at position 7)",
        ),
        (
            "exclude = ['gen/[abc']\n",
            ".hotfix-guard.toml: exclude = ['gen/[abc'] is invalid: expected a list of globs "
            "('gen/[abc': '[' is never closed)",
        ),
        (
            "branch-patterns = 'hotfix/*'\n",
            ".hotfix-guard.toml: branch-patterns = 'hotfix/*' is invalid: expected a list of "
            "non-empty strings",
        ),
        (
            "tag-format = 'v{major}.{patch}'\n",
            ".hotfix-guard.toml: tag-format = 'v{major}.{patch}' is invalid: expected a pattern "
            "with {major}, {minor}, {patch} (and optionally {build}) in that order",
        ),
        (
            "[rules]\nrenames = 'warn'\n",
            ".hotfix-guard.toml: unknown rule 'renames' in [rules] (did you mean 'rename'?); "
            f"known rules: {', '.join(RULE_NAMES)}",
        ),
        (
            "[rules]\nrename = 'warning'\n",
            ".hotfix-guard.toml: rules.rename = 'warning' is invalid: expected one of 'error', "
            "'warn', 'off'",
        ),
        (
            "max-files = \n",
            ".hotfix-guard.toml: not valid TOML: Invalid value (at line 1, column 13)",
        ),
    ],
)
def test_mistakes_name_the_file_key_value_and_expectation(
    tmp_path: Path, text: str, message: str
) -> None:
    write(tmp_path, ".hotfix-guard.toml", text)
    assert error_of(tmp_path) == message


def test_pyproject_mistake_names_the_table(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.hotfix-guard]\nmain = 'trunk'\n")
    assert error_of(tmp_path).startswith(
        "pyproject.toml: unknown key 'main' in [tool.hotfix-guard]"
    )
    write(tmp_path, "pyproject.toml", "[tool.hotfix-guard.rules]\nx = 'off'\n")
    assert error_of(tmp_path).startswith(
        "pyproject.toml: unknown rule 'x' in [tool.hotfix-guard.rules]"
    )


def test_broken_config_is_one_line_and_exit_2(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.write(".hotfix-guard.toml", "max-files = -1\n")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2
    assert result.output == (
        "hotfix-guard: .hotfix-guard.toml: max-files = -1 is invalid: expected a positive integer\n"
    )


def test_severity_tables_replace_the_defaults_key_by_key(tmp_path: Path) -> None:
    write(
        tmp_path,
        ".hotfix-guard.toml",
        '[severity.P0]\nrespond-within = "30m"\nrestore-within = "2h"\nmax-files = 40\n'
        "[severity.P3]\nmax-lines = 50\n",
    )
    config = load(tmp_path)
    assert config.severity["P0"].respond_within == timedelta(minutes=30)
    assert config.severity["P0"].restore_within == timedelta(hours=2)
    # The runbook's response times stay where the table leaves them; no restore target.
    assert [config.severity[level].respond_within for level in ("P1", "P2", "P3")] == [
        timedelta(hours=1), timedelta(hours=4), timedelta(hours=24)
    ]  # fmt: skip
    assert config.severity["P1"].restore_within is None
    assert config.limits("P0") == (40, 400)
    assert config.limits("P3") == (20, 50)
    assert config.limits(None) == (20, 400)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[severity.P5]\nmax-files = 3\n",
            ".hotfix-guard.toml: unknown severity 'P5' in [severity]; known severities: "
            "P0, P1, P2, P3",
        ),
        (
            '[severity.P1]\nrespond-within = "soon"\n',
            ".hotfix-guard.toml: severity.P1.respond-within = 'soon' is invalid: expected a "
            "duration such as '30m', '4h', '2d' or '1h30m'",
        ),
        (
            "[severity.P1]\nmax_files = 3\n",
            ".hotfix-guard.toml: unknown key 'max_files' in [severity.P1] (did you mean "
            "'max-files'?); known keys: respond-within, restore-within, max-files, max-lines",
        ),
    ],
)
def test_severity_mistakes_name_the_table_and_key(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, ".hotfix-guard.toml", text)
    with pytest.raises(UsageError) as raised:
        load(tmp_path)
    assert str(raised.value) == message


def test_config_of_a_commit_ignores_the_work_tree(repo: Repo) -> None:
    repo.commit("config", {".hotfix-guard.toml": "max-files = 7\n"})
    repo.write(".hotfix-guard.toml", "max-files = 99\n")
    git_repo = Repository.discover()
    assert load_at(git_repo, "HEAD").max_files == 7
    assert load_at(git_repo, "HEAD~1").max_files == 20
    assert load(repo.path).max_files == 99


def test_a_config_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".hotfix-guard.toml").write_bytes(b"max-files = 3 # \xff\n")
    with pytest.raises(UsageError) as raised:
        load(tmp_path)
    assert str(raised.value) == ".hotfix-guard.toml: not valid UTF-8 (byte 16): save it as UTF-8"
