"""Who judges a check: the config, where git attributes come from, which overrides count.

Decided once, where a stage starts, and carried as one frozen Request through every stage:

- at commit time, and for `check` of the checked-out branch: the work tree's config and
  attributes (what is being committed);
- at push time, on the client and on the server, and in CI: a committed config, never the work
  tree's. A pushed hotfix branch by its pushed commit's (client) or by main's before the update
  (server, CI); a tag by its tagged commit's (client) or main's (server, CI); main by main's
  before the update. Which branch is main is found from refs and main's committed config only.
- On the server and in CI the git attributes that classify files (generated, vendored) come from
  the same place as the config, so a pushed `.gitattributes` cannot exempt itself.
- Override trailers count only from the hotfix's own commits (context.Context.overrides); the
  request carries the extra ones (the commit message being written, the server's push options).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from hotfix_guard.config.loader import Config, load_at
from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from hotfix_guard.overrides.trailers import OverrideValue
from hotfix_guard.scope import MainBranch, copies_of, find_main

WORK_TREE = "the work tree"


class Request(NamedTuple):
    """The judging side of a check, the same for every ref a stage looks at."""

    config: Config
    # The revision whose committed config this is; WORK_TREE for the work tree's.
    config_from: str = WORK_TREE
    # The revision whose .gitattributes classify the changed files; None: the judged tree's own
    # (the work tree for the staged index, the judged commit otherwise).
    attributes_at: str | None = None
    rules: tuple[str, ...] = ()
    # Overrides that are not trailers of the hotfix's commits: the message being written, push
    # options.
    extra_overrides: tuple[OverrideValue, ...] = ()
    # main as the caller knows it (the server: as it is before, or will be after, the push).
    main: MainBranch | None = None
    # Pushed branches by tip, (commit, branch): they name the branch a merge on main brings.
    pushed_tips: tuple[tuple[str, str], ...] = ()

    def with_main(self, main: MainBranch | None) -> Request:
        return self._replace(main=main)


def of_work_tree(config: Config, rules: Sequence[str] = ()) -> Request:
    """The work tree's config and attributes: commit time, and `check` by hand."""
    return Request(config, rules=tuple(rules))


def committed_at(repo: Repository, rev: str, rules: Sequence[str] = ()) -> Request:
    """The config committed at REV, and REV's own attributes (a pushed commit, a tagged one)."""
    return Request(load_at(repo, rev), config_from=rev, rules=tuple(rules))


class MainBefore(NamedTuple):
    """main as it is before an update, and the request its committed config makes."""

    main: MainBranch
    before: str | None  # its commit before the update; None when it has none yet
    request: Request


def main_before(
    repo: Repository,
    olds: Mapping[str, str],
    rules: Sequence[str] = (),
    fallbacks: Sequence[str] = (),
) -> MainBefore | None:
    """main before the update and its committed config, from refs only (never the work tree).

    OLDS maps a pushed branch to what the remote had (a push of main says what main was);
    otherwise main's remote-tracking copy, else its local copy, is main before the update.
    FALLBACKS are commits whose committed config may name main-branch when no main, master or
    origin/HEAD exists. None when no main is found at all.
    """
    main = _find_main_without_config(repo, fallbacks)
    if main is None:
        return None
    before = _before(repo, main, olds)
    config = load_at(repo, before) if before else Config()
    if config.main_branch and config.main_branch != main.name:
        named = copies_of(repo, config.main_branch)
        if named:
            main = MainBranch(config.main_branch, named)
            before = _before(repo, main, olds)
    source = before or WORK_TREE
    request = Request(config, config_from=source, attributes_at=before, rules=tuple(rules))
    return MainBefore(main, before, request.with_main(main))


def _find_main_without_config(repo: Repository, fallbacks: Sequence[str]) -> MainBranch | None:
    try:
        return find_main(repo, Config())
    except UsageError:
        pass
    for rev in fallbacks:
        try:
            named = load_at(repo, rev).main_branch
        except UsageError:
            continue
        copies = copies_of(repo, named) if named else ()
        if named and copies:
            return MainBranch(named, copies)
    return None


def _before(repo: Repository, main: MainBranch, olds: Mapping[str, str]) -> str | None:
    old = olds.get(main.name)
    if old is not None and set(old) != {"0"}:
        found = repo.resolve_commit(old)
        if found is not None:
            return found
    remote = [ref for ref in main.refs if ref.startswith("refs/remotes/")]
    for ref in (*remote, *main.refs):
        found = repo.resolve_commit(ref)
        if found is not None:
            return found
    return None
