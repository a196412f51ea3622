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
from datetime import datetime

from hotfix_guard.config.loader import SEVERITIES, Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.clocks import response_clock, restore_clock
from hotfix_guard.incident.record import IncidentRecord, format_time
from hotfix_guard.lifecycle.common import (
    START_SUBJECT,
    branch_prefix,
    slug,
)
from hotfix_guard.scope import find_main


@dataclass(frozen=True)
class StartRequest:
    description: str
    severity: str
    incident: str | None
    detected: datetime
    fetch: bool


def start(
    repo: Repository,
    config: Config,
    request: StartRequest,
    echo: Callable[[str], None],
    now: datetime,
) -> str:
    """Cut the branch and record the incident; return the branch name."""
    if request.severity not in SEVERITIES:
        raise UsageError(
            f"--severity {request.severity!r}: expected one of {', '.join(SEVERITIES)}"
        )
    git = LifecycleGit(repo)
    name = _branch_name(config, request.description)
    if any(refs.branch_name(ref) == name for ref in repo.refs):
        raise UsageError(
            f"branch {name} exists already: continue it (git switch {shlex.quote(name)}) "
            "or describe this hotfix differently"
        )
    changed = git.tracked_changes()
    if changed:
        raise UsageError(
            f"uncommitted changes in {len(changed)} tracked file(s) ({_first(changed)}): "
            "commit or stash them (git stash) before starting a hotfix"
        )
    remote = _fetch(git, request.fetch, echo)
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
    record = IncidentRecord(request.severity, request.incident, request.detected)
    main_tip = repo.refs[refs.local(main)]
    head_ref, head_commit = repo.symbolic_head(), repo.resolve_commit("HEAD")
    created = git.create_and_switch(name, main_tip)
    if not created.ok:
        raise UsageError(f"cannot create {name}: {created.stderr}")
    message = f"{START_SUBJECT}{request.description.strip()}\n\n" + "".join(
        f"{key}: {value}\n" for key, value in record.trailers()
    )
    try:
        committed = git.commit_message(message, allow_empty=True)
    except KeyboardInterrupt:
        _undo(git, name, head_ref, head_commit)  # Ctrl-C in a hook: as if start never ran
        raise
    if not committed.ok:
        _undo(git, name, head_ref, head_commit)
        raise UsageError(f"the first commit of {name} was refused: {committed.stderr}")
    for line in _next_steps(config, name, main, main_tip, record, now):
        echo(line)
    return name


def _undo(git: LifecycleGit, name: str, head_ref: str | None, head_commit: str | None) -> None:
    """Leave nothing half made: back where start began, and the new branch gone."""
    if head_commit is not None:
        git.point_head_at(head_ref, head_commit, "hotfix-guard start: undo")
    git.update_ref(
        refs.local(name), None, git.repo.resolve_commit(name), "hotfix-guard start: undo"
    )


def _branch_name(config: Config, description: str) -> str:
    words = slug(description)
    if not words:
        raise UsageError(
            f"the description {description!r} has no letters or digits for a branch name: "
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
    if upstream not in git.repo.refs:
        return
    ahead, behind = git.ahead_behind(refs.local(main), upstream)
    branch, remote_word = shlex.quote(main), shlex.quote(remote)
    pull = f"git switch {branch} && git pull --ff-only {remote_word} {branch}"
    if behind and ahead:
        raise UsageError(
            f"{main} has diverged from {remote}/{main} ({ahead} commit(s) only here, {behind} only "
            f"there): reconcile it first (git switch {shlex.quote(main)} && git pull --rebase "
            f"{shlex.quote(remote)} {shlex.quote(main)})"
        )
    if behind:
        raise UsageError(
            f"{main} is {behind} commit(s) behind {remote}/{main}: update it first ({pull})"
        )


def _next_steps(
    config: Config,
    name: str,
    main: str,
    main_tip: str,
    record: IncidentRecord,
    now: datetime,
) -> list[str]:
    """What start did, the incident's clocks, and what to do next."""
    incident = f", incident {record.incident}" if record.incident else ""
    detected = record.detected or now
    return [
        f"Started {name} from {main} at {main_tip[:12]}.",
        f"Incident: {record.severity}{incident}, detected {format_time(detected)}.",
        # The branch just cut is the first response git records: the response clock stops now.
        f"{response_clock(config, record, now, now).line()}.",
        f"{restore_clock(config, record, None, now).line()}.",
        "Next: commit the fix (each commit carries the incident's trailers through the",
        "hotfix-trailers hook), then: hotfix-guard finish --push",
    ]


def _first(paths: list[str]) -> str:
    return paths[0] + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
