"""`hotfix-guard pre-receive`: every rule that applies to every ref a push updates, on the server.

git gives a pre-receive hook `<old> <new> <ref>` lines on stdin, in the bare repository, before any
ref moves; a non-zero exit refuses the whole push (all or nothing). The new objects are visible
through git's quarantine variables, which the git layer inherits.

- A hotfix branch (created or updated): the branch, size and noise rules against main as it is
  before the push (a push that also moves main must not make the hotfix look empty), and its
  override trailers. Not the tests rule: git forbids the temporary worktree it needs while a push
  is in quarantine, and a push should not wait for a test suite; CI runs the tests.
- main: the rules about main, on its new tip. A tag: the tag rules, with main as it will be after
  the push (`finish --push` pushes the merge and its tag together).
- A deletion, another branch, or another ref namespace: nothing to check.
- Config: the repository's main branch as it is before the push, never the pushed commits.
- Push options `hotfix-guard.override=<rule>: <reason>` override those rules for the whole push;
  the server records each one it honours (log.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from hotfix_guard import scope as scopes
from hotfix_guard.catalog import CHANGE
from hotfix_guard.config.loader import Config, load_at
from hotfix_guard.engine import stages
from hotfix_guard.errors import UsageError, line_prefix
from hotfix_guard.git.refs import HEADS, tag_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.overrides import log
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.overrides.trailers import OverrideValue
from hotfix_guard.report.findings import Report, text_line

PUSH_OPTION = "hotfix-guard.override="
OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


@dataclass(frozen=True)
class RefUpdate:
    """One line of pre-receive's stdin."""

    old: str
    new: str
    ref: str

    @property
    def is_deletion(self) -> bool:
        return set(self.new) == {"0"}

    @property
    def is_creation(self) -> bool:
        return set(self.old) == {"0"}

    @property
    def branch(self) -> str | None:
        return self.ref[len(HEADS) :] if self.ref.startswith(HEADS) else None

    @property
    def tag(self) -> str | None:
        return tag_name(self.ref)

    @property
    def label(self) -> str:
        return f"{self.ref} {self.old[:12]}..{self.new[:12]}"


@dataclass(frozen=True)
class Invocation:
    """What git and the hosting software hand the hook: the updates, push options, environment."""

    updates: tuple[RefUpdate, ...]
    push_options: tuple[str, ...]
    environ: Mapping[str, str]


def parse_updates(text: str) -> list[RefUpdate]:
    """`<old> <new> <ref>` lines; ref names hold no spaces (git refuses them)."""
    updates = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not all(OBJECT_ID.fullmatch(sha) for sha in parts[:2]):
            raise UsageError(f"pre-receive input line {line!r} is not `<old> <new> <ref>`")
        updates.append(RefUpdate(*parts))
    return updates


def read_invocation(stdin_text: str, environ: Mapping[str, str]) -> Invocation:
    try:
        count = int(environ.get("GIT_PUSH_OPTION_COUNT", "0") or "0")
    except ValueError:
        count = 0
    options = tuple(environ.get(f"GIT_PUSH_OPTION_{index}", "") for index in range(count))
    return Invocation(
        updates=tuple(parse_updates(stdin_text)),
        push_options=options,
        environ=environ,
    )


def override_values(invocation: Invocation) -> tuple[OverrideValue, ...]:
    pusher = log.pusher(invocation.environ)
    return tuple(
        (option[len(PUSH_OPTION) :], "push", "push", pusher, None)
        for option in invocation.push_options
        if option.startswith(PUSH_OPTION)
    )


def check_push(repo: Repository, invocation: Invocation) -> Report:
    """Every update of INVOCATION checked; push-option overrides applied to all of them."""
    main = _current_main(repo)
    if main is None:
        return Report(
            subject="push",
            notes=("hotfix-guard: the repository has no main branch yet, nothing to check",),
        )
    main_update = next(
        (u for u in invocation.updates if u.branch == main.name and not u.is_deletion), None
    )
    try:
        config = load_at(repo, main.refs[0])
    except UsageError as problem:
        return _repair_of_broken_config(repo, invocation, main, main_update, problem)
    if config.main_branch and config.main_branch != main.name:
        named = scopes.copies_of(repo, config.main_branch)
        main = scopes.MainBranch(config.main_branch, named) if named else main
        main_update = next(
            (u for u in invocation.updates if u.branch == main.name and not u.is_deletion), None
        )
    main_after = main
    if main_update is not None:
        _valid_config_at(repo, main.name, main_update.new)
        main_after = scopes.MainBranch(main.name, (main_update.new,))
    queries = TagQueries(repo)
    reports = []
    for update in invocation.updates:
        if update.is_deletion:
            continue
        if update.tag is not None:
            tag = queries.tag_ref(update.tag, update.new)
            reports.append(stages.check_tag(repo, config, tag, queries, main=main_after))
        elif update.branch == main.name:
            reports.append(stages.check_main(repo, config, head=update.new, main=main_after))
        elif update.branch is not None and config.is_hotfix_branch(update.branch):
            reports.append(
                stages.check_change(
                    repo,
                    config,
                    branch=update.branch,
                    head=update.new,
                    staged=False,
                    subjects=(CHANGE,),
                    main=main,
                )
            )
    report = stages.merge_reports(reports, subject="push") if reports else _nothing()
    valid, problems = overrides.parse_all(override_values(invocation))
    return overrides.apply(report, valid, problems)


def _valid_config_at(repo: Repository, main: str, commit: str) -> Config:
    """The config of the pushed main: an invalid one would stop every later push, so refuse it."""
    try:
        return load_at(repo, commit)
    except UsageError as problem:
        raise UsageError(
            f"the pushed {main} ({commit[:12]}) has an invalid config, which would stop every "
            f"later push: {problem}"
        ) from None


def _repair_of_broken_config(
    repo: Repository,
    invocation: Invocation,
    main: scopes.MainBranch,
    main_update: RefUpdate | None,
    problem: UsageError,
) -> Report:
    """main's config cannot be read: only a push of main that repairs it goes through."""
    checked = [u for u in invocation.updates if not u.is_deletion and u is not main_update]
    if main_update is None or any(u.tag is not None or u.branch is not None for u in checked):
        raise UsageError(
            f"the config on {main.name} is invalid, so no push can be checked: {problem}; "
            f"push a fix of it to {main.name} alone"
        )
    _valid_config_at(repo, main.name, main_update.new)
    note = f"hotfix-guard: this push repairs the invalid config of {main.name} ({problem})"
    return Report(subject="push", notes=(note,))


def _nothing() -> Report:
    return Report(subject="push: no hotfix branch, main or tag updated")


def _current_main(repo: Repository) -> scopes.MainBranch | None:
    return scopes.main_or_none(repo, Config())


def record(repo: Repository, invocation: Invocation, report: Report) -> list[log.PushRecord]:
    """Write the push-option overrides REPORT honoured to the server's log (accepted pushes)."""
    if not report.ok:
        return []
    valid, _ = overrides.parse_all(override_values(invocation))
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    records = [
        log.PushRecord(
            date=now,
            pusher=log.pusher(invocation.environ),
            refs=tuple(update.label for update in invocation.updates),
            rules=override.rules,
            reason=override.reason,
            findings=tuple(
                text_line(f)
                for f in report.overridden
                if f.rule in override.rules and f.override == overrides.describe(override)
            ),
        )
        for override in overrides.used(report, valid)
    ]
    log.append(repo.git_dir, records)
    return records


def prefix_lines(text: str, refused: bool) -> str:
    """GitLab shows a refused push's message in its UI only with the GL-HOOK-ERR: prefix."""
    prefix = line_prefix("pre-receive")
    if not (prefix and refused):
        return text
    return "\n".join(prefix + line for line in text.splitlines())


def run(repo: Repository, invocation: Invocation) -> tuple[Report, Sequence[log.PushRecord]]:
    report = check_push(repo, invocation)
    return report, record(repo, invocation, report)
