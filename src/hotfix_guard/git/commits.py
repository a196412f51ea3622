"""Queries about commits and history: walks, patch ids, trailers, merges and their conflicts."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from functools import cached_property
from typing import NamedTuple

from hotfix_guard.git.changes import ChangeQueries
from hotfix_guard.git.light import git_command, git_environment
from hotfix_guard.git.process import (
    OBJECT_ID,
    GitError,
    lines,
    split_z,
)
from hotfix_guard.git.walk import Walk

# The line `git cherry-pick -x` adds to the message of the commit it makes.
CHERRY_PICKED_FROM = re.compile(rf"^\(cherry picked from commit ({OBJECT_ID})\)$", re.MULTILINE)


class LoggedCommit(NamedTuple):
    """One commit of a first-parent walk: id, parents, committer time (Unix) and subject."""

    sha: str
    parents: tuple[str, ...]
    committed: int
    subject: str


class BranchCommit(NamedTuple):
    """One commit of a branch: its parents, and its trailers as git's own parser reads them
    (unfolded, in order)."""

    sha: str
    parents: tuple[str, ...]
    trailers: tuple[tuple[str, str], ...]


class ChangedCommit(NamedTuple):
    """One commit with who made it and what it touched (a merge: against its first parent)."""

    sha: str
    parents: tuple[str, ...]
    author: str
    committed: int
    subject: str
    body: str
    files: tuple[str, ...]


class CommitQueries(ChangeQueries):
    """History, patch ids, trailers, merges; patch ids build on the change queries."""

    # --- history -----------------------------------------------------------------------------

    def commits_with_files(self, head: str, exclude: Sequence[str]) -> list[ChangedCommit]:
        """The commits of HEAD ^EXCLUDE, newest first, each with its author, committer time,
        message and the paths it changed (renames as their new path), NUL-safe."""
        # One record per commit: RS, the fields NUL-separated, then the file names (-z).
        output = self.git(
            "log", "--diff-merges=first-parent", "--no-renames", "--name-only", "-z",
            "--format=%x1e%H%x00%P%x00%an%x00%ct%x00%s%x00%b%x00", head,
            *(f"^{ref}" for ref in exclude), "--",
        )  # fmt: skip
        found = []
        for record in output.split(b"\x1e")[1:]:
            sha, parents, author, committed, subject, body, *files = record.split(b"\0")
            found.append(
                ChangedCommit(
                    sha.decode(),
                    tuple(parents.decode().split()),
                    os.fsdecode(author),
                    int(committed),
                    os.fsdecode(subject),
                    os.fsdecode(body),
                    tuple(os.fsdecode(path).strip("\n") for path in files if path.strip(b"\n")),
                )
            )
        return found

    def commits_with_parents(self, head: str, exclude: Sequence[str]) -> list[tuple[str, ...]]:
        """`git rev-list --parents HEAD ^EXCLUDE...`: commit then its parents, newest first."""
        output = self.git("rev-list", "--parents", head, *(f"^{ref}" for ref in exclude), "--")
        return [tuple(line.decode().split()) for line in lines(output)]

    def branch_commits(self, head: str, exclude: Sequence[str]) -> list[BranchCommit]:
        """The commits of HEAD ^EXCLUDE..., newest first, each with its parents and trailers: one
        `git log` for the commit list and the incident record of a check. The trailers come last:
        no text of the message can shift the fields before them."""
        trailers = "%(trailers:only,unfold,separator=%x1f,key_value_separator=%x1e)"
        output = self.git(
            "log",
            "-z",
            "--no-show-signature",
            f"--format=%H%x1d%P%x1d{trailers}",
            head,
            *(f"^{ref}" for ref in exclude),
            "--",
        )
        found = []
        for record in output.split(b"\0"):
            if not record:
                continue
            sha, parents, pairs = record.decode(errors="replace").split("\x1d", 2)
            found.append(BranchCommit(sha, tuple(parents.split()), split_trailers(pairs)))
        return found

    def commits_reached_by(self, refs: Sequence[str], exclude: Sequence[str]) -> dict[str, str]:
        """Commit -> the ref that reaches it (`git log --source`), for refs minus `exclude`."""
        output = self.git(
            "log", "--format=%H %S", "--source", *refs, *(f"^{ref}" for ref in exclude), "--"
        )
        reached = {}
        for line in lines(output):
            sha, _, ref = os.fsdecode(line).partition(" ")
            reached[sha] = ref
        return reached

    def subjects(self, commits: Sequence[str]) -> dict[str, str]:
        if not commits:
            return {}
        output = self.git("log", "-z", "--no-walk=unsorted", "--format=%H %s", *commits, "--")
        return dict(
            record.decode(errors="replace").partition(" ")[::2]
            for record in output.split(b"\0")
            if record
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
            found[sha] = list(split_trailers(trailers))
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
        output = self.try_git("reflog", "show", "-z", "--format=%H %gs", ref, "--")
        if not output:
            return []
        entries = []
        for record in output.split(b"\0"):
            if not record:
                continue
            sha, _, message = record.decode(errors="replace").partition(" ")
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

        `git merge-tree --write-tree` writes the objects of its result: they go to a temporary
        object directory (the repository's own is only read, as an alternate), so a check stays
        read-only and works for a user who cannot write .git/objects.
        """
        objects = os.fsdecode(
            self.git("rev-parse", "--path-format=absolute", "--git-path", "objects")
        )
        import tempfile  # status and push checks only: a commit's check does not load it

        env = git_environment(self.env)
        alternates = [objects.strip(), *filter(None, [env.get("GIT_ALTERNATE_OBJECT_DIRECTORIES")])]
        with tempfile.TemporaryDirectory(prefix="hotfix-guard-objects-") as scratch:
            env["GIT_OBJECT_DIRECTORY"] = scratch
            env["GIT_ALTERNATE_OBJECT_DIRECTORIES"] = os.pathsep.join(alternates)
            result = subprocess.run(
                git_command(
                    [
                        "merge-tree",
                        "--write-tree",
                        "--name-only",
                        "--no-messages",
                        "-z",
                        ours,
                        theirs,
                    ]
                ),
                cwd=self.root,
                capture_output=True,
                check=False,
                env=env,
            )
        if result.returncode not in (0, 1):
            raise GitError(["merge-tree", ours, theirs], result.returncode, result.stderr)
        # The tree id comes first; then, when it conflicts, one path per conflicted file.
        return split_z(result.stdout)[1:] if result.returncode == 1 else []


def split_trailers(text: str) -> tuple[tuple[str, str], ...]:
    """(key, value) pairs of git's `%(trailers:...,separator=%x1f,key_value_separator=%x1e)`."""
    return tuple(
        (key, value)
        for key, _, value in (item.partition("\x1e") for item in text.split("\x1f"))
        if key
    )
