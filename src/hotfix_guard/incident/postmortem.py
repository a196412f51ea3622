"""The postmortem draft: the sections git can fill, and the ones it leaves for people.

The fields are the ones Google's SRE postmortem and PagerDuty's template share. Sections headed
"(from git)" are facts read from the repository; "(to fill)" sections are for the people who
handled the incident. The draft is written once: an existing file is never overwritten.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.history import History
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.due import latest_hotfix_tag, names_tag, read_draft
from hotfix_guard.incident.record import format_time
from hotfix_guard.incident.timeline import Hotfix, build, hotfix_clocks, short

SHOWN_FILES = 20
NO_BRANCH = "none in history (a squash merge, or a fix committed on main)"
TO_FILL = ("Impact", "Root cause", "Trigger", "Detection", "Action items", "Lessons learned")


def cell(text: str) -> str:
    """TEXT safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    """TEXT as inline code, whatever backticks it holds."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if fence == "`" else f"{fence} {text} {fence}"


def minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def slug(text: str) -> str:
    """Lowercase ASCII words joined by '-' (accents folded, other scripts dropped), at most 60."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    return "-".join(words)[:60].strip("-")


def draft(repo: Repository, config: Config, tag: str | None) -> tuple[Hotfix, str]:
    """The hotfix of TAG (default: the latest hotfix tag) and its draft."""
    if tag is None:
        latest = latest_hotfix_tag(repo, config)
        if latest is None:
            raise UsageError(
                "no hotfix tag found: name the tag (hotfix-guard postmortem v1.2.4); a hotfix "
                f"tag's message starts with {config.tag_message_prefix.strip()!r}"
            )
        tag = latest.name
    with History(repo) as history:
        hotfix = build(repo, history, config, tag)
    return hotfix, render(hotfix, config)


def render(hotfix: Hotfix, config: Config) -> str:
    response, restore = hotfix_clocks(hotfix, config)
    lines = [
        *_heading(hotfix, response.verdict(), restore.verdict()),
        *_summary(hotfix),
        "## Impact (to fill)",
        "",
        "Who was affected and how many, what they saw, for how long.",
        "",
        "## Timeline (from git, UTC)",
        "",
        "| time | event | commit or tag |",
        "| --- | --- | --- |",
        *(f"| {minute(e.time)} | {cell(e.what)} | {code(cell(e.ref))} |" for e in hotfix.events),
        "",
        f"{response.line()}.",
        f"{restore.line()}.",
        "",
        "Add what git does not know as rows of your own: the first alert, who was paged, the "
        "status page updates.",
        "",
        "## Root cause (to fill)",
        "",
        "Why it broke: keep asking why until the answer is something to change.",
        "",
        "## Trigger (to fill)",
        "",
        "What set it off: a deploy, a configuration change, a traffic pattern, a date.",
        "",
        "## Resolution (from git)",
        "",
        *_resolution(hotfix),
        "",
        "## Detection (to fill)",
        "",
        *_detection(hotfix),
        "",
        *_CLOSING,
    ]
    return "\n".join(lines)


def _heading(hotfix: Hotfix, response: str, restore: str) -> list[str]:
    """Title, what the draft is, and the facts table (RESPONSE, RESTORE: the clocks' verdicts)."""
    record, tag = hotfix.record, hotfix.tag
    severity = record.valid_severity or (
        f"{record.severity} (not one of P0..P3)" if record.severity else "not recorded"
    )
    return [
        f"# Postmortem: {hotfix.description} ({tag.name})",
        "",
        "Drafted by hotfix-guard from git. Sections marked (from git) are facts read from the "
        "repository: check them. Sections marked (to fill) are for the people who handled the "
        "incident.",
        "",
        "| field | value |",
        "| --- | --- |",
        "| status | draft |",
        f"| severity | {cell(severity)} |",
        f"| incident | {cell(record.incident or 'not recorded')} |",
        f"| hotfix tag | {cell(tag.name)}, {minute(tag.tagged)} UTC |",
        f"| branch | {cell(hotfix.branch or NO_BRANCH)} |",
        f"| response clock | {cell(response)} |",
        f"| restore clock | {cell(restore)} |",
        "",
    ]


def _summary(hotfix: Hotfix) -> list[str]:
    count = len(hotfix.commits)
    return [
        "## Summary (from git, edit freely)",
        "",
        *([hotfix.notes, ""] if hotfix.notes else []),
        f"{hotfix.description}. Restored by {hotfix.tag.name} with {count} "
        f"commit{'s' if count != 1 else ''}:",
        "",
        *(f"- {code(short(c.sha))} {c.subject}" for c in hotfix.commits),
        "",
    ]


# The sections only the people who handled the incident can write.
_CLOSING = (
    "## Action items (to fill)",
    "",
    "| item | type | owner | ticket |",
    "| --- | --- | --- | --- |",
    "|  | mitigate |  |  |",
    "|  | prevent |  |  |",
    "",
    "## Lessons learned (to fill)",
    "",
    "### What went well",
    "",
    "### What went wrong",
    "",
    "### Where we got lucky",
    "",
)


def _resolution(hotfix: Hotfix) -> list[str]:
    count = len(hotfix.files)
    shown = ", ".join(code(path) for path in hotfix.files[:SHOWN_FILES])
    more = f" and {count - SHOWN_FILES} more" if count > SHOWN_FILES else ""
    how = (
        f"merged into main by {code(short(hotfix.merge.sha))}"
        if hotfix.merge
        else "committed on main as one commit"
    )
    return [
        f"The hotfix changed {count} file{'s' if count != 1 else ''} "
        f"(+{hotfix.added} -{hotfix.removed} lines){': ' + shown + more if count else ''}; "
        f"it was {how} and released as {code(hotfix.tag.name)}.",
    ]


def _detection(hotfix: Hotfix) -> list[str]:
    detected = hotfix.record.detected
    when = (
        f"Detected at {format_time(detected)} (the Detected: trailer)."
        if detected
        else "git does not say when it was detected (no Detected: trailer)."
    )
    return [f"{when} How was it noticed: an alert, a customer, a colleague?"]


def default_path(root: Path, hotfix: Hotfix, config: Config) -> Path:
    """`<postmortem-dir>/<date>-<slug>.md`; when another hotfix took that name, the tag is added.
    Raises UsageError when this tag's draft is there already."""
    directory = root / config.postmortem_dir
    inside = directory.resolve()
    if not inside.is_relative_to(root.resolve()):
        raise UsageError(
            f"postmortem-dir {config.postmortem_dir} leads outside the repository (to {inside}, "
            "through a symlink): the draft is not written there; pass --output PATH"
        )
    date = f"{hotfix.tag.tagged:%Y-%m-%d}"
    stem = slug(hotfix.description) or slug(hotfix.tag.name) or "hotfix"
    tag_slug = slug(hotfix.tag.name) or "tag"
    for name in (f"{date}-{stem}.md", f"{date}-{stem}-{tag_slug}.md"):
        path = directory / name
        if not path.exists() and not path.is_symlink():
            return path
        content = read_draft(path)  # None: a folder, a FIFO, unreadable: the name is taken
        if content is not None and names_tag(content.decode("utf-8", "replace"), hotfix.tag.name):
            raise UsageError(
                f"{path.relative_to(root)} already holds the postmortem of {hotfix.tag.name}: "
                "edit it (an existing file is never overwritten), or pass --output PATH"
            )
    raise UsageError(f"{directory.relative_to(root)}/{date}-{stem}*.md are taken: pass --output")


def write(path: Path, text: str) -> None:
    """Create PATH with TEXT; never replace an existing file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as draft:
            draft.write(text)
    except FileExistsError:
        raise UsageError(
            f"{path} exists: an existing file is never overwritten; pass another --output"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
