"""Release versions: a tag's version read with `tag-format` (literal text around
{major}.{minor}.{patch}[.{build}]), written back, and the next patch. Which tags are releases and
which are hotfixes is the tag context's (tags.py)."""

from __future__ import annotations

import re
from functools import lru_cache

Version = tuple[int, ...]

LOOKS_LIKE_A_RELEASE = re.compile(r"[^\d]*?(\d+(?:\.\d+){2,3})")


@lru_cache(maxsize=8)  # a history of thousands of tags reads them all with one format
def format_regex(tag_format: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", tag_format)
    return re.compile(r"(\d+)".join(re.escape(part) for part in parts))


def parse_version(name: str, tag_format: str) -> Version | None:
    match = format_regex(tag_format).fullmatch(name)
    return tuple(int(number) for number in match.groups()) if match else None


def render_version(version: Version, tag_format: str) -> str:
    names = ("major", "minor", "patch", "build")
    return tag_format.format(**dict(zip(names, (str(number) for number in version))))


def next_release(version: Version) -> Version:
    """One more in the last numeric part: the next patch (or build) release."""
    return (*version[:-1], version[-1] + 1)
