"""Tags: the local ones, a pushed one, tag objects, and the tags a remote has (part of the git
layer, see hotfix_guard.git)."""

from __future__ import annotations

import os
from functools import cached_property
from typing import NamedTuple

from hotfix_guard.errors import UsageError
from hotfix_guard.git.process import GitError, GitTimeout, lines
from hotfix_guard.git.repository import Repository

# How long `git ls-remote` may take before check-tag gives up on the remote (ssh, VPN down).
REMOTE_TIMEOUT = 30.0


class TagRef(NamedTuple):
    """One tag: the object it names, whether that is a tag object, and the commit it reaches."""

    name: str
    object_id: str
    annotated: bool
    commit: str | None


class TagObject(NamedTuple):
    """What an annotated tag object says (signature left out)."""

    target: str
    message: str


class TagQueries:
    """Tags: every local tag, a pushed tag, tag objects and dates, the tags a commit holds, the
    tags a remote has; answers are kept for the Repository they are bound to."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def object_type(self, object_id: str) -> str | None:
        output = self.repo.try_git("cat-file", "-t", object_id)
        return output.decode().strip() if output else None

    @cached_property
    def tags(self) -> dict[str, TagRef]:
        """Every local tag by short name."""
        output = self.repo.git(
            "for-each-ref",
            "--format=%(refname:strip=2)%00%(objectname)%00%(objecttype)"
            "%00%(*objectname)%00%(*objecttype)",
            "refs/tags",
        )
        tags = {}
        for line in lines(output):
            name, object_id, kind, target, target_kind = os.fsdecode(line).split("\0")
            if kind == "commit":
                commit: str | None = object_id
            elif kind == "tag" and target_kind == "commit":
                commit = target
            elif kind == "tag":  # a tag of a tag: let git peel it
                commit = self.repo.resolve_commit(object_id)
            else:
                commit = None
            tags[name] = TagRef(name, object_id, kind == "tag", commit)
        return tags

    def tag_ref(self, name: str, object_id: str) -> TagRef:
        """The tag NAME as pushed: OBJECT_ID may differ from (or lack) a local ref of that name."""
        known = self.tags.get(name)
        if known is not None and known.object_id == object_id:
            return known
        kind = self.object_type(object_id)
        commit = self.repo.resolve_commit(object_id) if kind in ("tag", "commit") else None
        return TagRef(name, object_id, kind == "tag", commit)

    def tag_object(self, object_id: str) -> TagObject:
        raw = os.fsdecode(self.repo.git("cat-file", "tag", object_id))
        header, _, message = raw.partition("\n\n")
        target = next(line.split()[1] for line in header.split("\n") if line.startswith("object "))
        for marker in ("-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----"):
            message = message.split(marker, 1)[0]
        return TagObject(target, message.strip())

    @cached_property
    def tag_times(self) -> dict[str, int]:
        """Tag -> when it was made (Unix): the tagger date, or a lightweight tag's commit date."""
        output = self.repo.git(
            "for-each-ref", "--format=%(refname:strip=2)%00%(creatordate:unix)", "refs/tags"
        )
        times = {}
        for line in output.splitlines():
            name, _, when = os.fsdecode(line).partition("\0")
            if when.isdigit():
                times[name] = int(when)
        return times

    def tags_merged_into(self, commit: str) -> list[str]:
        """Tags whose commit is reachable from COMMIT."""
        output = self.repo.git(
            "for-each-ref", "--format=%(refname:strip=2)", f"--merged={commit}", "refs/tags"
        )
        return [os.fsdecode(line) for line in lines(output)]

    def parents_and_subject(self, commit: str) -> tuple[list[str], str]:
        output = self.repo.git("log", "-1", "--format=%P%x00%s", commit, "--")
        parents, _, subject = os.fsdecode(output).rstrip("\n").partition("\0")
        return parents.split(), subject

    def remote_tag_names(self, remote: str, timeout: float | None = None) -> set[str]:
        """Tag names REMOTE has (`git ls-remote --tags --refs`), asked for at most TIMEOUT s
        (default REMOTE_TIMEOUT)."""
        timeout = REMOTE_TIMEOUT if timeout is None else timeout
        try:
            output = self.repo.git("ls-remote", "--tags", "--refs", "--", remote, timeout=timeout)
        except GitError as error:
            raise UsageError(
                f"cannot list the tags of remote {remote!r} ({error.reason}): name the tags to "
                "check (hotfix-guard check-tag v1.2.4) or pass --remote NAME"
            ) from None
        except GitTimeout:
            raise UsageError(
                f"cannot list the tags of remote {remote!r}: `git ls-remote` did not answer "
                f"within {timeout:g} s and was stopped; check the network, or name the tags to "
                "check (hotfix-guard check-tag v1.2.4)"
            ) from None
        names = set()
        for line in lines(output):
            ref = os.fsdecode(line).split("\t", 1)[1]
            names.add(ref.removeprefix("refs/tags/"))
        return names
