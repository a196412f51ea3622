"""The git layer: every git query hotfix-guard makes lives in this package (push time: push.py).

Plumbing commands run as subprocesses with machine-readable output (`-z` wherever paths appear), so
paths with spaces, newlines or non-UTF-8 bytes survive; paths are decoded with `os.fsdecode`
(surrogate escapes) and encoded back the same way. Porcelain settings in the user's config (colour,
external diff, prefixes) cannot leak in because only plumbing output is parsed.

The inherited environment is kept on purpose: during `git commit -a` the hook must see the temporary
index that GIT_INDEX_FILE names.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO

from hotfix_guard.errors import UsageError
from hotfix_guard.git.walk import Walk

# How git ends when its reader stops early: killed by SIGPIPE, or exit 141 where git handles it.
STOPPED_BY_CLOSED_PIPE = (0, -signal.SIGPIPE, 128 + signal.SIGPIPE)
# The line `git cherry-pick -x` adds to the message of the commit it makes.
CHERRY_PICKED_FROM = re.compile(r"^\(cherry picked from commit ([0-9a-f]{40})\)$", re.MULTILINE)


class GitError(Exception):
    """A git command failed unexpectedly (not a user-fixable condition)."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: bytes) -> None:
        self.returncode = returncode
        self.stderr = os.fsdecode(stderr).strip()
        super().__init__(f"git {' '.join(args)} exited {returncode}: {self.stderr}")


def run(args: Sequence[str], cwd: Path | str | None = None, stdin: bytes | None = None) -> bytes:
    """Run `git ARGS` and return its stdout; raise GitError on a non-zero exit."""
    result = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    if result.returncode != 0:
        raise GitError(args, result.returncode, result.stderr)
    return result.stdout


def try_run(args: Sequence[str], cwd: Path | str | None = None) -> bytes | None:
    """Run `git ARGS`; None instead of an exception when it exits non-zero."""
    try:
        return run(args, cwd=cwd)
    except GitError:
        return None


def split_z(output: bytes) -> list[str]:
    """NUL-separated git output as fsdecoded strings (surrogate escapes keep odd bytes)."""
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


# (path, status letter) of every file one commit or diff changes.
FileStatuses = frozenset[tuple[str, str]]
# Path -> (added, removed) lines of one commit or diff; None for a binary file.
LineCounts = dict[str, "tuple[int, int] | None"]


@dataclass(frozen=True)
class RawFileChange:
    """One entry of `git diff --raw --numstat -z`: status, paths, modes and line counts."""

    status: str
    path: str
    old_path: str | None
    similarity: int | None
    old_mode: str
    new_mode: str
    added: int
    removed: int
    binary: bool


@dataclass(frozen=True)
class LoggedCommit:
    """One commit of a first-parent walk: id, parents, committer time (Unix) and subject."""

    sha: str
    parents: tuple[str, ...]
    committed: int
    subject: str


class Repository:
    """A work tree and the git queries made about it; answers that cannot change are cached."""

    def __init__(self, root: Path, git_dir: Path, shallow: bool) -> None:
        self.root = root
        self.git_dir = git_dir
        self.shallow = shallow
        # (HEAD's full ref or None when detached, HEAD's commit), when the caller already asked
        # git (the fast path's probe): saves a process for each.
        self.known_head: tuple[str | None, str] | None = None

    @classmethod
    def discover(cls, cwd: Path | str | None = None) -> Repository:
        result = subprocess.run(
            [
                "git",
                "rev-parse",
                "--show-toplevel",
                "--absolute-git-dir",
                "--is-shallow-repository",
            ],
            cwd=cwd,
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise UsageError(
                "not inside a git work tree: run hotfix-guard from a clone of your repository"
            )
        root, git_dir, shallow = os.fsdecode(result.stdout).splitlines()
        return cls(Path(root), Path(git_dir), shallow == "true")

    def git(self, *args: str, stdin: bytes | None = None) -> bytes:
        return run(args, cwd=self.root, stdin=stdin)

    def try_git(self, *args: str) -> bytes | None:
        return try_run(args, cwd=self.root)

    # --- refs --------------------------------------------------------------------------------

    def symbolic_head(self) -> str | None:
        """The full ref HEAD points at (even on an unborn branch), or None when detached."""
        if self.known_head is not None:
            return self.known_head[0]
        output = self.try_git("symbolic-ref", "-q", "HEAD")
        return os.fsdecode(output).strip() if output else None

    @cached_property
    def refs(self) -> dict[str, str]:
        """Branches and remote-tracking branches, full name -> commit id; symbolic refs left out."""
        output = self.git(
            "for-each-ref",
            "--format=%(refname)%00%(objectname)%00%(symref)",
            "refs/heads",
            "refs/remotes",
        )
        refs = {}
        for line in output.splitlines():
            name, sha, symref = os.fsdecode(line).split("\0")
            if not symref:
                refs[name] = sha
        return refs

    def forget_refs(self) -> None:
        """Read the refs afresh next time (after a fetch added some)."""
        self.__dict__.pop("refs", None)

    def files_at(self, rev: str, paths: Sequence[str]) -> dict[str, bytes]:
        """The contents of the files (blobs) PATHS at commit REV, in one process; absent ones left
        out. A path that is a directory there raises UsageError: it cannot be a file we read."""
        commit = self.resolve_commit(rev)
        if commit is None:
            raise UsageError(f"cannot read the configuration of {rev!r}: no such commit")
        requests = b"".join(f"{commit}:{path}\n".encode() for path in paths)
        output = self.git("cat-file", "--batch", stdin=requests)
        found: dict[str, bytes] = {}
        for path in paths:
            header, _, output = output.partition(b"\n")
            fields = header.split()
            if fields[-1] == b"missing":
                continue
            kind, size = fields[1].decode(), int(fields[2])
            if kind != "blob":
                raise UsageError(f"{path} at {commit[:12]} is a {kind}, not a file: remove it")
            found[path] = output[:size]
            output = output[size + 1 :]  # the content, then a line break
        return found

    def remote_head(self, remote: str = "origin") -> str | None:
        """The full ref refs/remotes/REMOTE/HEAD points at, if the clone recorded it."""
        output = self.try_git("symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD")
        return os.fsdecode(output).strip() if output else None

    def resolve_commit(self, rev: str) -> str | None:
        if self.known_head is not None and rev in ("HEAD", self.known_head[1]):
            return self.known_head[1]  # HEAD, or its commit id (a push of the checked-out tip)
        output = self.try_git(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
        return output.decode().strip() if output else None

    def resolve_object(self, rev: str) -> str | None:
        output = self.try_git("rev-parse", "--verify", "--quiet", "--end-of-options", rev)
        return output.decode().strip() if output else None

    def merge_base(self, commit: str, others: Sequence[str]) -> str | None:
        """The best common ancestor of COMMIT and the union of OTHERS (`git merge-base A B C`)."""
        output = self.try_git("merge-base", commit, *others)
        return output.decode().strip() if output else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.try_git("merge-base", "--is-ancestor", ancestor, descendant) is not None

    def refs_containing(self, commits: Iterable[str]) -> list[str]:
        """Branches and remote-tracking branches that contain at least one of `commits`."""
        contains = [f"--contains={commit}" for commit in commits]
        if not contains:
            return []
        output = self.git(
            "for-each-ref", "--format=%(refname)", *contains, "refs/heads", "refs/remotes"
        )
        return [os.fsdecode(line) for line in output.splitlines()]

    # --- history -----------------------------------------------------------------------------

    def commits_with_parents(self, head: str, exclude: Sequence[str]) -> list[tuple[str, ...]]:
        """`git rev-list --parents HEAD ^EXCLUDE...`: commit then its parents, newest first."""
        output = self.git("rev-list", "--parents", head, *(f"^{ref}" for ref in exclude), "--")
        return [tuple(line.decode().split()) for line in output.splitlines()]

    def commits_reached_by(self, refs: Sequence[str], exclude: Sequence[str]) -> dict[str, str]:
        """Commit -> the ref that reaches it (`git log --source`), for refs minus `exclude`."""
        output = self.git(
            "log", "--format=%H %S", "--source", *refs, *(f"^{ref}" for ref in exclude), "--"
        )
        reached = {}
        for line in output.splitlines():
            sha, _, ref = os.fsdecode(line).partition(" ")
            reached[sha] = ref
        return reached

    def subjects(self, commits: Sequence[str]) -> dict[str, str]:
        if not commits:
            return {}
        output = self.git("log", "--no-walk=unsorted", "--format=%H %s", *commits, "--")
        return dict(
            line.partition(" ")[::2] for line in output.decode(errors="replace").splitlines()
        )

    def commit_trailers(self, walk: Walk) -> dict[str, list[tuple[str, str]]]:
        """Commit -> its trailers as (key, value), unfolded, for the commits of WALK, newest
        first."""
        output = self.git(
            "log",
            "-z",
            "--no-show-signature",
            "--format=%H%x1d%(trailers:only,unfold,separator=%x1f,key_value_separator=%x1e)",
            *walk.log_args(),
        )
        found: dict[str, list[tuple[str, str]]] = {}
        for record in output.split(b"\0"):
            if not record:
                continue
            sha, _, trailers = record.decode(errors="replace").partition("\x1d")
            found[sha] = [
                (key, value)
                for key, _, value in (item.partition("\x1e") for item in trailers.split("\x1f"))
                if key
            ]
        return found

    def message_trailers(self, message: bytes) -> list[tuple[str, str]]:
        """The trailers of a commit message (`git interpret-trailers --parse`), unfolded."""
        output = self.git("interpret-trailers", "--parse", stdin=message)
        pairs = []
        for line in output.decode(errors="replace").splitlines():
            key, separator, value = line.partition(":")
            if separator:
                pairs.append((key.strip(), value.strip()))
        return pairs

    def patch_ids(self, walk: Walk, *, reverse: bool = False) -> dict[str, str]:
        """patch-id -> commit for the commits of WALK (stable patch ids); REVERSE: of the
        inverse of each commit's patch (what a revert of it would have)."""
        # --no-prefix: a reversed patch keeps its b/ a/ prefixes, which patch-id would hash.
        log = [
            "log",
            "-p",
            "--no-prefix",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-show-signature",
            "--format=commit %H",
            *(["-R"] if reverse else []),
            *walk.log_args(),
        ]
        output = self.piped(log, ["patch-id", "--stable"])
        ids = {}
        for line in output.decode().splitlines():
            patch_id, commit = line.split()
            ids[patch_id] = commit
        return ids

    def staged_patch_id(self, against: str) -> str | None:
        """The stable patch id of the staged change against commit AGAINST, None if empty."""
        return self.diff_patch_id(against, None)

    def diff_patch_id(self, base: str, head: str | None) -> str | None:
        """The stable patch id of BASE..HEAD as one patch (HEAD None: the index); None if empty."""
        patch = self.diff(base, head, "-p", "--no-prefix")
        output = self.git("patch-id", "--stable", stdin=patch)
        return output.decode().split()[0] if output.strip() else None

    # --- backports (hotfixes merged into main, and where they went) ----------------------------

    def first_parent_log(self, walk: Walk) -> list[LoggedCommit]:
        """The commits of WALK (usually first-parent), newest first, with parents, time, subject."""
        output = self.git("log", "-z", "--format=%H %P%x1f%ct%x1f%s", *walk.log_args())
        commits = []
        for record in output.split(b"\0"):
            if not record:
                continue
            shas, committed, subject = record.decode(errors="replace").split("\x1f", 2)
            sha, *parents = shas.split()
            commits.append(LoggedCommit(sha, tuple(parents), int(committed), subject))
        # git's date parser gives up on far dates (year 2100 on) and then keeps everything.
        return [c for c in commits if walk.since is None or c.committed >= walk.since]

    def reflog_subjects(self, ref: str) -> list[tuple[str, str]]:
        """(new commit, reflog message) of REF's reflog, newest first; empty without a reflog."""
        output = self.try_git("reflog", "show", "--format=%H%x00%gs", ref, "--")
        if not output:
            return []
        entries = []
        for line in output.decode(errors="replace").splitlines():
            sha, _, message = line.partition("\0")
            entries.append((sha, message))
        return entries

    def cherry_picked_from(self, walk: Walk) -> set[str]:
        """Commits named by the `(cherry picked from commit ...)` lines of WALK's messages."""
        messages = self.git("log", "--format=%B", *walk.log_args()).decode(errors="replace")
        return set(CHERRY_PICKED_FROM.findall(messages))

    def commit_times(self, commits: Sequence[str]) -> dict[str, int]:
        """Commit -> committer time (Unix), for many commits in one query."""
        if not commits:
            return {}
        output = self.git("log", "--no-walk=unsorted", "--format=%H %ct", *commits, "--")
        return {
            sha: int(time) for sha, time in (line.split() for line in output.decode().splitlines())
        }

    def unmerged_commits(
        self, tips: Sequence[str], exclude: Sequence[str]
    ) -> dict[str, tuple[str, ...]]:
        """Commits reachable from TIPS but not EXCLUDE, each with its parents, in one walk."""
        output = self.git("rev-list", "--parents", *tips, *(f"^{ref}" for ref in exclude), "--")
        return {
            sha: tuple(parents)
            for sha, *parents in (line.decode().split() for line in output.splitlines())
        }

    def range_patch_ids(self, ranges: Sequence[tuple[str, str]]) -> dict[str, str]:
        """HEAD -> the stable patch id of BASE..HEAD as one patch, for many (BASE, HEAD) at once."""
        if not ranges:
            return {}
        # diff-tree --stdin reads `<commit> <parent>` lines and diffs each parent to its commit.
        lines = "".join(f"{head} {base}\n" for base, head in ranges).encode()
        patches = self.git(
            "diff-tree",
            "--stdin",
            "-r",
            "-p",
            "--no-prefix",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            stdin=lines,
        )
        output = self.git("patch-id", "--stable", stdin=patches)
        return {
            commit: patch_id
            for patch_id, commit in (line.split() for line in output.decode().splitlines())
        }

    def history(self, walk: Walk) -> set[str]:
        """The commits of WALK (with `since`, git stops at about that time)."""
        return set(self.git("rev-list", *walk.log_args()).decode().split())

    @cached_property
    def version(self) -> tuple[int, ...]:
        """git's version as numbers: `git version 2.39.5` -> (2, 39, 5)."""
        words = self.git("version").decode().split()
        numbers = words[2].split(".") if len(words) > 2 else []
        return tuple(int(part) for part in numbers if part.isdigit())

    def merge_conflicts(self, ours: str, theirs: str) -> list[str]:
        """Paths that would conflict merging THEIRS into OURS, computed in memory (git 2.38+).

        `git merge-tree --write-tree` writes only objects: the work tree, index and refs stay put.
        """
        result = subprocess.run(
            [
                "git",
                "merge-tree",
                "--write-tree",
                "--name-only",
                "--no-messages",
                "-z",
                ours,
                theirs,
            ],
            cwd=self.root,
            capture_output=True,
            check=False,
        )
        if result.returncode not in (0, 1):
            raise GitError(["merge-tree", ours, theirs], result.returncode, result.stderr)
        # The tree id comes first; then, when it conflicts, one path per conflicted file.
        return split_z(result.stdout)[1:] if result.returncode == 1 else []

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
        output = self.git("check-attr", "-z", "--stdin", *names, stdin=stdin)
        fields = output.split(b"\0")
        found: dict[str, dict[str, str]] = {}
        for index in range(0, len(fields) - 2, 3):
            value = fields[index + 2]
            if value not in (b"unspecified", b"unset"):  # most paths: decode nothing
                path, name = os.fsdecode(fields[index]), os.fsdecode(fields[index + 1])
                found.setdefault(path, {})[name] = os.fsdecode(value)
        return found

    # --- streaming and cheap pre-checks: numbers before patches -------------------------------

    def piped(self, producer: Sequence[str], consumer: Sequence[str]) -> bytes:
        """`git PRODUCER | git CONSUMER`: the data between them never passes through Python."""
        # The producer's stderr goes to a file: a pipe nobody reads could fill up and stall it.
        with (
            error_file() as errors,
            subprocess.Popen(
                ["git", *producer], cwd=self.root, stdout=subprocess.PIPE, stderr=errors
            ) as source,
        ):
            assert source.stdout is not None
            result = subprocess.run(
                ["git", *consumer], cwd=self.root, stdin=source.stdout, capture_output=True
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
            subprocess.Popen(
                ["git", *command], cwd=self.root, stdout=subprocess.PIPE, stderr=errors
            ) as process,
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
            if len(header) == 41 and header.startswith(b"\x01"):
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
            if len(header) == 41 and header.startswith(b"\x01"):
                current = counts.setdefault(header[1:].decode(), {})
                first = True
            elif item:
                # The first record after a header comes after the format's line break.
                record = item[1:] if first and item.startswith(b"\n") else item
                first = False
                current.update(parse_numstat_records([record]))
        return counts

    def line_counts(self, base: str, head: str | None) -> LineCounts:
        """Path -> (added, removed) lines from BASE to HEAD (None: the index), renames as
        delete + add, None for a binary file."""
        output = self.diff(base, head, "-z", "--numstat", "--no-renames")
        return parse_numstat_records(item for item in output.split(b"\0") if item)

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


def error_file() -> IO[bytes]:
    """An anonymous file for a streaming git's stderr (a pipe nobody reads could fill up and
    stall it): in memory where Linux offers memfd_create, which spares every commit's check
    importing tempfile (shutil, random); a temporary file elsewhere."""
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create("hotfix-guard-git-stderr"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def diff_command(base: str, head: str | None, *options: str) -> list[str]:
    """The plumbing diff of BASE against HEAD (a commit), or against the index when HEAD is None;
    paths may follow the closing `--`."""
    if head is None:
        return ["diff-index", "--cached", *options, base, "--"]
    return ["diff-tree", "-r", *options, base, head, "--"]


def parse_raw_numstat(output: bytes) -> list[RawFileChange]:
    """Parse `--raw --numstat -z` output: all raw records first, then numstat records in order."""
    items = output.split(b"\0")
    raw: list[tuple[str, str, str, str, str | None, int | None]] = []
    index = 0
    while index < len(items) and items[index].startswith(b":"):
        meta = items[index][1:].decode().split()
        old_mode, new_mode, status_field = meta[0], meta[1], meta[4]
        status, score = status_field[0], status_field[1:]
        if status in "RC":
            old_path, path = os.fsdecode(items[index + 1]), os.fsdecode(items[index + 2])
            index += 3
        else:
            old_path, path = None, os.fsdecode(items[index + 1])
            index += 2
        raw.append((status, old_mode, new_mode, path, old_path, int(score) if score else None))
    changes = []
    for status, old_mode, new_mode, path, old_path, similarity in raw:
        added_field, removed_field, rest = items[index].split(b"\t", 2)
        index += 3 if rest == b"" else 1  # a rename's numstat record carries both paths after it
        binary = added_field == b"-"
        added, removed = (0, 0) if binary else (int(added_field), int(removed_field))
        changes.append(
            RawFileChange(
                status=status,
                path=path,
                old_path=old_path,
                similarity=similarity if status in "RC" else None,
                old_mode=old_mode,
                new_mode=new_mode,
                added=added,
                removed=removed,
                binary=binary,
            )
        )
    return changes
