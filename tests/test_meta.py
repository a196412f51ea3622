"""Meta-tests: every hook id and rule is registered, documented, runs and is tested."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.config import RULE_LEVEL_DEFAULTS
from hotfix_guard.fastpath import CHANGE_RULES
from hotfix_guard.rules import CHANGE, HOOK_RULES, RULES, RULES_BY_NAME
from tests.conftest import Repo

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_every_hook_id_is_documented_in_the_readme() -> None:
    for hook in HOOKS:
        assert f"| `{hook['id']}` |" in README, hook["id"]


def test_every_hook_runs_without_filenames_serially_and_always() -> None:
    for hook in HOOKS:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False and hook["always_run"] is True, hook["id"]
        assert shlex.split(hook["entry"])[0] == "hotfix-guard"


def test_every_hook_entry_runs_on_a_hotfix_branch(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    for hook in HOOKS:
        result = CliRunner().invoke(cli, shlex.split(hook["entry"])[1:])
        assert result.exit_code == 0, (hook["id"], result.output)


def test_single_purpose_hooks_run_registered_rules() -> None:
    ids = {hook["id"] for hook in HOOKS}
    for hook_id, rule_names in HOOK_RULES.items():
        assert hook_id in ids
        assert all(name in RULES_BY_NAME for name in rule_names), hook_id
        entry = next(hook["entry"] for hook in HOOKS if hook["id"] == hook_id)
        assert re.findall(r"--rule (\S+)", entry) == list(rule_names), hook_id


def test_every_rule_has_a_level_a_readme_row_and_a_test() -> None:
    test_text = "".join(
        path.read_text()
        for path in (ROOT / "tests").glob("test_*.py")
        if path.name != Path(__file__).name
    )
    for name in RULE_LEVEL_DEFAULTS:
        assert f"| `{name}` |" in README, name
    for rule in RULES:
        assert rule.name in RULE_LEVEL_DEFAULTS, rule.name
        assert rule.summary and rule.fix, rule.name
        assert f'"{rule.name}"' in test_text or f"{rule.name}:" in test_text, rule.name


def test_fast_path_knows_exactly_the_change_rules() -> None:
    registered = {rule.name for rule in RULES if rule.subject == CHANGE}
    assert registered <= CHANGE_RULES


def test_every_config_key_is_documented() -> None:
    from hotfix_guard.config import KNOWN_KEYS

    for key in KNOWN_KEYS:
        assert f"| `{key}` |" in README, key
