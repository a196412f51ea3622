"""Commits and tag objects for the incident timeline, read through GitPython.

One `git.Repo` per command: its object database keeps one `git cat-file --batch` process open, so
reading every commit of a hotfix and its tag costs one process, not one per object. Only the
incident commands (postmortem, status-message) import this module: GitPython costs about 120 ms
to import, which no commit hook should pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from types import TracebackType

import git
from git.objects import Commit, TagObject

from hotfix_guard.git.repository import Repository

SIGNATURE_MARKERS = ("-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----")


@dataclass(frozen=True)
class CommitFacts:
    """What the timeline needs of one commit; times are timezone-aware UTC."""

    sha: str
    parents: tuple[str, ...]
    subject: str
    message: str
    author: str
    committed: datetime


@dataclass(frozen=True)
class TagFacts:
    """One tag that reaches a commit: annotated (its tagger date) or lightweight (the commit's)."""

    name: str
    annotated: bool
    commit: str
    tagged: datetime
    message: str  # "" for a lightweight tag; signature left out


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


class History:
    """The objects of one repository, read through one persistent cat-file process."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        # The git dir, not the work tree: under GIT_DIR/GIT_WORK_TREE the work tree has no .git
        # for GitPython to find. Only objects are read, so GitPython's idea of a work tree is moot.
        self._git = git.Repo(repo.git_dir, odbt=git.GitCmdObjectDB)

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the cat-file processes now rather than when the garbage collector gets to them."""
        self._git.close()

    def commit(self, sha: str) -> CommitFacts:
        commit = Commit(self._git, bytes.fromhex(sha))
        message = _text(commit.message)
        return CommitFacts(
            sha=sha,
            parents=tuple(parent.hexsha for parent in commit.parents),
            subject=message.split("\n", 1)[0].strip(),
            message=message,
            author=commit.author.name or "",
            committed=utc(commit.committed_date),
        )

    def commits(self, head: str, exclude: Sequence[str]) -> list[CommitFacts]:
        """The commits of HEAD ^EXCLUDE, oldest first (parents before children)."""
        listed = self.repo.commits_with_parents(head, exclude)
        return [self.commit(line[0]) for line in reversed(listed)]

    def tag(self, name: str) -> TagFacts | None:
        """The tag NAME if it exists and reaches a commit (tags of trees and blobs do not)."""
        reference = git.TagReference(self._git, f"refs/tags/{name}")
        try:
            target = reference.object
            while isinstance(target, TagObject):  # a tag of a tag: follow it to the commit
                target = target.object
        except ValueError:  # no such tag, or a broken ref
            return None
        if not isinstance(target, Commit):
            return None
        tag_object = reference.tag
        if tag_object is None:
            return TagFacts(name, False, target.hexsha, utc(target.committed_date), "")
        message = _tag_message(tag_object.message)
        return TagFacts(name, True, target.hexsha, utc(tag_object.tagged_date), message)


def _text(message: str | bytes) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else message


def _tag_message(message: str | bytes) -> str:
    text = _text(message)
    for marker in SIGNATURE_MARKERS:
        text = text.split(marker, 1)[0]
    return text.strip()
