"""The incident record: trailers written and read back through real git."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.record import (
    IncidentRecord,
    branch_record,
    format_time,
    parse_time,
    record_from_trailers,
)
from tests.support.repos import Repo

DETECTED = datetime(2026, 11, 28, 22, 40, tzinfo=timezone.utc)


def trailer_message(subject: str, *trailers: str) -> str:
    return f"{subject}\n\nWhy it was needed.\n\n" + "\n".join(trailers) + "\n"


def test_the_record_written_as_trailers_reads_back_from_the_branch(repo: Repo) -> None:
    record = IncidentRecord("P1", "INC-42", DETECTED)
    lines = [f"{key}: {value}" for key, value in record.trailers()]
    assert lines == ["Severity: P1", "Incident: INC-42", "Detected: 2026-11-28T22:40:00Z"]
    repo.branch("hotfix/fix-login")
    repo.commit(trailer_message("fix", *lines, "Signed-off-by: A <a@example.invalid>"))
    repo.commit(trailer_message("raise it", "severity: P0"))
    repo.commit("no trailers")
    found = branch_record(Repository.discover(), "HEAD", ["main"])
    assert found == IncidentRecord("P0", "INC-42", DETECTED)
    assert found.valid_severity == "P0"


def test_a_branch_without_trailers_has_an_empty_record(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix")
    assert branch_record(Repository.discover(), "HEAD", ["main"]).is_empty


def test_message_trailers_unfold_continuation_lines(repo: Repo) -> None:
    message = b"fix\n\nbody\n\nIncident: https://status.example.invalid/\n  incidents/42\n"
    assert Repository.discover().message_trailers(message) == [
        ("Incident", "https://status.example.invalid/ incidents/42")
    ]


def test_an_invalid_severity_is_kept_for_the_rule_to_judge() -> None:
    record = record_from_trailers([("Severity", "critical"), ("Detected", "yesterday")])
    assert (record.severity, record.valid_severity, record.detected) == ("critical", None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-28T22:40:00Z", DETECTED),
        ("2026-11-28T23:40:00+01:00", DETECTED),
        ("2026-11-28 22:40", DETECTED),
        ("now", DETECTED),
    ],
)
def test_times_are_read_as_utc(text: str, expected: datetime) -> None:
    assert parse_time(text, now=DETECTED) == expected
    assert format_time(parse_time(text, now=DETECTED)) == "2026-11-28T22:40:00Z"


def test_a_bad_time_is_one_line() -> None:
    with pytest.raises(UsageError) as raised:
        parse_time("last tuesday")
    assert str(raised.value) == (
        "'last tuesday' is not a time: use ISO 8601 in UTC, e.g. 2026-11-28T22:40:00Z, or 'now'"
    )
