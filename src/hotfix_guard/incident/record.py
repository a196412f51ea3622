"""The incident record carried in git trailers: Severity, Incident, Detected.

Placeholder written against the shared API (notes/record-api.md) until the lead's module lands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Literal, cast

from hotfix_guard.errors import UsageError
from hotfix_guard.git import Repository

SEVERITY_KEY, INCIDENT_KEY, DETECTED_KEY = "Severity", "Incident", "Detected"
OVERRIDE_KEY = "Hotfix-Guard-Override"
SeverityName = Literal["P0", "P1", "P2", "P3"]


@dataclass(frozen=True)
class IncidentRecord:
    severity: str | None = None
    incident: str | None = None
    detected: datetime | None = None

    @property
    def valid_severity(self) -> SeverityName | None:
        value = (self.severity or "").strip().upper()
        return cast(SeverityName, value) if value in ("P0", "P1", "P2", "P3") else None

    def trailers(self) -> list[tuple[str, str]]:
        pairs = []
        if self.severity is not None:
            pairs.append((SEVERITY_KEY, self.severity))
        if self.incident is not None:
            pairs.append((INCIDENT_KEY, self.incident))
        if self.detected is not None:
            pairs.append((DETECTED_KEY, format_time(self.detected)))
        return pairs

    def updated(self, newer: IncidentRecord) -> IncidentRecord:
        return replace(
            self,
            severity=newer.severity if newer.severity is not None else self.severity,
            incident=newer.incident if newer.incident is not None else self.incident,
            detected=newer.detected if newer.detected is not None else self.detected,
        )


def parse_time(text: str, now: datetime | None = None) -> datetime:
    if text.strip().lower() == "now":
        return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{text!r} is not a time: use ISO 8601 (2026-11-28T22:40:00Z) or now"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_from_trailers(pairs: Iterable[tuple[str, str]]) -> IncidentRecord:
    record = IncidentRecord()
    for key, value in pairs:
        name = key.strip().lower()
        if name == SEVERITY_KEY.lower():
            record = replace(record, severity=value.strip())
        elif name == INCIDENT_KEY.lower():
            record = replace(record, incident=value.strip())
        elif name == DETECTED_KEY.lower():
            with suppress(UsageError):  # an unreadable time is no time
                record = replace(record, detected=parse_time(value))
    return record


def branch_record(repo: Repository, head: str, exclude: Sequence[str]) -> IncidentRecord:
    commits = [line[0] for line in repo.commits_with_parents(head, exclude)]
    trailers = repo.commit_trailers(commits) if commits else {}
    record = IncidentRecord()
    for commit in reversed(commits):
        record = record.updated(record_from_trailers(trailers.get(commit, [])))
    return record
