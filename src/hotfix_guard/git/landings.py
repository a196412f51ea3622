"""Bulk history queries for reports over many incidents: a few git processes for a whole history.

A report over thousands of hotfixes cannot afford a git process per hotfix, so each query here
reads everything it needs in one `git log` or `git for-each-ref`, and the report works on the
result in memory. Part of the git layer (see hotfix_guard.git).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from hotfix_guard.git.process import split_z
from hotfix_guard.git.repository import Repository

_FIELD = "\x1f"
_RECORD = "\x1e"
_VALUE = "\x1d"


@dataclass(frozen=True)
class LogCommit:
    """One commit of a line's history: parents, author and committer time (Unix), subject, and
    its trailers as git's own parser reads them."""

    sha: str
    parents: tuple[str, ...]
    authored: int
    committed: int
    author: str
    subject: str
    trailers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Line:
    """A branch's history: every commit it reaches, and which first-parent commit brought each.

    `first_parent` is the branch's first-parent line, oldest first; `landed_by[sha]` is the index in
    it of the commit that made SHA reachable (itself, or the merge that brought it in).
    """

    ref: str
    commits: dict[str, LogCommit]
    first_parent: tuple[str, ...]
    landed_by: dict[str, int]

    @cached_property
    def _brought(self) -> dict[int, list[str]]:
        brought: dict[int, list[str]] = {}
        for sha, index in self.landed_by.items():
            brought.setdefault(index, []).append(sha)
        return brought

    def brought_by(self, index: int) -> list[LogCommit]:
        """The commits the first-parent commit at INDEX brought, itself left out, newest first."""
        merge = self.first_parent[index]
        return [self.commits[sha] for sha in self._brought.get(index, ()) if sha != merge]


@dataclass(frozen=True)
class TagEntry:
    """One tag: the commit it reaches, when it was made (tagger date, else the commit's), and its
    message with its trailers ("" and () for a lightweight tag)."""

    name: str
    commit: str
    tagged: int
    annotated: bool
    message: str
    trailers: tuple[tuple[str, str], ...]


def read_line(repo: Repository, ref: str, exclude: str | None = None) -> Line:
    """REF's history (less what EXCLUDE reaches) with trailers and its landing map, from one
    `git log`."""
    trailers = "%(trailers:only,unfold,separator=%x1d)"
    output = repo.git(
        "log",
        f"--format=%H%x1f%P%x1f%at%x1f%ct%x1f%an <%ae>%x1f%s%x1f{trailers}%x1e",
        ref,
        *([f"^{exclude}"] if exclude else []),
        "--",
    )
    commits: dict[str, LogCommit] = {}
    for chunk in output.decode(errors="replace").split(_RECORD):
        chunk = chunk.strip("\n")
        if not chunk:
            continue
        sha, parents, authored, committed, author, subject, raw = chunk.split(_FIELD, 6)
        commits[sha] = LogCommit(
            sha,
            tuple(parents.split()),
            int(authored),
            int(committed),
            author,
            subject,
            _trailer_pairs(raw),
        )
    first_parent = _first_parent_line(commits, repo.resolve_commit(ref))
    return Line(ref, commits, first_parent, _landings(commits, first_parent))


def _trailer_pairs(raw: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in raw.split(_VALUE):
        key, colon, value = item.strip().partition(":")
        if colon and key.strip():
            pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def _first_parent_line(commits: dict[str, LogCommit], tip: str | None) -> tuple[str, ...]:
    line = []
    current = tip
    while current is not None and current in commits:
        line.append(current)
        parents = commits[current].parents
        current = parents[0] if parents else None
    return tuple(reversed(line))


def _landings(commits: dict[str, LogCommit], first_parent: Sequence[str]) -> dict[str, int]:
    """For every commit, the index of the first-parent commit that first reached it: one pass,
    each commit visited once, so the whole map costs as much as the history is long."""
    landed: dict[str, int] = {}
    for index, sha in enumerate(first_parent):
        landed[sha] = index
        stack = list(commits[sha].parents[1:])
        while stack:
            current = stack.pop()
            if current in landed or current not in commits:
                continue
            landed[current] = index
            stack.extend(commits[current].parents)
    return landed


def read_tags(repo: Repository) -> list[TagEntry]:
    """Every tag that reaches a commit, from one `git for-each-ref`."""
    fields = (
        "%(refname:strip=2)",
        "%(objecttype)",
        "%(objectname)",
        "%(*objectname)",
        "%(*objecttype)",
        "%(creatordate:unix)",
        "%(contents)",
        "%(contents:trailers:only,unfold)",
    )
    output = repo.git("for-each-ref", f"--format={'%1f'.join(fields)}%1e", "refs/tags")
    entries = []
    for chunk in os.fsdecode(output).split(_RECORD):
        chunk = chunk.lstrip("\n")
        if not chunk:
            continue
        name, kind, object_id, target, target_kind, date, message, trailers = chunk.split(_FIELD, 7)
        annotated = kind == "tag"
        commit = target if annotated and target_kind == "commit" else object_id
        if (annotated and target_kind != "commit") or (not annotated and kind != "commit"):
            continue  # a tag of a tree or a blob, or of another tag: no release
        pairs = tuple(
            (key.strip(), value.strip())
            for key, colon, value in (line.partition(":") for line in trailers.split("\n"))
            if colon and key.strip()
        )
        entries.append(
            TagEntry(name, commit, int(date or 0), annotated, message if annotated else "", pairs)
        )
    return entries


def first_parent_sizes(repo: Repository, commits: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(files changed, lines added + removed) of each commit against its first parent, in one
    `git log --stdin`; binary files count as a file with no lines."""
    wanted = list(dict.fromkeys(commits))
    if not wanted:
        return {}
    output = repo.git(
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--diff-merges=first-parent",
        "--no-renames",
        "--numstat",
        "-z",
        "--format=%x1e%H",
        stdin="\n".join(wanted).encode() + b"\n",
    )
    sizes: dict[str, tuple[int, int]] = {}
    for sha, items in _z_records(output):
        counts = [item.split("\t", 2) for item in items]
        files = [parts for parts in counts if len(parts) == 3]
        changed = sum(int(n) for parts in files for n in parts[:2] if n.isdigit())
        sizes[sha] = (len(files), changed)
    return sizes


def _z_records(output: bytes) -> list[tuple[str, list[str]]]:
    """`--format=%x1e<header> -z` output: (header, the NUL-separated items after it) per commit.
    git puts one newline between the header and the first item; a path may hold more."""
    records = []
    for chunk in output.split(b"\x1e"):
        header, _, rest = chunk.partition(b"\0")
        if not header:
            continue
        items = split_z(rest.removeprefix(b"\n"))
        records.append((header.decode(), items))
    return records


def files_added(repo: Repository, ref: str, directory: str) -> dict[str, int]:
    """Path -> when (committer time) it was first added under DIRECTORY on REF's history."""
    output = repo.git(
        "log",
        "--diff-filter=A",
        "--no-renames",
        "--format=%x1e%ct",
        "--name-only",
        "-z",
        ref,
        "--",
        directory,
    )
    added: dict[str, int] = {}
    for when, paths in _z_records(output):
        for path in paths:
            added[path] = int(when)  # git lists newest first: the oldest add wins
    return added
