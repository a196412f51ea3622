"""`hotfix-guard overrides`: every override in history and every one the server recorded.

History: the `Hotfix-Guard-Override` trailers of every commit on a branch, tag or remote-tracking
branch (found with git's own trailer parser). Server: the push-option overrides the pre-receive
hook honoured, from `<git dir>/hotfix-guard/overrides.jsonl` (see overrides/log.py): run the command
on the server, or in a clone that keeps a copy of that file, to see them.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from hotfix_guard.errors import UsageError
from hotfix_guard.git.records import override_trailers
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk
from hotfix_guard.overrides import log
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.report.findings import printable

DURATION = re.compile(r"(\d+)([hdw])")
UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Entry:
    """One override: given in a commit or a push, by whom, when, for which rules, why."""

    kind: Literal["commit", "push"]
    where: str  # the commit id, or the refs of the push
    author: str
    date: str  # ISO 8601 UTC
    rules: tuple[str, ...]
    reason: str
    problem: str | None = None  # why it is not honoured (unknown rule, no reason)


def parse_since(when: str, now: datetime | None = None) -> datetime:
    """YYYY-MM-DD, an ISO 8601 time, or a duration back from now: 12h, 30d, 2w."""
    now = now or datetime.now(timezone.utc)
    duration = DURATION.fullmatch(when.strip())
    if duration:
        return now - timedelta(**{UNITS[duration.group(2)]: int(duration.group(1))})
    try:
        moment = datetime.fromisoformat(when.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--since {when!r} is not a date: use YYYY-MM-DD, an ISO 8601 time, or 12h, 30d, 2w"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def utc(date: str) -> datetime:
    return datetime.fromisoformat(date.replace("Z", "+00:00")).astimezone(timezone.utc)


def show_date(date: str) -> str:
    return utc(date).strftime("%Y-%m-%dT%H:%M:%SZ")


def entries(repo: Repository, since: datetime | None) -> list[Entry]:
    """Every override, newest first."""
    walk = Walk(every_ref=True, since=int(since.timestamp()) if since is not None else None)
    found: list[Entry] = []
    for record in override_trailers(repo, walk):
        # git's date parser gives up on far dates and then keeps everything: filter here too.
        if since is not None and utc(record.date) < since:
            continue
        for value in record.values:
            parsed = overrides.parse(value, "commit", record.sha, record.author, record.date)
            names, _, reason = value.partition(":")
            found.append(
                Entry(
                    "commit",
                    record.sha,
                    record.author,
                    show_date(record.date),
                    tuple(name.strip() for name in names.split(",") if name.strip()),
                    reason.strip(),
                    None if isinstance(parsed, overrides.Override) else parsed.message,
                )
            )
    for pushed in log.read(repo.git_dir):
        if since is None or utc(pushed.date) >= since:
            found.append(
                Entry(
                    "push",
                    ", ".join(pushed.refs),
                    pushed.pusher,
                    show_date(pushed.date),
                    pushed.rules,
                    pushed.reason,
                )
            )
    return sorted(found, key=lambda entry: entry.date, reverse=True)


def render_text(found: list[Entry]) -> str:
    lines = []
    for entry in found:
        where = f"commit {entry.where[:12]}" if entry.kind == "commit" else f"push {entry.where}"
        # From a push option or a trailer: anyone's text, escapes and all, reaches the terminal.
        line = printable(
            f"{entry.date}  {where}  {entry.author}  {', '.join(entry.rules)}: {entry.reason}"
        )
        if entry.problem:
            line += "  (not honoured: invalid)"
        lines.append(line)
    commits = sum(entry.kind == "commit" for entry in found)
    pushes = len(found) - commits
    total = f"{len(found)} override{'' if len(found) == 1 else 's'}"
    lines.append(f"{total}: {commits} in commits, {pushes} recorded by the server")
    return "\n".join(lines)


def render_json(found: list[Entry]) -> str:
    return json.dumps(
        {"overrides": [asdict(entry) for entry in found]}, indent=2, ensure_ascii=False
    )
