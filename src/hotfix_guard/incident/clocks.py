"""The incident's two clocks, as the runbook defines them.

- The response clock runs from the detection (the `Detected:` trailer) to the first response
  recorded in git: the hotfix branch cut by `start` (its first commit), or the first commit of a
  branch made by hand. Its target is the severity's `respond-within` (the runbook's table: P0
  immediate, taken as 15 minutes; P1 1 hour; P2 4 hours; P3 24 hours).
- The restore clock runs from the detection to the hotfix tag (the release that restored service).
  Its target is the severity's optional `restore-within`; the runbook sets none.

A clock whose end git does not hold yet is running: it is measured up to now. A target is met when
the time spent is at most the target: a response at exactly 1 hour meets P1's hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from hotfix_guard.config.loader import Config
from hotfix_guard.incident.record import IncidentRecord, format_time

ClockName = Literal["response", "restore"]
# What each clock measures, as start, status and the postmortem name it.
MEASURES: dict[ClockName, str] = {
    "response": "detection to the first response in git",
    "restore": "detection to the hotfix tag",
}
TARGET_KEYS: dict[ClockName, str] = {"response": "respond-within", "restore": "restore-within"}


@dataclass(frozen=True)
class Clock:
    name: ClockName
    severity: str | None  # a valid severity, or None
    started: datetime | None  # the detection; None: no Detected: trailer
    stopped: datetime | None  # the first response or the tag; None: running
    target: timedelta | None
    now: datetime

    @property
    def running(self) -> bool:
        return self.stopped is None

    @property
    def spent(self) -> timedelta | None:
        if self.started is None:
            return None
        # A branch cut before the detection was written down responded at once, not before.
        return max((self.stopped or self.now) - self.started, timedelta(0))

    @property
    def met(self) -> bool | None:
        """Whether the target was met (None: no target, no detection, or running within it)."""
        spent = self.spent
        if spent is None or self.target is None:
            return None
        if spent > self.target:
            return False
        return None if self.running else True

    def verdict(self) -> str:
        """`12m; target for P1: 1h, met` and the like: the time spent, then against the target."""
        spent = self.spent
        if spent is None:
            return "unknown: no Detected: trailer to start it"
        text = f"running for {span(spent)}" if self.running else span(spent)
        return f"{text}; {self.against_target()}"

    def against_target(self) -> str:
        if self.severity is None:
            return "no target: the hotfix carries no valid Severity: trailer"
        if self.target is None:
            return f"no target for {self.severity} (set {TARGET_KEYS[self.name]})"
        head = f"target for {self.severity}: {span(self.target)}"
        spent = self.spent
        assert spent is not None and self.started is not None
        if spent > self.target:
            return (
                f"{head}, {'OVERDUE' if self.running else 'missed'} by {span(spent - self.target)}"
            )
        if self.running:
            due = self.started + self.target
            return f"{head}, due {format_time(due)} ({span(self.target - spent)} left)"
        return f"{head}, met"

    def line(self) -> str:
        """`Response clock (detection to the first response in git): 12m; target ...`."""
        return f"{self.name.capitalize()} clock ({MEASURES[self.name]}): {self.verdict()}"

    def as_json(self) -> dict[str, Any]:
        spent = self.spent
        return {
            "measures": MEASURES[self.name],
            "started": format_time(self.started) if self.started else None,
            "stopped": format_time(self.stopped) if self.stopped else None,
            "running": self.running,
            "minutes": int(spent.total_seconds() // 60) if spent is not None else None,
            "target_minutes": int(self.target.total_seconds() // 60) if self.target else None,
            "met": self.met,
            "overdue": self.met is False,
            "verdict": self.verdict(),
        }


def response_clock(
    config: Config, record: IncidentRecord, first_response: datetime | None, now: datetime
) -> Clock:
    """From the detection to FIRST_RESPONSE (the branch's first commit; None: none yet)."""
    return _clock("response", config, record, first_response, now)


def restore_clock(
    config: Config, record: IncidentRecord, restored: datetime | None, now: datetime
) -> Clock:
    """From the detection to RESTORED (the hotfix tag's time; None: not tagged yet)."""
    return _clock("restore", config, record, restored, now)


def _clock(
    name: ClockName,
    config: Config,
    record: IncidentRecord,
    stopped: datetime | None,
    now: datetime,
) -> Clock:
    severity = record.valid_severity
    policy = config.severity.get(severity) if severity else None
    target = None
    if policy is not None:
        target = policy.respond_within if name == "response" else policy.restore_within
    return Clock(name, severity, record.detected, stopped, target, now)


def span(length: timedelta) -> str:
    """`45m`, `2h 5m`, `1d 3h`; under a minute in seconds (`30s`), so an edge shows."""
    seconds = int(abs(length).total_seconds())
    sign = "-" if length < timedelta(0) else ""
    if seconds < 60:
        return f"{sign}{seconds}s"
    minutes = seconds // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    return sign + " ".join(part for part in parts if part)
