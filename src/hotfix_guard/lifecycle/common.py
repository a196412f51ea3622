"""What start, finish and status share: git-flow's settings, the branch prefix, a hotfix's
description and incident record, and the response clock of its severity."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone

from hotfix_guard.config.defaults import DEFAULT_BRANCH_NAME_REGEX
from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.record import IncidentRecord, branch_record
from hotfix_guard.report.findings import shell_word, short_line
from hotfix_guard.scope import find_main

# The subject of the commit `start` makes; finish reads the description back from it.
START_SUBJECT = "Start hotfix: "
DEFAULT_PATTERNS = ("hotfix/*",)
SLUG_LIMIT = 48
SHOWN_COMMITS = 3


def with_gitflow(repo: Repository, config: Config) -> Config:
    """CONFIG with git-flow's branch settings where hotfix-guard's config leaves the default, so a
    git-flow repository needs no new config (gitflow.branch.master, .develop, .prefix.hotfix)."""
    flow = LifecycleGit(repo).config_section("gitflow.")
    master = flow.get("gitflow.branch.master")
    develop = flow.get("gitflow.branch.develop")
    prefix = flow.get("gitflow.prefix.hotfix")
    if master and config.main_branch is None:
        config = config._replace(main_branch=master)
    if develop and config.backport_branches == ("develop",):
        config = config._replace(backport_branches=(develop,))
    if prefix and config.branch_patterns == DEFAULT_PATTERNS:
        config = config._replace(branch_patterns=(f"{prefix}*",))
        if config.branch_name_regex == DEFAULT_BRANCH_NAME_REGEX:
            rest = DEFAULT_BRANCH_NAME_REGEX.removeprefix("hotfix/")
            config = config._replace(branch_name_regex=re.escape(prefix) + rest)
    return config


def open_lifecycle() -> tuple[Repository, Config]:
    """The repository around the working directory and its work tree's config, with git-flow's
    branch settings when the repository has them."""
    from hotfix_guard.config.loader import load

    repo = Repository.discover()
    return repo, with_gitflow(repo, load(repo.root))


def branch_prefix(config: Config) -> str:
    """`hotfix/`: the first branch pattern up to its wildcard."""
    return config.branch_patterns[0].split("*", 1)[0]


# Cyrillic letters in Latin (the scheme of Russian passports, ICAO 9303): accents are dropped by
# decomposition, but no Unicode normalization turns another script into ASCII.
CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
         "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia",
         "i", "i", "ie", "g", "u"],
        strict=True,
    )
)  # fmt: skip


def slug(description: str) -> str:
    """`Fix login timeout (EU)` -> `fix-login-timeout-eu`: ASCII words joined by dashes; accents
    are dropped and Cyrillic is transliterated (`Ошибка входа` -> `oshibka-vkhoda`); letters of
    other scripts are left out."""
    latin = "".join(CYRILLIC.get(char, char) for char in description.lower())
    ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
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


def unpushed_main(repo: Repository, main: str, remote: str) -> str | None:
    """Why MAIN must not be built on, when it has commits REMOTE's copy lacks: they are not
    released, and a hotfix cut from it (or merged into it) would ship them. None when it has none.

    The fix loses nothing: the commits stay on a new branch, then main goes back to the remote's
    (`reset --keep` refuses rather than overwrite an uncommitted change)."""
    upstream = refs.remote_tracking(remote, main)
    if upstream not in repo.refs or refs.local(main) not in repo.refs:
        return None
    commits = [line[0] for line in repo.commits_with_parents(refs.local(main), [upstream])]
    if not commits:
        return None
    keep = f"{main}-unpushed-{commits[0][:8]}"
    fix = (
        f"git branch {shell_word(keep)} {shell_word(main)} && git switch {shell_word(main)} "
        f"&& git reset --keep {shell_word(f'{remote}/{main}')}"
    )
    return (
        f"{main} has {len(commits)} commit(s) that {remote}/{main} lacks "
        f"({named_commits(repo, commits)}): they "
        f"are not released, and a hotfix built on {main} would ship them; keep them on a branch "
        f"and put {main} back to {remote}/{main} ({fix})"
    )


def named_commits(repo: Repository, commits: list[str]) -> str:
    """`1a2b3c4d5e Subject; ... and 3 more`: the first SHOWN_COMMITS of COMMITS, each one line."""
    subjects = repo.subjects(commits[:SHOWN_COMMITS])
    shown = "; ".join(f"{sha[:10]} {short_line(subject)}" for sha, subject in subjects.items())
    more = f" and {len(commits) - SHOWN_COMMITS} more" if len(commits) > SHOWN_COMMITS else ""
    return shown + more
