"""The postmortem draft, section by section as the runbook's template has it.

Title, Summary (Date, Duration, Severity, Author), Impact, Timeline (UTC), Root Cause, Detection,
Resolution ("Was it a rollback or hotfix?"), Lessons Learned, Action Items and Prevention. git
fills what it knows (the dates, the duration, the severity, the timeline rows it can date, what
the fix changed and which mitigation it was) and keeps its extra facts: every commit, the change
summary, the full timeline and both clocks. What only people know stays a [bracketed] placeholder.

The template is a Markdown text with `{fields}` (TEMPLATE); `postmortem-template` in the config
names a file of the repository that replaces it, naming any of FIELDS.
"""

from __future__ import annotations

from datetime import datetime
from string import Formatter

from hotfix_guard.config.loader import Config
from hotfix_guard.config.values import Invalid, check_template
from hotfix_guard.errors import UsageError
from hotfix_guard.incident.record import format_time
from hotfix_guard.incident.runbook_messages import hours_and_minutes
from hotfix_guard.incident.timeline import Hotfix, hotfix_clocks, short

SHOWN_FILES = 20
NO_BRANCH = "none in history (a squash merge, or a fix committed on main)"
# The sections left for people, as `postmortem` names them after writing the draft.
TO_FILL = ("Impact", "Timeline", "Root Cause", "Detection", "Lessons Learned", "Action Items")

# "Was it a rollback or hotfix?", answered from the Mitigation: trailer.
MITIGATION_ANSWERS = {
    "rollback": "A rollback: the release went back to the last known good state.",
    "hotfix": "A hotfix: a minimal change to the cause.",
    "feature-flag": "Neither: a feature flag turned the failing feature off.",
}

TEMPLATE = """\
# Incident Postmortem: {title}

Drafted by hotfix-guard from git ({tag}). What git knows is filled in; [bracketed] text is for \
the people who handled the incident.

## Summary

| | |
| --- | --- |
| **Date** | {date} |
| **Duration** | {duration} |
| **Severity** | {severity} |
| **Author** | [Name] |
| Incident | {incident} |
| Service | {service} |
| Hotfix tag | {tag_line} |
| Branch | {branch} |
| Response clock | {response_clock} |
| Restore clock | {restore_clock} |

## Impact

{impact}

## Timeline (UTC)

| Time | Event |
| --- | --- |
| {detected_at} | Issue first detected |
| [Time] | Team alerted |
| [Time] | Root cause identified |
| {deployed_at} | Fix deployed{deployed_by} |
| {resolved_at} | Issue resolved ({tag} tagged) |

Every step git recorded:

| time | event | commit or tag |
| --- | --- | --- |
{git_timeline}

## Root Cause

[Why it broke: keep asking why until the answer is something to change.]

## Detection

- [ ] Monitoring alert
- [ ] Customer report
- [ ] Internal discovery

{detected}

Could we have detected it earlier? [Answer]

## Resolution

What fixed it: {resolution}

{commits}

Was it a rollback or hotfix? {mitigation}

## Lessons Learned

### What Went Well

[What worked]

### What Went Wrong

[What did not]

### Where We Got Lucky

[What saved us by chance]

## Action Items

| Action | Owner | Due Date | Status |
| --- | --- | --- | --- |
| [Action] | [Owner] | [Due date] | Open |

## Prevention

- [ ] Add monitoring
- [ ] Add a test
- [ ] Improve a process
"""


def cell(text: str) -> str:
    """TEXT safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    """TEXT as inline code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def fields(hotfix: Hotfix, config: Config) -> dict[str, str]:
    """What git fills, by the name the template gives it (every value one Markdown fragment)."""
    record, tag = hotfix.record, hotfix.tag
    response, restore = hotfix_clocks(hotfix, config)
    severity = record.valid_severity or (
        f"{record.severity} (not one of P0..P3)" if record.severity else "[P0-P3]"
    )
    detected = record.detected
    deployed = hotfix.merge.committed if hotfix.merge else (hotfix.first_response or tag.tagged)
    return {
        "title": hotfix.description,
        "tag": tag.name,
        "date": f"{(detected or tag.tagged):%Y-%m-%d}",
        "duration": _duration(hotfix),
        "severity": cell(severity),
        "incident": cell(record.incident or "[not recorded]"),
        "service": cell(record.service or "[not recorded]"),
        "tag_line": cell(f"{tag.name}, {minute(tag.tagged)} UTC"),
        "branch": cell(hotfix.branch or NO_BRANCH),
        "response_clock": cell(response.verdict()),
        "restore_clock": cell(restore.verdict()),
        "impact": record.impact or "[Who was affected and how many, what they saw, for how long.]",
        "detected_at": minute(detected) if detected else "[Time]",
        "deployed_at": minute(deployed),
        "deployed_by": f" (merged into main, {code(short(hotfix.merge.sha))})"
        if hotfix.merge
        else "",
        "resolved_at": minute(tag.tagged),
        "git_timeline": "\n".join(
            f"| {minute(e.time)} | {cell(e.what)} | {code(cell(e.ref))} |" for e in hotfix.events
        ),
        "detected": (
            f"Detected at {format_time(detected)} (the Detected: trailer)."
            if detected
            else "git does not say when it was detected (no Detected: trailer)."
        ),
        "resolution": _resolution(hotfix),
        "commits": "\n".join(f"- {code(short(c.sha))} {c.subject}" for c in hotfix.commits)
        or "- no commit",
        "mitigation": _mitigation(hotfix),
    }


def _duration(hotfix: Hotfix) -> str:
    detected = hotfix.record.detected
    if detected is None:
        return "[X hours Y minutes] (no Detected: trailer)"
    return (
        f"{hours_and_minutes(hotfix.restored - detected)} (detected "
        f"{minute(detected)} UTC, restored by {hotfix.tag.name} {minute(hotfix.restored)} UTC)"
    )


def _resolution(hotfix: Hotfix) -> str:
    count = len(hotfix.files)
    shown = ", ".join(code(path) for path in hotfix.files[:SHOWN_FILES])
    more = f" and {count - SHOWN_FILES} more" if count > SHOWN_FILES else ""
    how = (
        f"merged into main by {code(short(hotfix.merge.sha))}"
        if hotfix.merge
        else "committed on main as one commit"
    )
    notes = f"{hotfix.notes}\n\n" if hotfix.notes else ""
    return (
        f"{hotfix.description}. {notes}The change touched {count} "
        f"file{'s' if count != 1 else ''} (+{hotfix.added} -{hotfix.removed} lines)"
        f"{': ' + shown + more if count else ''}; it was {how} and released as "
        f"{code(hotfix.tag.name)} with {len(hotfix.commits)} "
        f"commit{'s' if len(hotfix.commits) != 1 else ''}:"
    )


def _mitigation(hotfix: Hotfix) -> str:
    written = hotfix.record.mitigation
    mitigation = hotfix.record.valid_mitigation
    if written is None:
        return f"{MITIGATION_ANSWERS['hotfix']} (No Mitigation: trailer; hotfix is the default.)"
    return f"{MITIGATION_ANSWERS[mitigation]} (Mitigation: {written})"


def template_fields(template: str) -> list[str]:
    """The `{fields}` TEMPLATE names, in order (raises ValueError on a stray brace)."""
    return [name for _, name, _, _ in Formatter().parse(template) if name is not None]


# What a template may name: what the runbook's template names.
KNOWN_FIELDS = tuple(dict.fromkeys(template_fields(TEMPLATE)))


def custom_template(text: str, source: str) -> str:
    """TEXT, a template from the repository at SOURCE, checked as status-message templates are
    (known fields only, no nested fields, bounded widths), and naming {tag}."""
    try:
        check_template(text, KNOWN_FIELDS)
    except Invalid as invalid:
        raise UsageError(f"{source}: expected {invalid.expected}") from None
    if "tag" not in template_fields(text):
        raise UsageError(
            f"{source}: names no {{tag}}; the postmortem rule finds a postmortem by its tag"
        )
    return text


def render(hotfix: Hotfix, config: Config, template: str = TEMPLATE) -> str:
    """The draft: TEMPLATE (the runbook's, or the repository's own) filled from git."""
    return template.format_map(fields(hotfix, config))
