"""Meta-tests: the catalog is the one list of rules, and everything else agrees with it.

Both directions: every catalog entry is documented, configured, tested and hooked; nothing
documented, configured or hooked is missing from the catalog.
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap
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


def _contributing_examples() -> tuple[str, str]:
    """CONTRIBUTING.md's two code examples of adding a rule: the check, the catalog entry."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text[text.index("## How to add a rule") : text.index("## How to add a command")]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    return textwrap.dedent(blocks[0]), textwrap.dedent(blocks[1])


CHECK_EXAMPLE, ENTRY_EXAMPLE = _contributing_examples()
NEW_RULE_MODULE = (
    "from hotfix_guard.engine.context import Context\n"
    "from hotfix_guard.report.findings import Finding\n\n\n" + CHECK_EXAMPLE
)
NEW_CATALOG_ENTRY = textwrap.indent(ENTRY_EXAMPLE, "    ")
# Runs hotfix-guard with the module on the rules package's path and the entry added to RULES.
WITH_NEW_RULE = """
import sys, types
import hotfix_guard.rules
module_dir, catalog_path, entry = sys.argv[1:4]
hotfix_guard.rules.__path__.append(module_dir)
source = open(catalog_path).read().replace("\\n)\\n\\nBY_NAME", entry + ")\\n\\nBY_NAME", 1)
catalog = types.ModuleType("hotfix_guard.catalog")
catalog.__file__ = catalog_path
sys.modules["hotfix_guard.catalog"] = catalog
exec(compile(source, catalog_path, "exec"), catalog.__dict__)
from hotfix_guard.__main__ import main
sys.exit(main(sys.argv[4:]))
"""


def test_a_new_rule_is_one_module_plus_one_catalog_entry(repo: Repo, tmp_path: Path) -> None:
    """The CONTRIBUTING.md example, added the way it says, works end to end: levels, options,
    --rule choices and the stamped rule name come from the one entry."""
    import subprocess
    import sys

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "todo.py").write_text(NEW_RULE_MODULE)
    catalog_path = str(ROOT / "src/hotfix_guard/catalog.py")
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/TODO_a.py": "a = 1\n", "app/TODO_b.py": "b = 1\n"})

    def run(*args: str) -> tuple[int, str]:
        command = [sys.executable, "-c", WITH_NEW_RULE, str(tmp_path / "rules"), catalog_path]
        result = subprocess.run(
            [*command, NEW_CATALOG_ENTRY, *args], capture_output=True, text=True, check=False
        )
        return result.returncode, result.stdout + result.stderr

    code, output = run("check", "--rule", "no-todo")
    lines = output.splitlines()
    assert (code, lines[0], lines[-1]) == (
        0,
        "app/TODO_b.py: no-todo: app/TODO_b.py is a TODO",
        "To fix: no-todo: finish the TODO or leave it out of the hotfix",
    )
    assert "0 errors, 1 warning" in lines[1]
    repo.commit("config", {".hotfix-guard.toml": "no-todo-max = 2\n[rules]\nno-todo = 'error'\n"})
    assert run("check", "--rule", "no-todo")[0] == 0
    repo.commit("config", {".hotfix-guard.toml": "no-todo-max = 1\n[rules]\nno-todo = 'error'\n"})
    code, output = run("check", "--rule", "no-todo")
    assert code == 1 and "0 errors" not in output and "app/TODO_b.py: no-todo: " in output


def test_every_option_default_passes_its_own_validator() -> None:
    """A default the config itself would reject (a positive-int of 0) is a catalog mistake; the
    CONTRIBUTING example's option is held to the same."""
    from hotfix_guard.config.values import OPTION_KINDS

    example = re.findall(r'Option\("[^"]+", "([^"]+)", ([^,]+),', ENTRY_EXAMPLE)
    declared = [(o.kind, o.default) for rule in catalog.RULES for o in rule.options]
    assert example and declared
    for kind, default in [*declared, *((kind, ast.literal_eval(text)) for kind, text in example)]:
        assert OPTION_KINDS[kind](default) == default
