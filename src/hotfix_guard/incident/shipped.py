"""What a release tag shipped: the change from the previous release tag on its line to it.

A hotfix tag is meant to ship its hotfix alone. What it really ships is everything between the
previous release and it; `status` and the postmortem say so, with the commits that are not the
hotfix's named: what main had gained before the hotfix's merge (a main fast-forwarded to develop,
a direct commit), postmortems aside (they are committed straight to main, as the postmortem rule
asks, and ship with the next tag).
"""

from __future__ import annotations

from dataclasses import dataclass

from hotfix_guard.config.loader import Config
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.git.walk import Walk
from hotfix_guard.releases.versions import parse_version
from hotfix_guard.report.findings import short_line

SHOWN_COMMITS = 3


@dataclass(frozen=True)
class Shipped:
    """TAG against PREVIOUS: how much, and the commits that are not the hotfix's (newest first)."""

    tag: str
    previous: str
    commits: int
    files: int
    added: int
    removed: int
    foreign: tuple[tuple[str, str], ...]  # (commit, subject)

    def sentence(self) -> str:
        """`v1.2.4 shipped 2 commits since v1.2.3: 1 file (+1 -1 lines), all of them the
        hotfix's` (or which are not)."""
        what = (
            f"{self.tag} shipped {_plural(self.commits, 'commit')} since {self.previous}: "
            f"{_plural(self.files, 'file')} (+{self.added} -{self.removed} lines)"
        )
        if not self.foreign:
            return f"{what}, all of them the hotfix's"
        shown = "; ".join(
            f"{sha[:10]} {short_line(subject)}" for sha, subject in self.foreign[:SHOWN_COMMITS]
        )
        more = len(self.foreign) - SHOWN_COMMITS
        return (
            f"{what}; {_plural(len(self.foreign), 'commit')} of them not the hotfix's: "
            f"{shown}{f' and {more} more' if more > 0 else ''}"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "previous": self.previous,
            "commits": self.commits,
            "files": self.files,
            "added": self.added,
            "removed": self.removed,
            "foreign": [{"commit": sha, "subject": subject} for sha, subject in self.foreign],
        }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def previous_release(queries: TagQueries, config: Config, tag: str, commit: str) -> str | None:
    """The newest release tag (in tag-format, below TAG's version) that COMMIT contains, other
    than one on COMMIT itself."""
    own = parse_version(tag, config.tag_format)
    found = {}
    for name in queries.tags_merged_into(commit):
        version = parse_version(name, config.tag_format)
        ref = queries.tags.get(name)
        if version is None or name == tag or ref is None or ref.commit == commit:
            continue
        if own is None or version < own:
            found[name] = version
    return max(found, key=lambda name: found[name]) if found else None


def shipped(repo: Repository, config: Config, tag: str, commit: str) -> Shipped | None:
    """What TAG (on COMMIT) shipped since the previous release; None for a first release."""
    queries = TagQueries(repo)
    previous = previous_release(queries, config, tag, commit)
    start = queries.tags[previous].commit if previous else None
    if previous is None or start is None:
        return None
    first_parent = repo.resolve_commit(f"{commit}^1")
    commits = [line[0] for line in repo.commits_with_parents(commit, [start])]
    gained = (
        [line[0] for line in repo.commits_with_parents(first_parent, [start])]
        if first_parent
        else []
    )
    postmortems = postmortem_commits(repo, config, gained)
    foreign = [sha for sha in gained if sha not in postmortems]
    subjects = repo.subjects(foreign)
    counts = repo.line_counts(start, commit)
    lines = [count for count in counts.values() if count is not None]
    return Shipped(
        tag=tag,
        previous=previous,
        commits=len(commits),
        files=len(counts),
        added=sum(added for added, _ in lines),
        removed=sum(removed for _, removed in lines),
        foreign=tuple((sha, subjects.get(sha, "")) for sha in foreign),
    )


def postmortem_commits(repo: Repository, config: Config, commits: list[str]) -> set[str]:
    """The COMMITS that only add or change postmortems (files in postmortem-dir): the postmortem
    rule asks for them on main, so they may land there directly and ship with the next tag."""
    if not commits:
        return set()
    folder = config.postmortem_dir.rstrip("/") + "/"
    return {
        commit
        for commit, statuses in repo.statuses_by_commit(Walk.of(commits)).items()
        if statuses and all(path.startswith(folder) and status != "D" for path, status in statuses)
    }
