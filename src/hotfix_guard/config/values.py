"""Validators of config values: each returns the parsed value or raises Invalid with what was
expected; config.parse turns that into one line naming the file, key and value."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from string import Formatter
from typing import Any

from hotfix_guard.config.globs import GlobError, translate


class Invalid(Exception):
    def __init__(self, expected: str) -> None:
        self.expected = expected


def string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Invalid("a non-empty string")
    return value


def string_list(value: Any) -> tuple[str, ...]:
    # A tuple is a default (catalog options); TOML gives lists.
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
        raise Invalid("a list of non-empty strings")
    return tuple(value)


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid("a positive integer")
    return value


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid("a non-negative integer")
    return value


def regex(value: Any) -> str:
    text = string(value)
    try:
        re.compile(text)
    except re.error as error:
        raise Invalid(f"a valid regular expression ({error})") from None
    return text


def test_commands(value: Any) -> tuple[str, ...]:
    commands = string_list(value)
    if any("\0" in command for command in commands):
        raise Invalid("a list of command lines without NUL characters")
    return commands


# Longer than any suite should take; beyond what the process-wait timers of the OS can hold.
MAX_TEST_TIMEOUT = 7 * 24 * 3600


def timeout(value: Any) -> int:
    seconds = positive_int(value)
    if seconds > MAX_TEST_TIMEOUT:
        raise Invalid(f"a number of seconds from 1 to {MAX_TEST_TIMEOUT} (7 days)")
    return seconds


def globs(value: Any) -> tuple[str, ...]:
    patterns = string_list(value)
    for pattern in patterns:
        try:
            translate(pattern)
        except GlobError as error:
            raise Invalid(f"a list of globs ({pattern!r}: {error})") from None
    return patterns


def tag_format(value: Any) -> str:
    text = string(value)
    fields = re.findall(r"\{(\w*)\}", text)
    expected = "a pattern with {major}, {minor}, {patch} (and optionally {build}) in that order"
    if fields not in (["major", "minor", "patch"], ["major", "minor", "patch", "build"]):
        raise Invalid(expected)
    try:
        text.format(major=1, minor=2, patch=3, build=4)
    except (ValueError, KeyError, IndexError) as error:
        raise Invalid(f"{expected}; braces that are text are doubled ({error})") from None
    return text


def prefix(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("a string")
    return value


def duration(value: Any) -> timedelta:
    return parse_duration(string(value))


def parse_duration(text: str) -> timedelta:
    """`90m`, `4h`, `2d`, `1h30m` as a timedelta; raise Invalid otherwise."""
    match = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?", text.strip())
    if not text.strip() or match is None:
        raise Invalid("a duration such as '30m', '4h', '2d' or '1h30m'")
    days, hours, minutes = (int(part) if part else 0 for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def relative_dir(value: Any) -> str:
    return _inside(value, "a directory inside the repository, such as 'docs/postmortems'")


def relative_file(value: Any) -> str:
    return _inside(value, "a file inside the repository, such as 'docs/postmortem-template.md'")


def _inside(value: Any, expected: str) -> str:
    """VALUE as a path relative to the repository root, never outside it."""
    text = string(value).replace("\\", "/")
    if text.startswith("/") or text[1:2] == ":":
        raise Invalid(expected)
    text = text.strip("/")
    if not text or text.startswith("../") or text == ".." or "/../" in f"/{text}/":
        raise Invalid(expected)
    return text


def version_files(value: Any) -> tuple[str, ...]:
    """`path` or `path:key` entries (versions/detect.py reads them); [] turns detection off."""
    expected = (
        "a list of files in the repository, each 'path' or 'path:key' "
        "(e.g. 'package.json', 'src/app/__init__.py:__version__', 'Chart.yaml:appVersion')"
    )
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid(expected)
    for spec in value:
        path, _, key = spec.partition(":")
        bad_key = (
            ":" in spec and re.fullmatch(r"[A-Za-z_][\w-]*(?:[.,][A-Za-z_][\w-]*)*", key) is None
        )
        if bad_key or not path or path.startswith("/") or ".." in path.split("/"):
            raise Invalid(f"{expected}; not {spec!r}")
    return tuple(value)


# The status-page states (incident/status_message.py).
STATUS_STATES = ("investigating", "identified", "monitoring", "resolved")
# What a status-message template may name, filled from the incident record.
STATUS_FIELDS = (
    "title",
    "severity",
    "impact",
    "incident",
    "tag",
    "branch",
    "service",
    "impact_text",
    "eta",
    "status",
    "next_update",
    "duration",
    "resolution",
    "postmortem_due",
)
# The default wording of the status messages: the runbook's three messages, or Statuspage's.
STATUS_WORDINGS = ("runbook", "statuspage")


def status_wording(value: Any) -> str:
    if value not in STATUS_WORDINGS:
        raise Invalid(" or ".join(repr(wording) for wording in STATUS_WORDINGS))
    return str(value)


def status_templates(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise Invalid(f"a table of templates by state ({', '.join(STATUS_STATES)})")
    templates = {}
    for state, template in value.items():
        if state not in STATUS_STATES:
            raise Invalid(f"a table whose keys are {', '.join(STATUS_STATES)}, not {state!r}")
        text = string(template)
        check_template(text, STATUS_FIELDS)
        templates[state] = text
    return templates


# The widest a template field may be padded to (`{title:>60}`): a status line, not a memory bomb.
TEMPLATE_WIDTH_LIMIT = 200


def check_template(text: str, known: tuple[str, ...]) -> None:
    """The whole of TEXT as str.format will read it: KNOWN names only, no nested fields, format
    specs a string accepts, widths up to TEMPLATE_WIDTH_LIMIT (status-message and
    postmortem-template)."""
    names = f"{{{'}, {'.join(known)}}}"
    try:
        fields = [
            (name, spec, conv)
            for _, name, spec, conv in Formatter().parse(text)
            if name is not None
        ]
    except ValueError as error:
        raise Invalid(
            f"a template str.format reads ({error}; write a literal brace as {{{{)"
        ) from None
    for name, spec, conversion in fields:
        if name not in known:
            raise Invalid(f"templates naming only {names}, not {{{name}}}")
        if "{" in (spec or ""):
            raise Invalid(f"a plain format after {{{name}: (no nested fields)")
        if conversion not in (None, "r", "s", "a"):
            raise Invalid(f"a conversion !r, !s or !a after {{{name}, not !{conversion}")
        width = re.match(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)", spec or "")
        if width and width.group(1) and int(width.group(1)) > TEMPLATE_WIDTH_LIMIT:
            raise Invalid(f"a width of at most {TEMPLATE_WIDTH_LIMIT} in {{{name}:{spec}}}")
        try:
            format("text", spec or "")
        except ValueError as error:
            raise Invalid(f"a format a text takes in {{{name}:{spec}}} ({error})") from None


# Validators of the option kinds the catalog declares.
OPTION_KINDS: dict[str, Callable[[Any], Any]] = {
    "positive-int": positive_int,
    "non-negative-int": count,
    "patterns": string_list,
}
