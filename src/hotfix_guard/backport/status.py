"""What users read about backports: the post-merge reminder, `backport-status`, the push warning."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from hotfix_guard import scope as scopes
from hotfix_guard.backport.merges import DEFAULT_WINDOW_DAYS, HotfixMerge, recognise
from hotfix_guard.backport.reach import MISSING, Backport, BackportBranches
from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from hotfix_guard.report.findings import json_path

DAY = 86400
POST_MERGE, POST_COMMIT = "post-merge", "post-commit"


def window_start(since: str | None, now: float) -> int:
    """--since as a Unix time: an ISO date or date-time (UTC unless it says), default 90 days."""
    if since is None:
        return int(now) - DEFAULT_WINDOW_DAYS * DAY
    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise UsageError(
            f"--since {since!r} is not a date: use YYYY-MM-DD "
            f"(default: {DEFAULT_WINDOW_DAYS} days ago)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())


def day(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp, timezone.utc).date()


def age(landed: int, now: float) -> str:
    days = max(0, int(now - landed) // DAY)
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"


def landed_text(hotfix: HotfixMerge, main: str) -> str:
    return f"merged into {main} on {day(hotfix.landed)} ({hotfix.how} {hotfix.commit[:12]})"


def missing_message(hotfix: HotfixMerge, backport: Backport, main: str) -> str:
    """The one-line form of a missing backport (push warning, rule finding)."""
    assert backport.prediction is not None
    return (
        f"{landed_text(hotfix, main)} but has not reached {backport.label}; "
        f"{backport.prediction.text}; backport it: {' && '.join(backport.commands)}"
    )


# --- the reminder after a merge into main ------------------------------------------------------


def reminder(
    repo: Repository,
    config: Config,
    stage: str,
    *,
    squash: bool = False,
    merged: str | None = None,
) -> str:
    """What to print after a merge (post-merge) or a commit (post-commit) on main; often nothing.

    MERGED: the branch a `git merge --squash` merged (git names it only in its hooks'
    environment; invocation.Invocation.merged_branch reads it)."""
    branch = scopes.current_branch(repo)
    main = scopes.main_or_none(repo, config)
    if main is None:
        return ""  # no main branch: nothing can be merged into it
    branches = BackportBranches(repo, config, main)
    if branch != main.name or not any(branches.copies.values()):
        return ""
    if stage == POST_MERGE and squash:
        if merged is None or not config.is_hotfix_branch(merged):
            return ""
        return (
            f"hotfix-guard: {merged} is squash-merged into {main.name} but not committed yet; "
            "the backport reminder follows when you commit it"
        )
    before = repo.resolve_commit("ORIG_HEAD" if stage == POST_MERGE else "HEAD^")
    hotfixes = recognise(repo, config, main, ["HEAD"], exclude=[before] if before else [])
    blocks = []
    for hotfix, backports in branches.backports(hotfixes).items():
        for backport in backports:
            if backport.status == MISSING:
                blocks.append(_reminder_block(hotfix, backport, main.name))
    return "\n".join(blocks)


def _reminder_block(hotfix: HotfixMerge, backport: Backport, main: str) -> str:
    assert backport.prediction is not None
    commands = "".join(f"\n    {command}" for command in backport.commands)
    return (
        f"hotfix-guard: {hotfix.branch} was {landed_text(hotfix, main)} "
        f"and has not reached {backport.label} yet.\n"
        f"  Prediction: {backport.prediction.text}.\n"
        f"  Backport it now:{commands}"
    )


# --- backport-status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Every hotfix merged into main in the window, and where each went."""

    main: str
    since: int
    now: float
    backports: dict[HotfixMerge, list[Backport]]
    absent: tuple[str, ...]

    @property
    def missing(self) -> list[Backport]:
        return [b for found in self.backports.values() for b in found if b.status == MISSING]

    @property
    def exit_code(self) -> int:
        return 1 if self.missing else 0


def status(repo: Repository, config: Config, since: str | None) -> Status:
    now = time.time()
    start = window_start(since, now)
    main = scopes.find_main(repo, config)
    branches = BackportBranches(repo, config, main)
    hotfixes = recognise(repo, config, main, main.refs, since=start)
    return Status(main.name, start, now, branches.backports(hotfixes), tuple(branches.absent))


def render_status_text(report: Status) -> str:
    since = day(report.since)
    lines = [
        f"{name}: backport branch not found locally or on any remote" for name in report.absent
    ]
    if not report.backports:
        lines.append(f"No hotfix merged into {report.main} since {since}.")
        return "\n".join(lines)
    for hotfix, backports in report.backports.items():
        lines.append(
            f"{hotfix.branch}: {landed_text(hotfix, report.main)}, {age(hotfix.landed, report.now)}"
        )
        lines.extend(f"  {_status_line(backport)}" for backport in backports)
    missing = len(report.missing)
    lines.append(
        f"backport-status: {len(report.backports)} hotfix"
        f"{'es' if len(report.backports) != 1 else ''} merged into {report.main} since {since}, "
        f"{missing} missing backport{'s' if missing != 1 else ''}"
    )
    return "\n".join(lines)


def _status_line(backport: Backport) -> str:
    if backport.status != MISSING:
        return f"{backport.branch}: reached by {backport.status} ({backport.label})"
    assert backport.prediction is not None
    return f"{backport.branch}: missing ({backport.prediction.text}): " + " && ".join(
        backport.commands
    )


def render_status_json(report: Status) -> str:
    return json.dumps(
        {
            "ok": not report.missing,
            "main": report.main,
            "since": day(report.since).isoformat(),
            "absent_branches": list(report.absent),
            "hotfixes": [
                _hotfix_json(hotfix, backports, report.now)
                for hotfix, backports in report.backports.items()
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def _hotfix_json(hotfix: HotfixMerge, backports: Sequence[Backport], now: float) -> dict[str, Any]:
    return {
        "branch": hotfix.branch,
        "how": hotfix.how,
        "commit": hotfix.commit,
        "tip": hotfix.tip,
        "merged_at": datetime.fromtimestamp(hotfix.landed, timezone.utc).isoformat(),
        "age_days": max(0, int(now - hotfix.landed) // DAY),
        "backports": [
            {
                "branch": backport.branch,
                "status": backport.status,
                "ref": backport.label,
                "commands": list(backport.commands),
                "prediction": backport.prediction.text if backport.prediction else None,
                "conflicts": (
                    [json_path(path) for path in backport.prediction.conflicts]
                    if backport.prediction and backport.prediction.conflicts is not None
                    else None
                ),
            }
            for backport in backports
        ],
    }
