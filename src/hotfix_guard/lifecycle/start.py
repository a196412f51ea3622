"""`hotfix-guard start`: cut hotfix/<slug> from an up-to-date main and record the incident.

The incident is recorded in git, as the trailers of an empty first commit on the branch
(`Start hotfix: <description>`), so a teammate who fetches the branch sees the same record and the
hotfix-trailers hook can copy it into every later commit.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotfix_guard.config.loader import SEVERITIES, Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.assess import assess, summary_line
from hotfix_guard.incident.clocks import response_clock, restore_clock, span
from hotfix_guard.incident.deployments import releases_on
from hotfix_guard.incident.record import IncidentRecord, format_time, one_line
from hotfix_guard.lifecycle import rollback as rollbacks
from hotfix_guard.lifecycle.common import (
    START_SUBJECT,
    branch_prefix,
    slug,
    unpushed_main,
)
from hotfix_guard.scope import find_main

# How far ahead of this machine's clock --detected may be: another machine's clock, not the future.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class StartRequest:
    description: str
    severity: str
    incident: str | None
    detected: datetime
    fetch: bool
    service: str | None = None
    impact: str | None = None
    mitigation: str = "hotfix"
    good: str | None = None  # a rollback's last known good release (default: the one before)


def start(
    repo: Repository,
    config: Config,
    request: StartRequest,
    echo: Callable[[str], None],
    now: datetime,
) -> str:
    """Cut the branch and record the incident; return the branch name."""
    _check_request(repo, request, echo, now)
    git = LifecycleGit(repo)
    rolling_back = request.mitigation == "rollback"
    name = "" if rolling_back else _branch_name(config, request.description)
    _refuse_existing(repo, name)
    changed = git.tracked_changes()
    if changed:
        raise UsageError(
            f"uncommitted changes in {len(changed)} tracked file(s) ({_first(changed)}): "
            "commit or stash them (git stash) before starting a hotfix"
        )
    main, main_tip = _up_to_date_main(repo, config, git, request.fetch, echo)
    description, plan = request.description.strip(), None
    if rolling_back:
        plan = rollbacks.plan(repo, config, main, main_tip, request.good)
        description = rollbacks.describe(plan.good, request.description)
        name = _branch_name(config, rollbacks.branch_name(plan.good), as_is=True)
        _refuse_existing(repo, name)
    record = IncidentRecord(
        request.severity,
        request.incident,
        request.detected,
        request.service,
        request.impact,
        request.mitigation,
    )
    head_ref, head_commit = repo.symbolic_head(), repo.resolve_commit("HEAD")
    message = start_message(description, record)
    _cut(git, name, main_tip, message, (head_ref, head_commit))
    for line in _started_lines(config, name, (main, main_tip), record, now):
        echo(line)
    _say_assessed(repo, config, (main, main_tip), record, echo)
    if plan is not None:
        before = (head_ref, head_commit or main_tip)
        rollbacks.begin(repo, plan, name, record.trailers(), before, echo)
        echo("Next: hotfix-guard finish --push (tags the next patch release)")
    else:
        echo("Next: commit the fix (each commit carries the incident's trailers through the")
        echo("hotfix-trailers hook), then: hotfix-guard finish --push")
    return name


def _check_request(
    repo: Repository, request: StartRequest, echo: Callable[[str], None], now: datetime
) -> None:
    """Refuse, before anything moves, values that are not one bounded line, a detection in the
    future, and a stopped rollback start."""
    if request.severity not in SEVERITIES:
        raise UsageError(
            f"--severity {request.severity!r}: expected one of {', '.join(SEVERITIES)}"
        )
    one_line("the description", request.description)
    for option, value in (
        ("--incident", request.incident),
        ("--service", request.service),
        ("--impact", request.impact),
    ):
        if value is not None:
            one_line(option, value)
    _require_past(request.detected, now, echo)
    if rollbacks.in_progress(repo):
        raise UsageError(
            "a rollback start began in this work tree is stopped: hotfix-guard start --continue, "
            "or hotfix-guard start --abort"
        )


def _refuse_existing(repo: Repository, name: str) -> None:
    if name and any(refs.branch_name(ref) == name for ref in repo.refs):
        raise UsageError(
            f"branch {name} exists already: continue it (git switch {shlex.quote(name)}) "
            "or describe this hotfix differently"
        )


def _up_to_date_main(
    repo: Repository, config: Config, git: LifecycleGit, fetch: bool, echo: Callable[[str], None]
) -> tuple[str, str]:
    """main's name and tip, fetched and checked up to date with its remote."""
    remote = _fetch(git, fetch, echo)
    main = find_main(repo, config).name
    if refs.local(main) not in repo.refs:
        tracking = shlex.quote(f"{remote}/{main}" if remote else main)
        raise UsageError(
            f"no local {main} branch: create it (git branch {shlex.quote(main)} {tracking})"
        )
    if remote:
        _require_up_to_date(git, main, remote)
    else:
        echo(f"hotfix-guard: no remote configured: cutting from the local {main} as it is")
    return main, repo.refs[refs.local(main)]


def _cut(
    git: LifecycleGit, name: str, main_tip: str, message: str, before: tuple[str | None, str | None]
) -> None:
    """Create NAME at MAIN_TIP, switch to it and make the first commit, or leave nothing."""
    created = git.create_and_switch(name, main_tip)
    if not created.ok:
        raise UsageError(f"cannot create {name}: {created.stderr}")
    try:
        committed = git.commit_message(message, allow_empty=True)
    except KeyboardInterrupt:
        _undo(git, name, *before)  # Ctrl-C in a hook: as if start never ran
        raise
    if not committed.ok:
        _undo(git, name, *before)
        raise UsageError(f"the first commit of {name} was refused: {committed.stderr}")


def _undo(git: LifecycleGit, name: str, head_ref: str | None, head_commit: str | None) -> None:
    """Leave nothing half made: back where start began, and the new branch gone."""
    if head_commit is not None:
        git.point_head_at(head_ref, head_commit, "hotfix-guard start: undo")
    git.update_ref(
        refs.local(name), None, git.repo.resolve_commit(name), "hotfix-guard start: undo"
    )


def _branch_name(config: Config, description: str, as_is: bool = False) -> str:
    """hotfix/ and DESCRIPTION's words (AS_IS: DESCRIPTION itself, when it matches the regex)."""
    words = slug(description)
    if as_is and re.fullmatch(config.branch_name_regex, f"{branch_prefix(config)}{description}"):
        words = description
    if not words:
        raise UsageError(
            f"the description {description!r} has no letters or digits for a branch name (ASCII "
            "letters and digits; accents are dropped, Cyrillic is transliterated, other scripts "
            "are not): "
            'describe the fix in words (e.g. "fix login timeout")'
        )
    name = f"{branch_prefix(config)}{words}"
    if not re.fullmatch(config.branch_name_regex, name):
        raise UsageError(
            f"{name} does not match branch-name-regex {config.branch_name_regex!r}: "
            "describe the fix in other words or change branch-name-regex"
        )
    return name


def _fetch(git: LifecycleGit, fetch: bool, echo: Callable[[str], None]) -> str | None:
    remotes = git.remotes()
    if not remotes:
        return None
    remote = "origin" if "origin" in remotes else remotes[0]
    if fetch:
        fetched = git.fetch(remote)
        if not fetched.ok:
            raise UsageError(
                f"cannot fetch {remote}: {_last_line(fetched.stderr)}; fix the connection or pass "
                "--no-fetch to cut from what you fetched last"
            )
        git.forget_cached_refs()  # the fetch moved remote-tracking refs
    return remote


def _require_up_to_date(git: LifecycleGit, main: str, remote: str) -> None:
    upstream = refs.remote_tracking(remote, main)
    if git.repo.refs.get(upstream, "") in ("", git.repo.refs.get(refs.local(main))):
        return  # no remote copy, or the very same commit: nothing to count
    ahead, behind = git.ahead_behind(refs.local(main), upstream)
    # Ahead or diverged: main has commits nobody released. Its fix (a branch keeps them, main
    # goes back to the remote's) brings the remote's commits too when it is also behind.
    unpushed = unpushed_main(git.repo, main, remote) if ahead else None
    if unpushed:
        raise UsageError(unpushed)
    if behind:
        branch, remote_word = shlex.quote(main), shlex.quote(remote)
        raise UsageError(
            f"{main} is {behind} commit(s) behind {remote}/{main}: update it first "
            f"(git switch {branch} && git pull --ff-only {remote_word} {branch})"
        )


def start_message(description: str, record: IncidentRecord) -> str:
    """The start commit's message. Every value is one bounded line: a line break in the
    description or in a trailer value could write a trailer of its own (an override)."""
    subject = one_line("the description", description)
    trailers = [(key, one_line(f"--{key.lower()}", value)) for key, value in record.trailers()]
    return f"{START_SUBJECT}{subject}\n\n" + "".join(f"{key}: {value}\n" for key, value in trailers)


def _require_past(detected: datetime, now: datetime, echo: Callable[[str], None]) -> None:
    """Refuse a detection time in the future; within CLOCK_SKEW it is another machine's clock."""
    ahead = detected - now
    if ahead <= timedelta(0):
        return
    if ahead > CLOCK_SKEW:
        raise UsageError(
            f"--detected {format_time(detected)} is {span(ahead)} in the future (now "
            f"{format_time(now)}; up to {span(CLOCK_SKEW)} of clock skew is tolerated): give "
            "the time the incident was detected, or now"
        )
    echo(
        f"hotfix-guard: --detected is {span(ahead)} ahead of this machine's clock: "
        f"tolerated as clock skew (up to {span(CLOCK_SKEW)})"
    )


def _started_lines(
    config: Config,
    name: str,
    main: tuple[str, str],
    record: IncidentRecord,
    now: datetime,
) -> list[str]:
    """What start did and the incident's clocks."""
    incident = f", incident {record.incident}" if record.incident else ""
    detected = record.detected or now
    return [
        f"Started {name} from {main[0]} at {main[1][:12]}.",
        f"Incident: {record.severity}{incident}, detected {format_time(detected)}.",
        # The branch just cut is the first response git records: the response clock stops now.
        f"{response_clock(config, record, now, now).line()}.",
        f"{restore_clock(config, record, None, now).line()}.",
    ]


def _say_assessed(
    repo: Repository,
    config: Config,
    main: tuple[str, str],
    record: IncidentRecord,
    echo: Callable[[str], None],
) -> None:
    """assess's one line: the suspects are in view while the branch is cut."""
    if not releases_on(repo, config, main[1]):
        return  # a repository that tags no release: nothing to say
    echo(summary_line(assess(repo, config, main, (), record.detected, None)))


def _first(paths: list[str]) -> str:
    return paths[0] + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
