"""Which hotfix tags there are, and which of them still owe a postmortem.

A postmortem is due `postmortem-due` (default 48 h) after the hotfix tag was made. It is there when
a file in `postmortem-dir`, at the commit being judged, names the tag: in its file name or in its
text, as a whole word (`v1.2.4` does not count for `v1.2.40`). Plain git queries only: the push of
main runs this, and GitPython stays out of hooks.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hotfix_guard.config.loader import Config
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.releases.tags import TagContext

# Hotfix tags older than this are not looked at: a repository that adopts the rule is not
# reminded of every hotfix it ever made (the backport rule looks back as far).
WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class HotfixTag:
    name: str
    commit: str
    tagged: datetime  # UTC


@dataclass(frozen=True)
class PostmortemState:
    tag: HotfixTag
    due: datetime
    written: str | None  # the file that names the tag

    def overdue(self, now: datetime) -> bool:
        return self.written is None and now >= self.due


def hotfix_tags(
    repo: Repository,
    config: Config,
    queries: TagQueries,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    among: Collection[str] | None = None,
) -> Iterator[HotfixTag]:
    """The release tags that are hotfix tags (as the tag rules tell them), made between SINCE and
    UNTIL, AMONG these names, newest first. Telling a hotfix tag may cost a git query per tag, so
    the cheap filters come first and the caller may stop early."""
    candidates = []
    for name, tag in queries.tags.items():
        when = queries.tag_times.get(name)
        if tag.commit is None or when is None or (among is not None and name not in among):
            continue
        if (since and when < since.timestamp()) or (until and when > until.timestamp()):
            continue
        candidates.append((when, name, tag))
    for when, name, tag in sorted(candidates, key=lambda item: item[:2], reverse=True):
        context = TagContext(repo, config, tag, queries)
        if context.is_release and context.hotfix is not None and tag.commit is not None:
            yield HotfixTag(name, tag.commit, datetime.fromtimestamp(when, timezone.utc))


def latest_hotfix_tag(repo: Repository, config: Config) -> HotfixTag | None:
    return next(hotfix_tags(repo, config, TagQueries(repo)), None)


def names_tag(text: str, tag: str) -> bool:
    """TAG as a whole word of TEXT: not inside a longer name or version."""
    # Not inside a longer version (v1.2.40, v1.2.4.1) or a pre-release (v1.2.4-rc.1); a file
    # name such as 2026-11-28-v1.2.4.md or v1.2.4-postmortem.md names it.
    after = r"(?!\w|\.\d|-(?:rc|alpha|beta|pre|preview|dev)(?![a-z]))"
    return re.search(rf"(?<![\w.]){re.escape(tag)}{after}", text, re.IGNORECASE) is not None


# How much of a draft in the work tree is read to see whether it names a tag: the tag is in its
# title, so the first MiB is plenty, and a huge file costs no more.
DRAFT_READ_LIMIT = 2**20


def read_draft(path: Path, limit: int = DRAFT_READ_LIMIT) -> bytes | None:
    """The first LIMIT bytes of the regular file PATH; None for anything else (a FIFO, which
    would block a plain read forever, a folder, a device) or a file that cannot be read."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return os.read(descriptor, limit)
    except OSError:
        return None
    finally:
        os.close(descriptor)


def drafts_in(folder: Path) -> dict[str, bytes]:
    """Path (relative to FOLDER) -> the start of each readable regular file below FOLDER."""
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        content = read_draft(path)
        if content is not None:
            found[path.relative_to(folder).as_posix()] = content
    return found


def postmortem_file(files: dict[str, bytes], tag: str) -> str | None:
    """The first file (by path) whose name or text names TAG."""
    for path in sorted(files):
        if names_tag(path.rsplit("/", 1)[-1], tag) or names_tag(
            files[path].decode("utf-8", "replace"), tag
        ):
            return path
    return None


def postmortem_states(
    repo: Repository,
    config: Config,
    head: str,
    now: datetime,
    tags: Sequence[str] = (),
    *,
    due_only: bool = False,
) -> list[PostmortemState]:
    """The hotfix tags on HEAD's history from the last 90 days (or the named TAGS), newest first,
    each with when its postmortem is due and the file in postmortem-dir at HEAD that names it.
    DUE_ONLY leaves out the tags whose postmortem is not due yet (the rule has nothing to say)."""
    queries = TagQueries(repo)
    until = now - config.postmortem_due if due_only else None
    if tags:
        chosen = list(hotfix_tags(repo, config, queries, until=until, among=set(tags)))
    else:
        on_head = set(queries.tags_merged_into(head))
        chosen = list(
            hotfix_tags(repo, config, queries, since=now - WINDOW, until=until, among=on_head)
        )
    if not chosen:
        return []
    files = repo.files_under(head, config.postmortem_dir)
    return [
        PostmortemState(tag, tag.tagged + config.postmortem_due, postmortem_file(files, tag.name))
        for tag in chosen
    ]
