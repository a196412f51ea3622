"""Path globs in the spirit of .gitignore, compiled once into one regular expression.

A pattern without a slash matches a file name at any depth (`yarn.lock`, `*.min.js`); a pattern with
a slash is anchored at the repository root (`src/gen/*.py`); a trailing slash matches everything
below a directory of that name at any depth (`vendor/`); `**` crosses directories and `{a,b}` picks
one of several alternatives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class GlobError(ValueError):
    """A pattern that cannot be compiled; the message says what is wrong with it."""


def _translate_segmentwise(pattern: str) -> str:
    out: list[str] = []
    i = 0
    braces = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end == -1:
                raise GlobError("'[' is never closed")
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        elif char == "{":
            braces += 1
            out.append("(?:")
        elif char == "}" and braces:
            braces -= 1
            out.append(")")
        elif char == "," and braces:
            out.append("|")
        else:
            out.append(re.escape(char))
        i += 1
    if braces:
        raise GlobError("'{' is never closed")
    return "".join(out)


def translate(pattern: str) -> str:
    """The regular expression (without anchors) for one glob pattern."""
    if not pattern.strip():
        raise GlobError("the pattern is empty")
    directory = pattern.endswith("/")
    body = pattern.strip("/") if directory else pattern.lstrip("/")
    anchored = "/" in body or pattern.startswith("/")
    regex = _translate_segmentwise(body)
    prefix = "" if anchored else "(?:.*/)?"
    suffix = "/.*" if directory else "(?:/.*)?"
    return prefix + regex + suffix


class PathMatcher:
    """Matches repository paths against a list of globs; remembers which pattern matched."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        # One regex with a named group per pattern: one test per path (most match nothing), and
        # the group that matched names the first pattern that matches, with no regex per pattern.
        self._any = re.compile(
            "|".join(f"(?P<p{index}>{translate(p)})" for index, p in enumerate(self.patterns)),
            re.DOTALL,
        )

    def match(self, path: str) -> str | None:
        """The first pattern that matches `path`, or None."""
        found = self._any.fullmatch(path) if self.patterns else None
        if found is None or found.lastgroup is None:
            return None
        return self.patterns[int(found.lastgroup[1:])]
