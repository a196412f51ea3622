"""The facts git holds about one hotfix, from its tag: what it changed and when each step happened.

Rows (UTC, each with the commit or tag it comes from), in time order:
- detected: the `Detected:` trailer (the commit, merge or tag that carries it);
- branch cut: the merge base of the hotfix branch and main. git keeps no time for making a branch,
  so the row carries the time of the commit it was cut from;
- each commit of the hotfix branch (committer time);
- merged into main: the merge commit the tag points at;
- tagged: the tag's date, which is when the fix was released: restored;
- each backport: the first commit on a backport branch's first-parent chain that contains the fix.
A tag on a commit that is not a merge (a squash merge, or a fix committed on main) has no branch in
history: its one commit stands for the whole hotfix, and there is no branch-cut row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from hotfix_guard import scope as scopes
from hotfix_guard.backport.merges import merged_branch
from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.history import CommitFacts, History, TagFacts, utc
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk
from hotfix_guard.incident.clocks import Clock, response_clock, restore_clock
from hotfix_guard.incident.record import IncidentRecord, commit_records, record_from_trailers

EventKind = Literal["detected", "branch-cut", "commit", "merged", "tagged", "backport"]
# Rows at the same second keep the order of the process.
EVENT_ORDER: tuple[EventKind, ...] = (
    "detected",
    "branch-cut",
    "commit",
    "merged",
    "tagged",
    "backport",
)


@dataclass(frozen=True)
class Event:
    time: datetime
    kind: EventKind
    what: str
    ref: str  # the commit (12 hex digits) or the tag


@dataclass(frozen=True)
class Hotfix:
    """One released hotfix as git tells it."""

    tag: TagFacts
    description: str
    notes: str  # the tag message's other paragraphs, its trailers left out
    record: IncidentRecord
    branch: str | None  # None: no branch in history (squash merge or a commit on main)
    base: str | None  # where the change starts (the branch cut, or the squash's parent)
    tip: str  # where the change ends
    merge: CommitFacts | None
    commits: tuple[CommitFacts, ...]
    files: tuple[str, ...]
    added: int
    removed: int
    events: tuple[Event, ...]

    @property
    def restored(self) -> datetime:
        return self.tag.tagged

    @property
    def first_response(self) -> datetime | None:
        """The first response recorded in git: the branch's first commit (start's, when start
        cut the branch), or the one commit of a squash."""
        return self.commits[0].committed if self.commits else None


def short(sha: str) -> str:
    return sha[:12]


def hotfix_clocks(hotfix: Hotfix, config: Config) -> tuple[Clock, Clock]:
    """The response and restore clocks of a released hotfix: both stopped."""
    record, tagged = hotfix.record, hotfix.restored
    return (
        response_clock(config, record, hotfix.first_response, tagged),
        restore_clock(config, record, tagged, tagged),
    )


def description_of(tag: TagFacts, config: Config, branch: str | None) -> str:
    """The tag message's first line without `Hotfix: `, else the branch's words, else the tag."""
    first = tag.message.split("\n", 1)[0].strip()
    prefix = config.tag_message_prefix.strip()
    if prefix and first.lower().startswith(prefix.lower()):
        first = first[len(prefix) :].strip()
    if first:
        return first
    if branch:
        return branch.rsplit("/", 1)[-1].replace("-", " ")
    return tag.name


def tag_notes(message: str, has_trailers: bool) -> str:
    """The paragraphs after the first line; git reads trailers from the last paragraph only."""
    paragraphs = [p.strip() for p in message.split("\n\n")[1:] if p.strip()]
    if has_trailers and paragraphs:
        paragraphs.pop()
    return "\n\n".join(paragraphs)


def build(repo: Repository, history: History, config: Config, tag_name: str) -> Hotfix:
    tag = history.tag(tag_name)
    if tag is None:
        raise UsageError(
            f"no tag {tag_name!r} that points at a commit (git tag --list shows the tags)"
        )
    tagged = history.commit(tag.commit)
    if len(tagged.parents) >= 2:
        merge: CommitFacts | None = tagged
        before, tip = tagged.parents[0], tagged.parents[1]
        base = repo.merge_base(tip, [before])
        commits = history.commits(tip, [before])
        named = merged_branch(tagged.subject)
        branch: str | None = named or "the merged branch"
    else:
        merge, tip, commits, branch, named = None, tagged.sha, [tagged], None, None
        base = tagged.parents[0] if tagged.parents else None
    tag_trailers = repo.message_trailers(tag.message.encode()) if tag.message else []
    record, detected_in = _record(repo, commits, merge, tag, tag_trailers)
    changes = repo.file_changes(base, tip) if base else []
    events = [
        *([Event(record.detected, "detected", "detected", detected_in)] if record.detected else []),
        *_cut(history, base, branch, merge),
        *(Event(c.committed, "commit", f"commit: {c.subject}", short(c.sha)) for c in commits),
        *(
            [Event(merge.committed, "merged", f"{branch} merged into main", short(merge.sha))]
            if merge
            else []
        ),
        Event(tag.tagged, "tagged", f"tagged {tag.name}: restored", tag.name),
        *_backports(repo, history, config, tip),
    ]
    events.sort(key=lambda event: (event.time, EVENT_ORDER.index(event.kind)))
    return Hotfix(
        tag=tag,
        description=description_of(tag, config, named),
        notes=tag_notes(tag.message, bool(tag_trailers)),
        record=record,
        branch=branch if merge else None,
        base=base,
        tip=tip,
        merge=merge,
        commits=tuple(commits),
        files=tuple(change.path for change in changes),
        added=sum(change.added for change in changes),
        removed=sum(change.removed for change in changes),
        events=tuple(events),
    )


def _record(
    repo: Repository,
    commits: Sequence[CommitFacts],
    merge: CommitFacts | None,
    tag: TagFacts,
    tag_trailers: list[tuple[str, str]],
) -> tuple[IncidentRecord, str]:
    """The record of the branch's commits, then the merge's, then the tag's (newer wins), and
    the commit or tag whose trailer first recorded the detection time."""
    sources = [
        (short(sha), record)
        for sha, record in (
            commit_records(repo, commits[-1].sha, commits[0].parents) if commits else []
        )
    ]
    if merge is not None:
        trailers = repo.message_trailers(merge.message.encode())
        sources.append((short(merge.sha), record_from_trailers(trailers)))
    if tag_trailers:
        sources.append((tag.name, record_from_trailers(tag_trailers)))
    record, detected_in = IncidentRecord(), ""
    for source, newer in sources:
        if newer.detected is not None and newer.detected != record.detected:
            detected_in = source
        record = record.updated(newer)
    return record, detected_in


def _cut(
    history: History, base: str | None, branch: str | None, merge: CommitFacts | None
) -> list[Event]:
    if base is None or branch is None or merge is None:
        return []
    commit = history.commit(base)
    what = f"{branch} cut from main (the time of the commit it starts from)"
    return [Event(commit.committed, "branch-cut", what, short(base))]


def _backports(repo: Repository, history: History, config: Config, tip: str) -> list[Event]:
    """Per backport branch, the first commit of its first-parent chain that contains TIP."""
    events = []
    for name in config.backport_branches:
        refs = scopes.copies_of(repo, name)
        if not refs:
            continue
        walk = Walk(tips=(refs[0],), exclude=(tip,), first_parent=True)
        chain = repo.first_parent_log(walk)  # newest first
        if not chain or not repo.is_ancestor(tip, chain[0].sha):
            continue
        # Containing TIP is monotone along a first-parent chain: bisect for the first that does.
        low, high = 0, len(chain) - 1  # chain[low] contains TIP; find the oldest that does
        while low < high:
            middle = (low + high + 1) // 2
            if repo.is_ancestor(tip, chain[middle].sha):
                low = middle
            else:
                high = middle - 1
        landed = chain[low]
        events.append(
            Event(utc(landed.committed), "backport", f"backported to {name}", short(landed.sha))
        )
    return events
