"""The README is a front page and the docs site is whole: links resolve, the one complete
pre-commit configuration enables what it says, and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def fenced(text: str, language: str) -> list[str]:
    """The bodies of the ```LANGUAGE blocks of TEXT."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_the_readme_is_a_front_page() -> None:
    assert len(README.splitlines()) < 300


def test_every_relative_link_of_the_readme_resolves() -> None:
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    local = [link for link in links if "://" not in link]
    assert "docs/setup.md" in local
    assert [link for link in local if not (ROOT / link).exists()] == []


def test_every_docs_page_is_in_the_site_navigation() -> None:
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    listed = sorted(page for entry in nav for page in entry.values())
    assert listed == sorted(path.name for path in (ROOT / "docs").glob("*.md"))


def test_the_readme_and_the_setup_page_give_the_same_complete_configuration() -> None:
    (readme_config,) = fenced(README, "yaml")
    setup_configs = fenced((ROOT / "docs/setup.md").read_text(), "yaml")
    assert setup_configs == [readme_config]


def test_the_complete_configuration_installs_every_stage_its_hooks_run_at() -> None:
    config = yaml.safe_load(fenced(README, "yaml")[0])
    installed = set(config["default_install_hook_types"])
    (source,) = config["repos"]
    ids = [hook["id"] for hook in source["hooks"]]
    # What start (trailers), the commit-time override and the backport reminder rely on.
    assert ids == ["hotfix-guard", "hotfix-trailers", "hotfix-guard-commit-msg", "hotfix-backport"]
    for hook_id in ids:
        stages = set(HOOKS[hook_id]["stages"]) - {"manual"}
        assert stages <= installed, (hook_id, stages - installed)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    quick_start = fenced(README.split("## Quick start")[1].split("\n## ")[0], "sh")
    test_command = quick_start[1].strip().rpartition(" && ")[2]
    assert test_command == "python -m pytest -n 2"
    ci = (ROOT / ".ci/run").read_text().splitlines()
    assert test_command in ci
    assert "mkdocs build --strict" in " ".join(ci)
