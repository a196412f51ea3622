"""`hotfix-guard pre-receive`: every rule that applies to every ref a push updates, on the server.

git gives a pre-receive hook `<old> <new> <ref>` lines on stdin, in the bare repository, before any
ref moves; a non-zero exit refuses the whole push (all or nothing). The new objects are visible
through git's quarantine variables, which the git layer inherits.

- A hotfix branch (created or updated), or one that is a hotfix branch only when case is ignored
  (`Hotfix/x`, a branch-name error): the branch, size and noise rules against main as it is
  before the push (a push that also moves main must not make the hotfix look empty), and its
  own override trailers. Not the tests rule: git forbids the temporary worktree it needs while a
  push is in quarantine, and a push should not wait for a test suite; CI runs the tests.
- main: what the push lands on it (mainline.py: each hotfix merge judged by the branch rules,
  anything but hotfix and release merges a `main-landing` error) and the rules about main on its
  new tip. A tag: the tag rules, with main as it will be after the push (`finish --push` pushes
  the merge and its tag together).
- Deleting main or a backport branch is refused. Another deletion, another branch, or another
  ref namespace: nothing to check.
- No main: an empty repository's first push passes; once the repository has history, a push
  that does not create main is refused (fails closed).
- Config and git attributes: main's as it is before the push, never the pushed commits' (a
  pushed .gitattributes cannot exempt itself).
- Push options `hotfix-guard.override=<rule>: <reason>` override those rules for the whole push;
  the server records each one it honours (log.py), and says that it runs no tests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from hotfix_guard import scope as scopes
from hotfix_guard.config.loader import Config, load_at
from hotfix_guard.engine import stages
from hotfix_guard.engine.request import MainBefore, Request, main_before
from hotfix_guard.errors import UsageError, line_prefix
from hotfix_guard.git.refs import HEADS, tag_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.overrides import log
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.overrides.trailers import OverrideValue
from hotfix_guard.report.findings import Finding, Report, text_line
from hotfix_guard.scope import Target

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
    olds = {u.branch: u.old for u in invocation.updates if u.branch is not None}
    try:
        found = main_before(repo, olds)
    except UsageError as problem:
        main = _current_main(repo)
        assert main is not None  # a config was read, so there is a main
        main_update = _update_of(invocation, main.name)
        return _repair_of_broken_config(repo, invocation, main, main_update, problem)
    if found is None:
        return _without_main(repo, invocation)
    request = found.request._replace(pushed_tips=_pushed_tips(invocation))
    reports = [_deletion(found.main.name, request.config, u) for u in invocation.updates]
    main_update = _update_of(invocation, found.main.name)
    main_after = found.main
    if main_update is not None:
        _valid_config_at(repo, found.main.name, main_update.new)
        main_after = scopes.MainBranch(found.main.name, (main_update.new,))
    reports.extend(_check_update(repo, request, found, u, main_after) for u in invocation.updates)
    checked = [r for r in reports if r is not None]
    report = stages.merge_reports(checked, subject="push") if checked else _nothing()
    valid, problems = overrides.parse_all(override_values(invocation))
    problems = [*problems, *_misspelt_options(invocation)]
    return _no_tests_here(overrides.apply(report, valid, problems), valid)


def _misspelt_options(invocation: Invocation) -> list[Finding]:
    """`-o hotfix-guard.override` with no `=` (or another hotfix-guard. option): said, not
    ignored, so the pusher does not believe an override was given."""
    return [
        Finding(
            f"push option {option!r} is not {PUSH_OPTION}<rule>: <reason> (the '=' is missing): "
            f"no override was given; push again with -o '{PUSH_OPTION}<rule>: <reason>'",
            ref=overrides.SOURCE_WORDS["push"],
            rule=overrides.OVERRIDE_RULE,
        )
        for option in invocation.push_options
        if option.lower().startswith("hotfix-guard.") and not option.startswith(PUSH_OPTION)
    ]


def _check_update(
    repo: Repository,
    request: Request,
    found: MainBefore,
    update: RefUpdate,
    main_after: scopes.MainBranch,
) -> Report | None:
    """One update, judged by main's config before the push; None when nothing applies. A tag
    is judged with MAIN_AFTER, main as the push leaves it (`finish --push` pushes the merge and
    its tag together)."""
    from hotfix_guard.engine.mainline import check_main_update

    main = found.main
    if update.is_deletion:
        return None
    if update.tag is not None:
        queries = TagQueries(repo)
        tag = queries.tag_ref(update.tag, update.new)
        return stages.check_tag(repo, request.with_main(main_after), tag, queries)
    if update.branch == main.name:
        return check_main_update(repo, request, (found.before, update.new))[0]
    if update.branch is None:
        return None
    if not request.config.is_hotfix_branch(update.branch):
        return stages.naming_report(request.config, update.branch)  # `Hotfix/x` is an error
    return stages.check_change(repo, request, Target(update.branch, update.new))


def _update_of(invocation: Invocation, branch: str) -> RefUpdate | None:
    return next((u for u in invocation.updates if u.branch == branch and not u.is_deletion), None)


def _pushed_tips(invocation: Invocation) -> tuple[tuple[str, str], ...]:
    return tuple(
        (u.new, u.branch) for u in invocation.updates if u.branch is not None and not u.is_deletion
    )


def _deletion(main: str, config: Config, update: RefUpdate) -> Report | None:
    """Deleting main or a backport branch would switch the guard off: refused."""
    if not update.is_deletion or update.branch not in (main, *config.backport_branches):
        return None
    what = "main branch" if update.branch == main else "backport branch"
    finding = Finding(
        f"deleting the {what} {update.branch} is refused: without it no later push can be "
        "checked against what is released",
        ref=update.branch,
        rule="main-landing",
    )
    return Report(subject=f"delete {update.branch}", findings=(finding,))


def _without_main(repo: Repository, invocation: Invocation) -> Report:
    """No main: an empty repository's first push passes; once it has history, only a push
    that creates main does (fails closed: deleting main must not switch the guard off)."""
    note = "hotfix-guard: the repository has no main branch yet, nothing to check"
    creates = any(u.branch in ("main", "master") and not u.is_deletion for u in invocation.updates)
    if not repo.refs or creates:
        return Report(subject="push", notes=(note,))
    raise UsageError(
        "the repository has history but no main (or master) branch, so this push cannot be "
        "checked against what is released: push main first (an administrator restores it)"
    )


def _no_tests_here(report: Report, valid: Sequence[overrides.Override]) -> Report:
    """The server runs no tests: a push that uses a push option (so, from the client, with
    --no-verify, which skipped the client's tests) is told so, never silently."""
    if not valid:
        return report
    named = any("tests" in override.rules for override in valid)
    note = (
        "hotfix-guard: the server runs no tests"
        + (", so the push option overriding `tests` changed nothing here" if named else "")
        + "; a push with --no-verify skipped the client's tests too: run them "
        "(hotfix-guard run-tests) or let CI run them (hotfix-guard ci --tests)"
    )
    return report._replace(notes=(*report.notes, note))


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
