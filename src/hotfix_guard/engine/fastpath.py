"""`hook` and plain `check` without click, and the answer for most commits before anything loads.

Every commit of every developer pays for this hook, and most are not on hotfix branches, so this
path asks git one question (`rev-parse`: work tree, git dir, shallow, HEAD's commit and branch),
reads the config, and decides. On a hotfix branch, or for anything unusual (a detached HEAD, an
unborn branch, a broken config, any push: a push is judged by committed configs only), it runs
the full check itself, still without click, reusing git's answers. Anything but the few options
`invocation.plain_command` reads (--help, --format, --head, mistakes) goes to click, which explains
it.

Loading and validating the config costs more than the rest of this path (tomllib, and dataclasses,
which imports inspect), so the two settings it needs are remembered in
`<git dir>/hotfix-guard/fast-path`, keyed by the config files' size, times and inode and by the
hotfix-guard version: an edited, added or removed config file, or an upgrade, reads it afresh.
Only a config that validated is remembered, so a broken one still takes the full path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, NamedTuple

from hotfix_guard import __version__
from hotfix_guard.config.defaults import DEFAULT_BRANCH_PATTERNS
from hotfix_guard.engine.invocation import Invocation, PlainCommand, from_hook, plain_command
from hotfix_guard.git.light import git_output

if TYPE_CHECKING:
    from hotfix_guard.git.repository import Repository

CACHE_NAME = os.path.join("hotfix-guard", "fast-path")
CONFIG_FILES = (".hotfix-guard.toml", "pyproject.toml")
# Every question about where we are, in one git process. HEAD before --symbolic-full-name gives its
# commit; after it, its branch (`HEAD` itself when detached). An unborn branch fails the whole call.
PROBE = (
    "rev-parse",
    "--show-toplevel",
    "--absolute-git-dir",
    "--is-shallow-repository",
    "HEAD",
    "--symbolic-full-name",
    "HEAD",
)


class Probe(NamedTuple):
    """git's answers to PROBE."""

    root: str
    git_dir: str
    shallow: bool
    head_commit: str
    head_ref: str | None  # refs/heads/..., or None when HEAD is detached

    def repository(self) -> Repository:
        from pathlib import Path

        from hotfix_guard.git.repository import Repository

        repo = Repository(Path(self.root), Path(self.git_dir), self.shallow)
        repo.known_head = (self.head_ref, self.head_commit)
        return repo


def probe() -> Probe | None:
    """Where we are, or None when git cannot say in one call (not a repository, unborn HEAD)."""
    stdout = git_output(PROBE)
    if stdout is None:
        return None
    output = os.fsdecode(stdout).rstrip("\n").split("\n")
    if len(output) != 5:
        return None
    root, git_dir, shallow, commit, ref = output
    return Probe(root, git_dir, shallow == "true", commit, None if ref == "HEAD" else ref)


class _CatalogRuleNames:
    """The catalog's rule names, imported only when a `--rule` is given: the umbrella hook that
    most commits run names none, and the catalog is a few milliseconds of every commit."""

    def __contains__(self, name: object) -> bool:
        from hotfix_guard.catalog import RULE_NAMES

        return name in RULE_NAMES


CATALOG_RULE_NAMES = _CatalogRuleNames()


def _only_change_rules(rules: Sequence[str]) -> bool:
    if not rules:
        return True
    from hotfix_guard.catalog import BY_NAME, CHANGE

    return all(BY_NAME[name].subject == CHANGE for name in rules)


def _only_hotfix_branch_rules(rules: Sequence[str]) -> bool:
    from hotfix_guard.catalog import HOTFIX_BRANCH_RULES

    return HOTFIX_BRANCH_RULES.issuperset(rules)


def run(
    args: Sequence[str], environ: Mapping[str, str], read_stdin: Callable[[], str]
) -> int | None:
    """The exit status of `hotfix-guard ARGS` for a plain hook or check, and for the message hooks'
    `trailers` off a hotfix branch; None: click's to parse."""
    if args and args[0] == "trailers":
        return 0 if len(args) >= 2 and _no_trailers_to_add() else None
    command = plain_command(args, CATALOG_RULE_NAMES)
    if command is None or (command.name == "check" and not _only_change_rules(command.rules)):
        return None  # click's path: it refuses the rules `check` does not run, in one line
    call = (
        from_hook(command.stage, command.hook_args, environ, read_stdin)
        if command.name == "hook"
        else None
    )
    where = probe()
    if where is not None and _nothing_to_check(command, call, where):
        return 0
    # A hotfix branch or something unusual: the full check, without click.
    from hotfix_guard.config.loader import load
    from hotfix_guard.engine import stages
    from hotfix_guard.git.repository import Repository

    repo = where.repository() if where is not None else Repository.discover()
    config = load(repo.root, remember_in=os.fspath(repo.git_dir))
    if call is not None:
        report = stages.hook_report(repo, config, call, command.rules)
    else:
        report = stages.check_report(
            repo,
            config,
            head=command.head,
            base=command.base,
            staged=command.staged,
            rules=command.rules,
        )
    return stages.emit(report, command.output_format)


def nothing_to_check(args: Sequence[str], environ: Mapping[str, str], stdin: str = "") -> bool:
    """True when `hotfix-guard ARGS` would certainly pass silently: not a hotfix branch."""
    if args and args[0] == "trailers":
        return len(args) >= 2 and _no_trailers_to_add()
    command = plain_command(args, CATALOG_RULE_NAMES)
    if command is None:
        return False
    call = from_hook(command.stage, command.hook_args, environ, lambda: stdin)
    where = probe()
    return where is not None and _nothing_to_check(command, call, where)


def _nothing_to_check(command: PlainCommand, call: Invocation | None, where: Probe) -> bool:
    if command.head is not None or command.base is not None or command.output_format != "text":
        return False  # another branch, or an answer in JSON: the full path gives it
    if command.rules and not _only_hotfix_branch_rules(command.rules):
        return False  # a tag or main rule was asked for by name
    if call is not None and call.stage not in ("pre-commit", "commit-msg", "pre-push", "manual"):
        return False  # post-merge and the other stages: the full path knows what runs there
    if call is not None and call.is_push:
        # A push is judged by committed configs (request.py), never by the work tree's, which
        # is all this path reads: an uncommitted config must not decide what a push skips.
        return False
    branches = [where.head_ref] if where.head_ref else []
    if not branches or not all(ref.startswith("refs/heads/") for ref in branches):
        return False  # detached HEAD, a tag, a range named by hand: the full path reports it
    settings = _branch_settings(where.root, where.git_dir)
    if settings is None:
        return False
    patterns = settings[0]
    names = [ref[len("refs/heads/") :] for ref in branches]
    # A hotfix branch, or one in the wrong case (a branch-name error): the full path decides.
    folded = [pattern.casefold() for pattern in patterns]
    return not any(fnmatchcase(name.casefold(), pattern) for name in names for pattern in folded)


def _no_trailers_to_add() -> bool:
    """The message hooks on a branch that is no hotfix branch, git-flow's prefix included."""
    where = probe()
    if where is None or where.head_ref is None or not where.head_ref.startswith("refs/heads/"):
        return False  # detached, unborn or odd: the full path decides
    branch = where.head_ref[len("refs/heads/") :]
    settings = _branch_settings(where.root, where.git_dir)
    if settings is None or any(fnmatchcase(branch, pattern) for pattern in settings[0]):
        return False
    if settings[0] != DEFAULT_BRANCH_PATTERNS:
        return True
    # The lifecycle commands read git-flow's hotfix prefix when branch-patterns is the default.
    prefix = (git_output(("config", "--get", "gitflow.prefix.hotfix")) or b"").strip()
    return not (prefix and branch.startswith(os.fsdecode(prefix)))


def _branch_settings(root: str, git_dir: str) -> tuple[tuple[str, ...], str] | None:
    """branch-patterns and main-branch ("" for the default) of a valid config, else None."""
    signature = _config_signature(root)
    cache = os.path.join(git_dir, CACHE_NAME)
    try:
        with open(cache, "rb") as remembered:
            fields = os.fsdecode(remembered.read()).split("\0")
        if fields[0] == signature and len(fields) >= 3:
            return tuple(fields[2:]), fields[1]
    except OSError:
        pass
    from pathlib import Path

    from hotfix_guard.config.loader import load
    from hotfix_guard.config.remembered import write_atomically
    from hotfix_guard.errors import UsageError

    try:
        config = load(Path(root), remember_in=git_dir)
    except UsageError:
        return None
    settings = (config.branch_patterns, config.main_branch or "")
    if not any("\0" in text for text in (*settings[0], settings[1])):
        write_atomically(cache, os.fsencode("\0".join((signature, settings[1], *settings[0]))))
    return settings


def _config_signature(root: str) -> str:
    """What changes whenever the config could read differently."""
    parts = [__version__]
    for name in CONFIG_FILES:
        try:
            info = os.stat(os.path.join(root, name))
        except OSError:
            parts.append(f"{name}:-")
            continue
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}")
    return " ".join(parts)
