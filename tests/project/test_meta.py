"""Meta-tests: the catalog is the one list of rules, and everything else agrees with it.

Both directions: every catalog entry is documented, configured, tested and hooked; nothing
documented, configured or hooked is missing from the catalog.
"""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hotfix_guard import catalog
from hotfix_guard.cli import cli
from hotfix_guard.config.loader import KNOWN_KEYS, Config
from tests.support.repos import Repo

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
RULE_HOOKS = [hook for hook in HOOKS if shlex.split(hook["entry"])[1] == "hook"]


def doc_section(page: str, heading: str) -> str:
    """The text of docs/PAGE from HEADING up to the next heading (code blocks do not count)."""
    lines = (DOCS / page).read_text().splitlines()
    start = lines.index(heading)
    fenced = False
    for end in range(start + 1, len(lines)):
        fenced ^= lines[end].startswith("```")
        if not fenced and lines[end].startswith("#"):
            break
    else:
        end = len(lines)
    return "\n".join(lines[start:end])


def table_names(text: str) -> list[str]:
    """The first-column names of the Markdown table rows in TEXT: | `name` | ..."""
    return re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE)


def mentions(text: str, name: str) -> bool:
    """NAME as a whole rule name (quoted, or as `name:` in output), not inside a longer name:
    `rename` inside `identifier-rename` does not count."""
    return re.search(rf'(?<![\w-])(?:"{re.escape(name)}"|{re.escape(name)}:)', text) is not None


def test_every_hook_id_is_documented_in_the_setup_page() -> None:
    documented = table_names(doc_section("setup.md", "## Hook ids"))
    assert [hook["id"] for hook in HOOKS] == documented


def test_every_hook_runs_without_filenames_serially_and_always() -> None:
    for hook in HOOKS:
        assert hook["language"] == "python"
        # At prepare-commit-msg and commit-msg the one filename is the message being written.
        takes_message = set(hook["stages"]) <= {"prepare-commit-msg", "commit-msg"}
        assert hook["pass_filenames"] is takes_message and hook["always_run"] is True, hook["id"]
        assert shlex.split(hook["entry"])[0] == "hotfix-guard"


def test_every_hook_entry_runs_on_a_hotfix_branch(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    for hook in HOOKS:
        result = CliRunner().invoke(cli, shlex.split(hook["entry"])[1:])
        assert result.exit_code == 0, (hook["id"], result.output)


def test_single_purpose_hooks_run_exactly_their_catalog_family() -> None:
    """Each `hook --rule ...` hook id is a catalog family, and runs the whole family."""
    families = {rule.hook for rule in catalog.RULES}
    for hook in RULE_HOOKS:
        rules = re.findall(r"--rule (\S+)", hook["entry"])
        if hook["id"] in ("hotfix-guard", "hotfix-guard-commit-msg"):  # every rule, one process
            assert rules == []
            continue
        assert hook["id"] in families, hook["id"]
        assert tuple(rules) == catalog.rules_of_hook(hook["id"]), hook["id"]
    hooked = {hook["id"] for hook in HOOKS}
    assert families <= hooked, families - hooked


def test_every_rule_is_documented_configured_and_loads() -> None:
    rules_table = doc_section("rules.md", "# Rules")
    documented = table_names(rules_table)
    assert documented == list(catalog.RULE_NAMES)
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+?) \| (error|warn) \|$", rules_table, re.MULTILINE)
    assert [name for name, _, _ in rows] == documented
    for name, text, level in rows:
        rule = catalog.BY_NAME[name]
        # The Rules page's row is the catalog's summary, with code marks and links added.
        shown = re.sub(r" \(see \[[^\]]*\]\([^)]*\)\)", "", text).replace("`", "")
        assert (shown, level) == (rule.summary, rule.default_level), name
    assert tuple(Config().rules) == catalog.RULE_NAMES
    for rule in catalog.RULES:
        assert rule.fix, rule.name
        assert callable(catalog.load_check(rule)), rule.name


def test_every_rule_module_is_in_the_catalog() -> None:
    modules = {path.stem for path in (ROOT / "src/hotfix_guard/rules").glob("*.py")}
    used = {rule.check.partition(":")[0] for rule in catalog.RULES if "." not in rule.check}
    assert modules - {"__init__"} == used


@pytest.mark.parametrize("name", catalog.RULE_NAMES)
def test_every_rule_is_tested_by_name(name: str) -> None:
    test_text = "".join(
        path.read_text()
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.name != "test_meta.py"
    )
    assert mentions(test_text, name), name


def test_a_rule_named_inside_another_is_not_counted_as_tested() -> None:
    assert not mentions('"identifier-rename"', "rename")
    assert not mentions("x: identifier-rename: y", "rename")
    assert mentions('"rename"', "rename") and mentions("a.py:1: rename: renamed", "rename")


def test_fast_path_knows_exactly_the_hotfix_branch_rules() -> None:
    expected = {
        rule.name for rule in catalog.RULES if rule.subject in (catalog.CHANGE, catalog.PUSHED_TREE)
    }
    assert expected == catalog.HOTFIX_BRANCH_RULES


def test_every_config_key_is_documented_and_every_documented_key_is_known() -> None:
    documented = table_names(doc_section("configuration.md", "# Configuration"))
    for key in KNOWN_KEYS:
        assert key in documented, key
    for key in documented:
        assert key in KNOWN_KEYS, key


def test_every_rule_option_is_a_config_key_with_its_default() -> None:
    config = Config()
    for rule in catalog.RULES:
        for option in rule.options:
            assert option.key in KNOWN_KEYS
            assert config.option(option.key) == option.default


def test_every_option_default_passes_its_own_validator() -> None:
    """A default the config itself would reject (a positive-int of 0) is a catalog mistake."""
    from hotfix_guard.config.values import OPTION_KINDS

    declared = [(o.kind, o.default) for rule in catalog.RULES for o in rule.options]
    assert declared
    for kind, default in declared:
        assert OPTION_KINDS[kind](default) == default


def test_every_single_purpose_hook_row_of_the_setup_page_names_its_rules() -> None:
    rows = dict(
        re.findall(
            r"^\| `([a-z-]+)` \| [^|]+ \| (.+) \|$", doc_section("setup.md", "## Hook ids"), re.M
        )
    )
    for hook in RULE_HOOKS:
        rules = re.findall(r"--rule (\S+)", hook["entry"])
        if rules:
            assert re.findall(r"`([a-z-]+)`", rows[hook["id"]]) == rules, hook["id"]


def _rule_names_in(text: str) -> set[str]:
    return {
        name
        for name in catalog.RULE_NAMES
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    }


def test_no_test_writes_the_rule_list_or_its_count_by_hand() -> None:
    """A test that spells out the rules, or how many checks pass, breaks when a rule is added:
    it takes them from the catalog instead."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
                parts = [e.value for e in node.elts if isinstance(e, ast.Constant)]
                text = " ".join(part for part in parts if isinstance(part, str))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            many = len(_rule_names_in(text)) > len(catalog.RULE_NAMES) // 2
            counted = re.search(r"\b([2-9]|\d\d+) checks passed", text)
            if many or counted:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
