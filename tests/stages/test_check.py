"""`hotfix-guard check` on real repositories: branch and diff-size rules end to end in-process."""

from __future__ import annotations

import json

from click.testing import CliRunner

from hotfix_guard.__main__ import main
from hotfix_guard.catalog import CHANGE, DEFAULT_LEVELS, RULES
from hotfix_guard.cli import cli
from tests.support.repos import Repo, code_files

# What a plain check runs: the change rules that are on by default.
CHANGE_RULES_ON = [r.name for r in RULES if r.subject == CHANGE and DEFAULT_LEVELS[r.name] != "off"]


def run_check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.output


def test_small_hotfix_passes(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix\n\nSeverity: P2", {"app/main.py": "def main():\n    return 1\n"})
    assert run_check() == (
        0,
        "hotfix-guard passed: hotfix/fix-login: 1 file, 2 code lines (limits 20 files, "
        f"400 lines), {len(CHANGE_RULES_ON)} checks passed\n",
    )


def test_oversized_hotfix_names_counts_limits_and_files(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("too much\n\nSeverity: P2", code_files(25))
    code, output = run_check()
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == (
        "hotfix/fix-login: diff-size: 25 changed files (limit 20) and 75 changed code lines "
        "(limit 400); to get under the limits, split out 5 files: src/module_0.py (+3 -0), "
        "src/module_1.py (+3 -0), src/module_10.py (+3 -0), src/module_11.py (+3 -0), "
        "src/module_12.py (+3 -0)"
    )
    assert lines[1].startswith("hotfix-guard failed: 1 error, 0 warnings (hotfix/fix-login")
    assert lines[2].startswith("To fix: ")


def test_json_lists_the_same_findings(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("too much\n\nSeverity: P2", code_files(25))
    code, output = run_check("--format", "json")
    assert code == 1
    data = json.loads(output)
    assert data["ok"] is False
    assert [(f["rule"], f["severity"], f["ref"]) for f in data["findings"]] == [
        ("diff-size", "error", "hotfix/fix-login")
    ]


def test_feature_branch_passes_silently_through_the_fast_path(repo: Repo) -> None:
    repo.branch("feature/x")
    repo.commit("big", code_files(25))
    assert main(["check"]) == 0


def test_feature_branch_json_still_prints_an_object(repo: Repo) -> None:
    repo.branch("feature/x")
    code, output = run_check("--format", "json")
    assert code == 0
    assert json.loads(output)["ok"] is True
