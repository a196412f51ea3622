"""Path globs in the spirit of .gitignore, compiled once into a few regular expressions.

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


def _kind(pattern: str) -> str:
    """How a pattern is matched: against one path segment ("name": a file or directory name at
    any depth), one directory segment ("directory": a trailing slash), or the whole path."""
    directory = pattern.endswith("/")
    body = pattern.strip("/") if directory else pattern.lstrip("/")
    if "/" in body or pattern.startswith("/") or "**" in body:
        return "path"
    return "directory" if directory else "name"


NOTHING = "(?!)"  # a regex that matches nothing: a kind without patterns


def _alternatives(indexed: list[tuple[int, str]]) -> re.Pattern[str]:
    """One regex with a named group per (index, regex): the group that matched names the first
    pattern that matches (alternatives are tried in order), with no regex per pattern."""
    alternatives = "|".join(f"(?P<p{index}>{regex})" for index, regex in indexed)
    return re.compile(alternatives or NOTHING, re.DOTALL)


def _first(regex: re.Pattern[str], text: str) -> int | None:
    found = regex.fullmatch(text)
    return None if found is None or found.lastgroup is None else int(found.lastgroup[1:])


class PathMatcher:
    """Matches repository paths against a list of globs; remembers which pattern matched.

    Most patterns name a file or a directory at any depth (`yarn.lock`, `*.min.js`, `vendor/`):
    those are tried on a path's own name, and on each directory's name once per directory (the
    answer is kept), so a change of 100,000 files in 100 folders costs 100,000 short matches.
    A name is tried only against the patterns its extension allows (`*.min.js` never against
    `module.py`). Only anchored patterns and `**` are matched against whole paths.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        for pattern in self.patterns:
            translate(pattern)  # every pattern is checked, whatever its kind
        kinds = [(index, _kind(pattern), pattern) for index, pattern in enumerate(self.patterns)]
        segments = [(index, _segment(pattern)) for index, kind, pattern in kinds if kind != "path"]
        self._directory = _alternatives(segments)
        whole = [(index, translate(pattern)) for index, kind, pattern in kinds if kind == "path"]
        self._path = _alternatives(whole)
        self._anchored = bool(whole)
        # Directory -> the first pattern one of its segments matches (None: no pattern).
        self._directories: dict[str, int | None] = {"": None}
        # Name patterns with the extensions they allow (None: any); the regex of each extension
        # is built when a name first has it, and a name without a known one gets `_any_name`.
        self._named = [
            (index, _segment(pattern), _extensions(pattern))
            for index, kind, pattern in kinds
            if kind == "name"
        ]
        self._any_name = _alternatives(
            [(i, regex) for i, regex, allowed in self._named if not allowed]
        )
        self._extensions = {extension for *_, allowed in self._named for extension in allowed or ()}
        self._names: dict[str, re.Pattern[str]] = {}

    def match(self, path: str) -> str | None:
        """The first pattern that matches `path`, or None."""
        directory, _, name = path.rpartition("/")
        found = self._directories.get(directory, -1)
        if found == -1:
            found = self._in_directory(directory)
        _, dot, extension = name.rpartition(".")
        regex = (self._names.get(extension) or self._for_extension(extension)) if dot else None
        hit = (regex or self._any_name).fullmatch(name)  # inlined: called for every changed file
        if hit is not None and hit.lastgroup is not None:
            index = int(hit.lastgroup[1:])
            found = index if found is None or index < found else found
        if self._anchored:
            found = _earlier(found, _first(self._path, path))
        return None if found is None else self.patterns[found]

    def _for_extension(self, extension: str) -> re.Pattern[str]:
        """The name regex for names ending in `.EXTENSION`: the patterns that allow it."""
        if extension not in self._extensions:
            regex = self._any_name
        else:
            regex = _alternatives(
                [(i, rx) for i, rx, allowed in self._named if not allowed or extension in allowed]
            )
        self._names[extension] = regex
        return regex

    def _in_directory(self, directory: str) -> int | None:
        """The first pattern a segment of DIRECTORY (not yet known) matches."""
        # Walk up to the nearest directory already known, then fill in the way back down.
        pending = [directory]
        parent = directory.rpartition("/")[0]
        while parent not in self._directories:
            pending.append(parent)
            parent = parent.rpartition("/")[0]
        found = self._directories[parent]
        for folder in reversed(pending):
            found = _earlier(found, _first(self._directory, folder.rpartition("/")[2]))
            self._directories[folder] = found
        return found


def _extensions(pattern: str) -> frozenset[str] | None:
    """The extensions (after the last dot) of every name PATTERN matches, or None when it could
    be any: `*.min.js` {js}, `*.{png,jpg}` {png, jpg}, `Makefile` and `*.py[co]` None."""
    if "[" in pattern or pattern.count("{") > MAX_BRACES:
        return None
    found = set()
    for expanded in _expand_braces(pattern):
        _, dot, extension = expanded.rpartition(".")
        if not dot or not extension or any(char in extension for char in "*?{},"):
            return None
        found.add(extension)
    return frozenset(found)


MAX_BRACES = 4  # more brace groups than this: no extension is worked out (too many spellings)


def _expand_braces(pattern: str) -> list[str]:
    """Every spelling of PATTERN with its `{a,b}` alternatives written out."""
    start = pattern.find("{")
    if start == -1:
        return [pattern]
    depth, last, parts = 0, start + 1, []
    for position in range(start, len(pattern)):
        char = pattern[position]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                parts.append(pattern[last:position])
                rest = pattern[position + 1 :]
                return [
                    spelling
                    for part in parts
                    for spelling in _expand_braces(pattern[:start] + part + rest)
                ]
        elif char == "," and depth == 1:
            parts.append(pattern[last:position])
            last = position + 1
    return [pattern]  # never closed: translate refuses it


def _earlier(one: int | None, other: int | None) -> int | None:
    """The earlier of two pattern indexes, either of which may be None (no match)."""
    if one is None:
        return other
    return one if other is None or one < other else other


def _segment(pattern: str) -> str:
    """The regular expression of a name or directory pattern, for one path segment."""
    return _translate_segmentwise(pattern.strip("/"))
