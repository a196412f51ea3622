"""Queries about changes: diffs as numbers, streamed patches, attributes, per-commit statuses.

Numbers come before patches: `--raw --numstat` answers counts and limits for any size, and a
patch is streamed only for the files a rule reads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, NamedTuple

from hotfix_guard.git.light import git_command, git_environment
from hotfix_guard.git.process import (
    STOPPED_BY_CLOSED_PIPE,
    GitAccess,
    GitError,
    error_file,
    split_z,
)
from hotfix_guard.git.walk import Walk

# (path, status letter) of every file one commit or diff changes.
FileStatuses = frozenset[tuple[str, str]]
# Paths given to one git command: far below any system's limit on a command line's length.
PATHS_PER_COMMAND = 1000
# Path -> (added, removed) lines of one commit or diff; None for a binary file.
LineCounts = dict[str, "tuple[int, int] | None"]


class RawFileChange(NamedTuple):
    """One entry of `git diff --raw --numstat -z`: status, paths, modes and line counts.

    A tuple, not a dataclass: a change of 100,000 files makes 100,000 of them."""

    status: str
    path: str
    old_path: str | None
    similarity: int | None
    old_mode: str
    new_mode: str
    added: int
    removed: int
    binary: bool


class ChangeQueries(GitAccess):
    """Diffs, patches and attributes of a change, and what each commit changes."""

    # --- changes -----------------------------------------------------------------------------

    def diff(self, base: str, head: str | None, *options: str, paths: Sequence[str] = ()) -> bytes:
        """Plumbing diff of BASE against HEAD (a commit) or, when HEAD is None, the staged index."""
        return self.git(*diff_command(base, head, *options), *paths)

    def file_changes(
        self, base: str, head: str | None, *, find_copies: bool = True
    ) -> list[RawFileChange]:
        """What changed between BASE and HEAD (None: the staged index), renames (copies) found."""
        detection = ("-M", "-C") if find_copies else ("-M",)
        return parse_raw_numstat(self.diff(base, head, "-z", "--raw", "--numstat", *detection))

    def attributes(self, paths: Sequence[str], names: Sequence[str]) -> dict[str, dict[str, str]]:
        """`git check-attr` for many paths at once: path -> {attribute: value} (unset left out)."""
        if not paths:
            return {}
        stdin = b"".join(os.fsencode(path) + b"\0" for path in paths)
        return parse_check_attr(self.git("check-attr", "-z", "--stdin", *names, stdin=stdin))

    # --- streaming and cheap pre-checks: numbers before patches -------------------------------

    def piped(self, producer: Sequence[str], consumer: Sequence[str]) -> bytes:
        """`git PRODUCER | git CONSUMER`: the data between them never passes through Python."""
        # The producer's stderr goes to a file: a pipe nobody reads could fill up and stall it.
        with (
            error_file() as errors,
            self.spawn(producer, stderr=errors) as source,
        ):
            assert source.stdout is not None
            result = subprocess.run(
                git_command(consumer),
                cwd=self.root,
                stdin=source.stdout,
                capture_output=True,
                env=git_environment(self.env),
            )
            source.stdout.close()
            source.wait()
            errors.seek(0)
            producer_error = errors.read()
        if source.returncode != 0:
            raise GitError(producer, source.returncode, producer_error)
        if result.returncode != 0:
            raise GitError(consumer, result.returncode, result.stderr)
        return result.stdout

    @contextmanager
    def patch_stream(
        self, base: str, head: str | None, *, find_copies: bool = True
    ) -> Iterator[IO[bytes]]:
        """The unified diff (renames, and copies if asked, found) between BASE and HEAD (None: the
        index), as a stream; leaving early stops git (the rest is not made)."""
        detection = ("-M", "-C") if find_copies else ("-M",)
        command = diff_command(base, head, "-p", *detection, "--full-index")
        with (
            error_file() as errors,
            self.spawn(command, stderr=errors) as process,
        ):
            assert process.stdout is not None
            try:
                yield process.stdout
            finally:
                # Closing the pipe early makes git stop at its next write (SIGPIPE).
                process.stdout.close()
                process.wait()
            if process.returncode not in STOPPED_BY_CLOSED_PIPE:
                errors.seek(0)
                raise GitError(command, process.returncode, errors.read())

    def statuses_by_commit(self, walk: Walk) -> dict[str, FileStatuses]:
        """Commit -> the paths it changes, each with its status letter (A, D, M, T), renames as
        delete + add: tree ids only, no content."""
        output = self.git(
            "log", "-z", "--format=%x01%H", "--name-status", "--no-renames", *walk.log_args()
        )
        changed: dict[str, dict[str, str]] = {}
        statuses: dict[str, str] = {}
        status: str | None = None
        for item in output.split(b"\0"):
            header = item.lstrip(b"\n")
            if len(header) in (41, 65) and header.startswith(b"\x01"):
                statuses = changed.setdefault(header[1:].decode(), {})
                status = None
            elif status is None and item:
                # `S` then the path; the first status follows the format's line break.
                status = item.lstrip(b"\n").decode()
            elif status is not None:
                statuses[os.fsdecode(item)] = status
                status = None
        return {commit: frozenset(found.items()) for commit, found in changed.items()}

    def line_counts_by_commit(self, commits: Sequence[str]) -> dict[str, LineCounts]:
        """Commit -> path -> (added, removed) lines against its first parent (None: binary),
        renames as delete + add, for many commits in one `git log --numstat`."""
        if not commits:
            return {}
        output = self.git(
            "log",
            "-z",
            "--numstat",
            "--no-renames",
            "--format=%x01%H",
            *Walk.of(commits).log_args(),
        )
        counts: dict[str, LineCounts] = {}
        current: LineCounts = {}
        first = False
        for item in output.split(b"\0"):
            header = item.lstrip(b"\n")
            if len(header) in (41, 65) and header.startswith(b"\x01"):
                current = counts.setdefault(header[1:].decode(), {})
                first = True
            elif item:
                # The first record after a header comes after the format's line break.
                record = item[1:] if first and item.startswith(b"\n") else item
                first = False
                current.update(parse_numstat_records([record]))
        return counts

    def line_counts(
        self, base: str, head: str | None, *options: str, paths: Sequence[str] | None = None
    ) -> LineCounts:
        """Path -> (added, removed) lines from BASE to HEAD (None: the index), renames as
        delete + add, None for a binary file; OPTIONS such as `-w` go to git diff. PATHS
        (literal) limits the diff to those files, asked in batches: any number fits."""
        if paths is None:
            output = self.diff(base, head, "-z", "--numstat", "--no-renames", *options)
            return parse_numstat_records(item for item in output.split(b"\0") if item)
        counts: LineCounts = {}
        command = diff_command(base, head, "-z", "--numstat", "--no-renames", *options)
        for start in range(0, len(paths), PATHS_PER_COMMAND):
            batch = paths[start : start + PATHS_PER_COMMAND]
            output = self.git("--literal-pathspecs", *command, *batch)
            counts.update(parse_numstat_records(item for item in output.split(b"\0") if item))
        return counts

    def staged_statuses(self, against: str) -> FileStatuses:
        """The paths the staged index changes against commit AGAINST, with their status letters
        (renames as delete + add)."""
        items = split_z(
            self.git("diff-index", "--cached", "-z", "--name-status", "--no-renames", against)
        )
        return frozenset(zip(items[1::2], items[0::2]))


def parse_numstat_records(records: Iterable[bytes]) -> LineCounts:
    """`added<TAB>removed<TAB>path` records of `--numstat -z --no-renames` (`-` for binary)."""
    counts: LineCounts = {}
    for record in records:
        added, removed, path = record.split(b"\t", 2)
        counts[os.fsdecode(path)] = None if added == b"-" else (int(added), int(removed))
    return counts


def parse_check_attr(output: bytes) -> dict[str, dict[str, str]]:
    """`check-attr -z` output: path -> {attribute: value}, unspecified and unset left out."""
    fields = output.split(b"\0")
    found: dict[str, dict[str, str]] = {}
    for index in range(0, len(fields) - 2, 3):
        value = fields[index + 2]
        if value not in (b"unspecified", b"unset"):  # most paths: decode nothing
            path, name = os.fsdecode(fields[index]), os.fsdecode(fields[index + 1])
            found.setdefault(path, {})[name] = os.fsdecode(value)
    return found


def diff_command(base: str, head: str | None, *options: str) -> list[str]:
    """The plumbing diff of BASE against HEAD (a commit), or against the index when HEAD is None;
    paths may follow the closing `--`."""
    if head is None:
        return ["diff-index", "--cached", *options, base, "--"]
    return ["diff-tree", "-r", *options, base, head, "--"]


def parse_raw_numstat(output: bytes) -> list[RawFileChange]:
    """Parse `--raw --numstat -z` output: all raw records first, then numstat records in order.

    A raw record is `:MODE MODE SHA SHA STATUS` and its path (two paths for a rename or copy);
    the numstat record of a rename is `ADDED<TAB>REMOVED<TAB>` followed by both paths."""
    items = output.split(b"\0")
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    known: dict[bytes, tuple[str, str, str, int | None]] = {}  # few distinct mode/status fields
    raw: list[tuple[tuple[str, str, str, int | None], str, str | None]] = []
    index, count = 0, len(items)
    while index < count and items[index][:1] == b":":
        meta = items[index]
        # `:100644 100644 <sha> <sha> M`: the modes are the first 13 bytes after the colon.
        key = meta[1:14] + meta[meta.rindex(b" ") :]
        fields = known.get(key)
        if fields is None:
            fields = known[key] = _raw_fields(meta)
        if fields[2] in "RC":
            source = items[index + 1].decode(encoding, errors)
            raw.append((fields, items[index + 2].decode(encoding, errors), source))
            index += 3
        else:
            raw.append((fields, items[index + 1].decode(encoding, errors), None))
            index += 2
    changes = []
    for (old_mode, new_mode, status, similarity), path, old_path in raw:
        added, removed, rest = items[index].split(b"\t", 2)
        index += 3 if rest == b"" else 1  # a rename's numstat record carries both paths after it
        binary = added == b"-"
        changes.append(
            RawFileChange(
                status,
                path,
                old_path,
                similarity,
                old_mode,
                new_mode,
                0 if binary else int(added),
                0 if binary else int(removed),
                binary,
            )
        )
    return changes


def _raw_fields(meta: bytes) -> tuple[str, str, str, int | None]:
    """(old mode, new mode, status letter, similarity of a rename or copy) of a raw record."""
    old_mode, new_mode, _, _, status_field = meta[1:].decode().split()
    status, score = status_field[0], status_field[1:]
    return old_mode, new_mode, status, int(score) if score and status in "RC" else None
