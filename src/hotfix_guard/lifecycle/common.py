"""What start, finish and status share: git-flow's settings, the branch prefix, a hotfix's
description and incident record, and the response clock of its severity."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import datetime, timezone

from hotfix_guard.config.defaults import DEFAULT_BRANCH_NAME_REGEX
from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.record import IncidentRecord, branch_record
from hotfix_guard.scope import find_main

# The subject of the commit `start` makes; finish reads the description back from it.
START_SUBJECT = "Start hotfix: "
DEFAULT_PATTERNS = ("hotfix/*",)
SLUG_LIMIT = 48


def with_gitflow(repo: Repository, config: Config) -> Config:
    """CONFIG with git-flow's branch settings where hotfix-guard's config leaves the default, so a
    git-flow repository needs no new config (gitflow.branch.master, .develop, .prefix.hotfix)."""
    flow = LifecycleGit(repo).config_section("gitflow.")
    master = flow.get("gitflow.branch.master")
    develop = flow.get("gitflow.branch.develop")
    prefix = flow.get("gitflow.prefix.hotfix")
    if master and config.main_branch is None:
        config = replace(config, main_branch=master)
    if develop and config.backport_branches == ("develop",):
        config = replace(config, backport_branches=(develop,))
    if prefix and config.branch_patterns == DEFAULT_PATTERNS:
        config = replace(config, branch_patterns=(f"{prefix}*",))
        if config.branch_name_regex == DEFAULT_BRANCH_NAME_REGEX:
            rest = DEFAULT_BRANCH_NAME_REGEX.removeprefix("hotfix/")
            config = replace(config, branch_name_regex=re.escape(prefix) + rest)
    return config


def branch_prefix(config: Config) -> str:
    """`hotfix/`: the first branch pattern up to its wildcard."""
    return config.branch_patterns[0].split("*", 1)[0]


def slug(description: str) -> str:
    """`Fix login timeout (EU)` -> `fix-login-timeout-eu`: ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", description).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    text = ""
    for word in words:
        if text and len(text) + 1 + len(word) > SLUG_LIMIT:
            break
        text = f"{text}-{word}" if text else word[:SLUG_LIMIT]
    return text


def main_refs(repo: Repository, config: Config) -> tuple[str, ...]:
    return find_main(repo, config).refs


def hotfix_record(repo: Repository, config: Config, head: str) -> IncidentRecord:
    """The incident record the commits of the hotfix at HEAD carry (not those on main)."""
    return branch_record(repo, head, main_refs(repo, config))


def description_of(repo: Repository, config: Config, branch: str, head: str) -> str:
    """The description `start` wrote, else the branch name's words."""
    exclude = main_refs(repo, config)
    commits = [line[0] for line in repo.commits_with_parents(head, exclude)]
    for subject in reversed(list(repo.subjects(commits).values())):
        if subject.startswith(START_SUBJECT):
            return subject.removeprefix(START_SUBJECT).strip()
    return branch.removeprefix(branch_prefix(config)).replace("-", " ").strip() or branch


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise UsageError(message)
