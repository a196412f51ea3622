"""The status update for the current incident: the runbook's three messages by default
(incident/runbook_messages.py), or Statuspage's states and wording (`status-wording =
"statuspage"`).

Severity maps to Statuspage's impact (P0 critical, P1 major, P2 minor, P3 none). The next update is
due, following PagerDuty's practice for major incidents, every 20 minutes in the first 2 hours of a
P0 or P1 (counted from the detection, else from now), then every hour; every hour for a P2 or an
incident without a valid severity; a P3 has no schedule (update when something changes); a
resolved incident needs none.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident import runbook_messages as runbook
from hotfix_guard.incident.record import IncidentRecord, branch_record, format_time
from hotfix_guard.report.findings import printable

State = Literal["investigating", "identified", "monitoring", "resolved"]  # config.STATUS_STATES

# Statuspage's default wording for each state.
TEMPLATES: dict[str, str] = {
    "investigating": "We are currently investigating this issue.",
    "identified": "The issue has been identified and a fix is being implemented.",
    "monitoring": "A fix has been implemented and we are monitoring the results.",
    "resolved": "This incident has been resolved.",
}
IMPACT = {"P0": "critical", "P1": "major", "P2": "minor", "P3": "none"}
FAST_UPDATES = timedelta(minutes=20)  # P0/P1 ...
FAST_PERIOD = timedelta(hours=2)  # ... in the first two hours
SLOW_UPDATES = timedelta(hours=1)


@dataclass(frozen=True)
class Incident:
    """What the message is about: the record, a title, and where it was read from."""

    title: str
    record: IncidentRecord
    branch: str | None = None
    tag: str | None = None
    restored: datetime | None = None  # the hotfix tag's time
    resolution: str | None = None  # the hotfix tag's description

    @property
    def source(self) -> str:
        return self.branch or self.tag or "?"


@dataclass(frozen=True)
class StatusMessage:
    state: State
    incident: Incident
    body: str
    impact: str | None
    posted: datetime
    next_update: datetime | None
    wording: str = "runbook"  # or "statuspage": the body is then one paragraph of a page
    template: str = ""  # what BODY was made from, and with what values (Markdown escapes them)
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PeopleSay:
    """What only people know: `--impact` (else the Impact: trailer) and `--eta`."""

    impact: str | None = None
    eta: str | None = None


def title_of_branch(branch: str) -> str:
    """`hotfix/fix-login-timeout` -> `Fix login timeout`."""
    words = branch.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else branch


def current_incident(repo: Repository, config: Config) -> Incident:
    """The checked-out hotfix branch's incident, else the latest hotfix tag's."""
    from hotfix_guard import scope as scopes

    branch = scopes.current_branch(repo)
    if branch and config.is_hotfix_branch(branch) and repo.resolve_commit("HEAD"):
        main = scopes.find_main(repo, config)
        record = branch_record(repo, "HEAD", main.refs)
        return Incident(title_of_branch(branch), record, branch=branch)
    from hotfix_guard.git.history import History  # GitPython: for this command only
    from hotfix_guard.incident import timeline
    from hotfix_guard.incident.due import latest_hotfix_tag

    tag = latest_hotfix_tag(repo, config)
    if tag is None:
        raise UsageError(
            "no current incident: check out the hotfix branch, or tag the hotfix "
            '(git tag -a v1.2.4 -m "Hotfix: ...")'
        )
    with History(repo) as history:
        hotfix = timeline.build(repo, history, config, tag.name)
    return Incident(
        hotfix.description,
        hotfix.record,
        tag=tag.name,
        restored=hotfix.restored,
        resolution=hotfix.description,
    )


def next_update(state: State, record: IncidentRecord, now: datetime) -> datetime | None:
    if state == "resolved":
        return None
    severity = record.valid_severity
    if severity == "P3":
        return None
    if severity in ("P0", "P1"):
        started = record.detected or now
        return now + (FAST_UPDATES if now - started < FAST_PERIOD else SLOW_UPDATES)
    return now + SLOW_UPDATES


def compose(
    state: State,
    incident: Incident,
    config: Config,
    now: datetime,
    people: PeopleSay = PeopleSay(),
) -> StatusMessage:
    record = incident.record
    severity = record.valid_severity
    impact = IMPACT[severity] if severity else None
    due = next_update(state, record, now)
    known = {
        "title": incident.title,
        "severity": severity or "P?",
        "impact": impact or "",
        "incident": record.incident or "",
        "tag": incident.tag or "",
        "branch": incident.branch or "",
        "service": record.service,
        "impact_text": people.impact or record.impact,
        "eta": people.eta,
        "status": runbook.STATUS_LINES[state],
        "next_update": str(int((due - now).total_seconds() // 60)) if due else None,
        "duration": _duration(incident),
        "resolution": incident.resolution,
        "postmortem_due": runbook.hours_and_minutes(config.postmortem_due),
    }
    fields = {
        name: value if value is not None else runbook.placeholder(state, name)
        for name, value in known.items()
    }
    wording = config.status_wording
    defaults = runbook.TEMPLATES if wording == "runbook" else TEMPLATES
    template = config.status_templates.get(state, defaults[state])
    # One printable line each: a value never adds a line or a terminal escape to the message.
    body = template.format_map(
        {name: printable(" ".join(v.splitlines())) for name, v in fields.items()}
    )
    return StatusMessage(state, incident, body, impact, now, due, wording, template, fields)


def _duration(incident: Incident) -> str | None:
    """From the detection to the tag (the restore clock), as the runbook writes it."""
    detected, restored = incident.record.detected, incident.restored
    if detected is None or restored is None:
        return None
    return runbook.hours_and_minutes(restored - detected)


def _clock(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _facts(message: StatusMessage) -> str:
    record = message.incident.record
    parts = []
    if message.impact:
        parts.append(f"Impact: {message.impact} ({record.valid_severity})")
    if record.incident:
        parts.append(f"Incident: {record.incident}")
    parts.append(f"Posted: {_clock(message.posted)}")
    if message.next_update:
        due = message.next_update
        same_day = due.date() == message.posted.date()
        parts.append(f"Next update by {f'{due:%H:%M} UTC' if same_day else _clock(due)}")
    elif message.state != "resolved":
        parts.append("Next update when the status changes")
    return ". ".join(parts) + "."


def render_text(message: StatusMessage) -> str:
    if message.wording == "runbook":
        return message.body  # its values made printable by compose
    return "\n".join(
        printable(line)
        for line in (
            message.incident.title,
            f"{message.state.capitalize()} - {message.body}",
            _facts(message),
        )
    )


def render_markdown(message: StatusMessage) -> str:
    """Every value escaped for Markdown and the HTML it may carry: an incident id of `<script>`
    or a `[x](javascript:...)` link shows as the text it is on a status page."""
    if message.wording == "runbook":
        # The message as text, each value escaped; the headline in bold, line breaks kept.
        values = {name: markdown_text(value) for name, value in message.fields.items()}
        headline, _, rest = message.template.format_map(values).partition("\n")
        return f"**{headline}**\n{rest}".replace("\n", "  \n").replace("  \n  \n", "\n\n")
    return "\n".join(
        [
            f"### {markdown_text(message.incident.title)}",
            "",
            f"**{message.state.capitalize()}** - {markdown_text(message.body)}",
            "",
            f"_{markdown_text(_facts(message))}_",
        ]
    )


# Inline Markdown only: every value sits after `### ` or `**State** - `, where no block syntax
# (lists, headings) can start.
MARKDOWN_SPECIALS = frozenset("\\`*_{}[]!|~")
HTML_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"}


def markdown_text(text: str) -> str:
    """TEXT as literal Markdown: HTML characters as entities, Markdown's punctuation escaped,
    controls shown as escapes, one line."""
    escaped = []
    for char in printable(" ".join(text.splitlines())):
        if char in HTML_ENTITIES:
            escaped.append(HTML_ENTITIES[char])
        elif char in MARKDOWN_SPECIALS:
            escaped.append("\\" + char)
        else:
            escaped.append(char)
    return "".join(escaped)


def render_json(message: StatusMessage) -> str:
    """Statuspage's incident fields (name, status, body, impact) and the record's."""
    record = message.incident.record
    return json.dumps(
        {
            "name": message.incident.title,
            "wording": message.wording,
            "service": record.service,
            "status": message.state,
            "body": message.body,
            "impact": message.impact,
            "severity": record.valid_severity,
            "incident": record.incident,
            "source": message.incident.source,
            "created_at": format_time(message.posted),
            "next_update_at": format_time(message.next_update) if message.next_update else None,
        },
        ensure_ascii=False,
    )
