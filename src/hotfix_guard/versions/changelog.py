"""A Keep a Changelog `CHANGELOG.md`: the hotfix's entry under its version's heading, added by
finish's bump, and carried to a backport branch below that branch's own unreleased changes.
Pure functions over the file's bytes; the line endings are the file's."""

from __future__ import annotations

import re

_HEADING = re.compile(rb"^## +\[?(?P<name>[^\]\r\n]*?)\]?(?: +- +[^\r\n]*)?[ \t]*\r?$", re.M)
_LINK = re.compile(rb"^\[[^\]\r\n]+\]:[ \t]", re.M)


def _newline(data: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in data else b"\n"


def _version_of(name: bytes) -> str:
    text = name.decode("utf-8", "replace").strip()
    return text[1:] if text[:1] in "vV" and text[1:2].isdigit() else text


def has_entry(data: bytes, version: str) -> bool:
    return any(_version_of(m.group("name")) == version for m in _HEADING.finditer(data))


def entry(data: bytes, version: str, date: str, description: str) -> bytes:
    """The section finish adds: `## [1.2.4] - 2026-12-03`, then `### Fixed` and the line."""
    nl = _newline(data)
    text = f"## [{version}] - {date}{nl.decode()}{nl.decode()}### Fixed{nl.decode()}"
    return f"{text}{nl.decode()}- {description}{nl.decode()}{nl.decode()}".encode()


def section(data: bytes, version: str) -> bytes | None:
    """VERSION's section of DATA, from its heading to the next one (None: it has none)."""
    headings = list(_HEADING.finditer(data))
    for index, match in enumerate(headings):
        if _version_of(match.group("name")) == version:
            end = headings[index + 1].start() if index + 1 < len(headings) else _links(data)
            return data[match.start() : max(end, match.end())]
    return None


def insert(data: bytes, block: bytes) -> bytes:
    """DATA with BLOCK (a version's section) before the first release heading: below the
    unreleased changes, above the releases before it; at the end when there is none."""
    nl = _newline(data)
    block = block.replace(b"\r\n", b"\n").replace(b"\n", nl)
    for match in _HEADING.finditer(data):
        if _version_of(match.group("name")).lower() != "unreleased":
            return data[: match.start()] + block + data[match.start() :]
    at = _links(data)
    head, tail = data[:at], data[at:]
    if head and not head.endswith(nl + nl):
        head += nl if head.endswith(nl) else nl + nl
    return head + (block if tail else block[: -len(nl)]) + tail


def add_entry(data: bytes, version: str, date: str, description: str) -> bytes:
    """DATA with the hotfix's entry; as it is when VERSION has a heading already."""
    if has_entry(data, version):
        return data
    return insert(data, entry(data, version, date, description))


def _links(data: bytes) -> int:
    """Where the link definitions ending the file start (`[1.2.3]: https://...`), else the end."""
    start = len(data)
    for match in reversed(list(re.finditer(rb"^[^\n]*(?:\n|\Z)", data, re.M))):
        line = match.group().strip()
        if line and _LINK.match(line + b" ") is None:
            break
        if line:
            start = match.start()
    return start
