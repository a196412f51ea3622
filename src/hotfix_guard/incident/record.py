"""The incident record: severity, incident id and detection time, carried as git trailers.

Every commit of a hotfix carries `Severity:`, `Incident:` and `Detected:` trailers (the
hotfix-trailers hook adds them), and finish copies them into the merge and the tag, so whoever
fetches the branch or the tag sees the same record. Nothing that matters lives only in one .git.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Literal, NamedTuple, cast

from hotfix_guard.config.loader import SEVERITIES
from hotfix_guard.errors import UsageError
from hotfix_guard.git.walk import Walk

if TYPE_CHECKING:
    from hotfix_guard.git.repository import Repository

Severity = Literal["P0", "P1", "P2", "P3"]
SEVERITY_KEY = "Severity"
INCIDENT_KEY = "Incident"
DETECTED_KEY = "Detected"
SERVICE_KEY = "Service"
IMPACT_KEY = "Impact"
MITIGATION_KEY = "Mitigation"
OVERRIDE_KEY = "Hotfix-Guard-Override"
RECORD_KEYS = (SEVERITY_KEY, INCIDENT_KEY, DETECTED_KEY, SERVICE_KEY, IMPACT_KEY, MITIGATION_KEY)
# The runbook's three mitigations; a record without a Mitigation: trailer is a hotfix.
MITIGATIONS = ("rollback", "hotfix", "feature-flag")
Mitigation = Literal["rollback", "hotfix", "feature-flag"]
# The longest value a trailer of the record (or a start description) may have: an id or a URL.
VALUE_LIMIT = 200


class IncidentRecord(NamedTuple):
    severity: str | None = None  # as written: the severity rule judges it
    incident: str | None = None  # an id or a URL
    detected: datetime | None = None  # timezone-aware, UTC
    service: str | None = None  # what the status messages name
    impact: str | None = None  # one line: who is affected and how
    mitigation: str | None = None  # as written: rollback, hotfix or feature-flag

    @property
    def valid_mitigation(self) -> Mitigation:
        """The mitigation, a hotfix when none (or an unknown one) is recorded."""
        return cast(Mitigation, self.mitigation) if self.mitigation in MITIGATIONS else "hotfix"

    @property
    def valid_severity(self) -> Severity | None:
        return cast(Severity, self.severity) if self.severity in SEVERITIES else None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in FIELDS)

    def trailers(self) -> list[tuple[str, str]]:
        """The set fields as (key, value) trailers, in the record's order."""
        values = [
            format_time(value) if isinstance(value, datetime) else value
            for value in (getattr(self, name) for name in FIELDS)
        ]
        return [(key, value) for key, value in zip(RECORD_KEYS, values) if value is not None]

    def updated(self, newer: IncidentRecord) -> IncidentRecord:
        """This record with NEWER's set fields taking precedence."""
        changes = {
            name: getattr(newer, name) for name in FIELDS if getattr(newer, name) is not None
        }
        return self._replace(**changes)


# The record's fields, in the order of RECORD_KEYS.
FIELDS = ("severity", "incident", "detected", "service", "impact", "mitigation")
# The years a recorded time may fall in.
YEARS = (1970, 2999)


def one_line(option: str, value: str, limit: int = VALUE_LIMIT) -> str:
    """VALUE without its outer spaces, when it is one line of printable characters and at most
    LIMIT long; else a UsageError naming OPTION. A value written into a commit message that spans
    lines could write a trailer of its own (`INC-1\nHotfix-Guard-Override: ...`), and git splits
    lines on more than `\n` alone for some readers (U+2028, U+0085): every control or separator
    character but the space is refused."""
    text = value.strip()
    if not text:
        raise UsageError(f"{option} is empty: give a value")
    if not text.isprintable():
        shown = f"{text[:60]!r}{'...' if len(text) > 60 else ''}"
        raise UsageError(
            f"{option} {shown} is not one line of printable characters: a line break or "
            "control character in it could write a trailer of its own; give one line"
        )
    if len(text) > limit:
        raise UsageError(
            f"{option} is {len(text)} characters long (at most {limit}): shorten it "
            "(link the details instead)"
        )
    return text


def parse_time(text: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 time (`2026-11-28T22:40Z`, an offset, or naive meaning UTC) or `now`, in UTC."""
    stripped = text.strip()
    if stripped.lower() == "now":
        return (now or datetime.now(timezone.utc)).replace(microsecond=0)
    iso = stripped[:-1] + "+00:00" if stripped.endswith(("Z", "z")) else stripped
    try:
        moment = datetime.fromisoformat(iso.replace(" ", "T", 1))
    except ValueError:
        raise UsageError(
            f"{text!r} is not a time: use ISO 8601 in UTC, e.g. 2026-11-28T22:40:00Z, or 'now'"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00: before the first representable moment
        moment = datetime.min.replace(tzinfo=timezone.utc)
    if not YEARS[0] <= moment.year <= YEARS[1]:
        # Clocks add days to it (due times, the next update): 9999-12-31 would overflow them.
        raise UsageError(
            f"{text!r} is out of range: a time between the years {YEARS[0]} and {YEARS[1]}"
        )
    return moment


def format_time(moment: datetime) -> str:
    """`2026-11-28T22:40:00Z`: UTC, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_from_trailers(pairs: Iterable[tuple[str, str]]) -> IncidentRecord:
    """The record the trailers carry; keys are case-insensitive and the last one wins. A
    `Detected:` that is not a time is left out (the severity rule and the timeline say so)."""
    values: dict[str, str] = {}
    for key, value in pairs:
        canonical = next((name for name in RECORD_KEYS if name.lower() == key.lower()), None)
        if canonical is not None and value.strip():
            values[canonical] = value.strip()
    detected = None
    if DETECTED_KEY in values:
        try:
            detected = parse_time(values[DETECTED_KEY])
        except UsageError:
            detected = None
    return IncidentRecord(
        values.get(SEVERITY_KEY),
        values.get(INCIDENT_KEY),
        detected,
        values.get(SERVICE_KEY),
        values.get(IMPACT_KEY),
        values.get(MITIGATION_KEY),
    )


def commit_records(
    repo: Repository, head: str, exclude: Sequence[str]
) -> list[tuple[str, IncidentRecord]]:
    """(commit, the record its own trailers carry) for the commits of HEAD ^EXCLUDE, oldest first:
    the timeline says which commit recorded what."""
    trailers = repo.commit_trailers(Walk((head,), tuple(exclude)))
    return [(sha, record_from_trailers(pairs)) for sha, pairs in reversed(list(trailers.items()))]


def branch_record(repo: Repository, head: str, exclude: Sequence[str]) -> IncidentRecord:
    """The record the commits of HEAD ^EXCLUDE carry, oldest first, newer trailers winning."""
    trailers = repo.commit_trailers(Walk((head,), tuple(exclude)))
    return record_of_commits(list(trailers.values()))


def record_of_commits(trailers: Sequence[Iterable[tuple[str, str]]]) -> IncidentRecord:
    """The record that commits with these TRAILERS carry, newest first (as git lists them):
    applied oldest first, so newer trailers win."""
    record = IncidentRecord()
    for commit_trailers in reversed(trailers):
        record = record.updated(record_from_trailers(commit_trailers))
    return record
