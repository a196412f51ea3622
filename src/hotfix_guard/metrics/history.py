"""The facts of every hotfix in one repository, read from git alone in a handful of processes.

A hotfix is a merge of a hotfix branch into main (named in the merge's subject, as git-flow and
pull requests write it), a commit on main that a hotfix tag points at, or a hotfix branch not merged
yet (an open incident). Its record comes from the trailers of its own commits and of its tag;
history without trailers (plain git-flow) falls back to its first commit, and says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.landings import Line, LogCommit, TagEntry, read_line, read_tags
from hotfix_guard.git.refs import HEADS, branch_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.due import names_tag
from hotfix_guard.incident.record import (
    DETECTED_KEY,
    OVERRIDE_KEY,
    SEVERITY_KEY,
    parse_time,
)
from hotfix_guard.releases.versions import LOOKS_LIKE_A_RELEASE, Version, parse_version

MITIGATION_KEY = "Mitigation"
# A postmortem larger than this is not read for the tag names it mentions.
POSTMORTEM_READ_LIMIT = 1 << 20


@dataclass(frozen=True)
class Postmortem:
    path: str
    written: int  # Unix time: when it was first committed, or its mtime in the work tree
    committed: bool


# A postmortem file with the start of its text, to find the hotfixes it names.
Written = tuple[str, bytes, Postmortem]


@dataclass(frozen=True)
class Hotfix:
    """One hotfix's facts. Times are Unix seconds; None where git holds no answer."""

    repository: str
    name: str  # its tag, else its branch
    branch: str | None
    tag: str | None
    commit: str  # the merge (or tagged commit) on main; the branch tip of an open one
    severity: str | None
    mitigation: str
    detected: int
    detected_from: str  # "trailer", or "first commit" where no Detected trailer says
    responded: int  # the branch cut: its first commit
    restored: int | None  # the tag, else the merge into main; None while open
    restored_from: str  # "tag", "merge" or "open"
    files: int
    lines: int
    backports: dict[str, int | None] = field(default_factory=dict)  # branch -> arrival
    postmortem: Postmortem | None = None
    overrides: tuple[tuple[str, str], ...] = ()  # (rule, reason)
    # The repository's targets for this hotfix's severity (seconds), and its postmortem's due time
    respond_target: int | None = None
    restore_target: int | None = None
    postmortem_due: int = 48 * 3600


@dataclass(frozen=True)
class Release:
    name: str
    version: Version
    tagged: int
    hotfix: bool


@dataclass(frozen=True)
class RepositoryFacts:
    name: str
    hotfixes: tuple[Hotfix, ...]
    releases: tuple[Release, ...]
    notes: tuple[str, ...]


def read_repository(repo: Repository, config: Config, main: str, name: str) -> RepositoryFacts:
    """Every hotfix and release of REPO, with main as MAIN."""
    from hotfix_guard.git.landings import first_parent_sizes

    with ThreadPoolExecutor(max_workers=3) as pool:  # git works while Python parses
        reading = pool.submit(read_line, repo, main)
        tags_read = pool.submit(read_tags, repo)
        notes: list[str] = []
        backports = pool.submit(_backport_lines, repo, config, notes)
        line, tags = reading.result(), tags_read.result()
    tags_by_landing = _tags_by_landing(line, tags, config)
    found = _hotfixes_on_main(line, tags_by_landing, config)
    sources = _Sources(
        name,
        line,
        first_parent_sizes(repo, (merge for merge, _, _ in found)),
        backports.result(),
        _postmortems(repo, config, main),
    )
    hotfixes = [_hotfix(sources, merge, branch, tag) for merge, branch, tag in found]
    postmortems = sources.postmortems
    hotfixes.extend(_open_hotfixes(repo, config, line, name, postmortems))
    hotfixes = [_with_targets(hotfix, config) for hotfix in hotfixes]
    releases = _releases(tags, config, {h.tag for h in hotfixes if h.tag})
    return RepositoryFacts(name, tuple(hotfixes), tuple(releases), tuple(notes))


def _with_targets(hotfix: Hotfix, config: Config) -> Hotfix:
    policy = config.severity.get(hotfix.severity) if hotfix.severity else None
    respond = policy.respond_within if policy else None
    restore = policy.restore_within if policy else None
    return replace(
        hotfix,
        respond_target=int(respond.total_seconds()) if respond else None,
        restore_target=int(restore.total_seconds()) if restore else None,
        postmortem_due=int(config.postmortem_due.total_seconds()),
    )


def hotfix_branch_in(subject: str, config: Config) -> str | None:
    """The hotfix branch a merge's subject names: `Merge branch 'hotfix/x'`, `Merge pull request
    #1 from org/hotfix/x`, `Merge remote-tracking branch 'origin/hotfix/x' into master`."""
    for word in subject.split():
        parts = word.strip("'\"`,.:;()").split("/")
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if candidate and config.is_hotfix_branch(candidate):
                return candidate
    return None


def _tags_by_landing(line: Line, tags: Sequence[TagEntry], config: Config) -> dict[int, TagEntry]:
    """Release tags on main by the index of the first-parent commit that brought their commit."""
    found: dict[int, TagEntry] = {}
    for tag in sorted(tags, key=lambda tag: tag.tagged):
        index = line.landed_by.get(tag.commit)
        if index is not None and _release_version(tag.name, config) is not None:
            found.setdefault(index, tag)
    return found


def _hotfixes_on_main(
    line: Line, tags: dict[int, TagEntry], config: Config
) -> list[tuple[str, str | None, TagEntry | None]]:
    """(commit on main, hotfix branch, its tag) for each hotfix landed on main, oldest first."""
    prefix = config.tag_message_prefix.strip().lower()
    found = []
    for index, sha in enumerate(line.first_parent):
        commit = line.commits[sha]
        tag = tags.get(index)
        branch = hotfix_branch_in(commit.subject, config) if len(commit.parents) > 1 else None
        tag_says = tag is not None and bool(prefix) and tag.message.lower().startswith(prefix)
        if branch is not None or tag_says or _has(commit.trailers, SEVERITY_KEY):
            found.append((sha, branch, tag))
    return found


@dataclass(frozen=True)
class _Sources:
    """What every hotfix of one repository is read from."""

    repository: str
    main: Line
    sizes: dict[str, tuple[int, int]]  # of each hotfix merge, against main
    backports: dict[str, Line]
    postmortems: list[Written]


def _hotfix(sources: _Sources, sha: str, branch: str | None, tag: TagEntry | None) -> Hotfix:
    merge = sources.main.commits[sha]
    own = sources.main.brought_by(sources.main.landed_by[sha]) or [merge]
    size = sources.sizes.get(sha, (0, 0))
    restored, restored_from = (tag.tagged, "tag") if tag else (merge.committed, "merge")
    name = tag.name if tag else branch or merge.sha[:12]
    arrivals = [merge.sha, *merge.parents[1:], *([tag.commit] if tag else [])]
    return Hotfix(
        repository=sources.repository,
        name=name,
        branch=branch,
        tag=tag.name if tag else None,
        commit=merge.sha,
        restored=restored,
        restored_from=restored_from,
        files=size[0],
        lines=size[1],
        backports={
            name: _arrival(backport, arrivals) for name, backport in sources.backports.items()
        },
        postmortem=_postmortem_for(sources.postmortems, [name, *([branch] if branch else [])]),
        **_record(own, [*merge.trailers, *(tag.trailers if tag else ())]),
    )


def _record(own: Sequence[LogCommit], later: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """The incident fields of a hotfix made of OWN commits (newest first), whose merge and tag add
    the LATER trailers: the newest value of each trailer wins; no Detected trailer, and the first
    commit stands in for the detection."""
    trailers = [pair for commit in reversed(own) for pair in commit.trailers]
    trailers.extend(later)
    first = min(own, key=lambda commit: commit.committed)
    detected = _detected(trailers)
    return {
        "severity": _last(trailers, SEVERITY_KEY),
        "mitigation": (_last(trailers, MITIGATION_KEY) or "hotfix").lower(),
        "detected": detected if detected is not None else first.authored,
        "detected_from": "trailer" if detected is not None else "first commit",
        "responded": first.committed,
        "overrides": _overrides(commit.trailers for commit in own),
    }


def _open_hotfixes(
    repo: Repository,
    config: Config,
    line: Line,
    repository: str,
    postmortems: list[Written],
) -> list[Hotfix]:
    """Hotfix branches not merged into main yet: open incidents, with no restore time."""
    found = []
    for ref, tip in sorted(repo.refs.items()):
        branch = branch_name(ref) if ref.startswith(HEADS) else None
        if branch is None or not config.is_hotfix_branch(branch) or tip in line.landed_by:
            continue
        own = read_line(repo, ref, exclude=line.ref)
        commits = list(own.commits.values())
        if not commits:  # a branch with nothing of its own: no incident yet
            continue
        found.append(
            Hotfix(
                repository=repository,
                name=branch,
                branch=branch,
                tag=None,
                commit=tip,
                restored=None,
                restored_from="open",
                files=0,
                lines=0,
                postmortem=_postmortem_for(postmortems, [branch]),
                **_record(commits),
            )
        )
    return found


def _release_version(name: str, config: Config) -> Version | None:
    version = parse_version(name, config.tag_format)
    if version is None:
        match = LOOKS_LIKE_A_RELEASE.fullmatch(name)
        version = tuple(int(n) for n in match.group(1).split(".")) if match else None
    return version


def _releases(tags: Sequence[TagEntry], config: Config, hotfix_tags: set[str]) -> list[Release]:
    prefix = config.tag_message_prefix.strip().lower()
    releases = []
    for tag in tags:
        version = _release_version(tag.name, config)
        if version is None:
            continue
        says_hotfix = bool(prefix) and tag.message.lower().startswith(prefix)
        releases.append(
            Release(tag.name, version, tag.tagged, tag.name in hotfix_tags or says_hotfix)
        )
    return sorted(releases, key=lambda release: (release.version, release.tagged))


def _backport_lines(repo: Repository, config: Config, notes: list[str]) -> dict[str, Line]:
    lines = {}
    for branch in config.backport_branches:
        ref = next(
            (
                ref
                for ref in (f"{HEADS}{branch}", f"refs/remotes/origin/{branch}")
                if ref in repo.refs
            ),
            None,
        )
        if ref is None:
            notes.append(f"backport branch {branch} not found: its lag is not measured")
            continue
        lines[branch] = read_line(repo, ref)
    return lines


def _arrival(line: Line, commits: Iterable[str]) -> int | None:
    """When the first of COMMITS reached LINE: the committer time of the first-parent commit of
    LINE that brought it; None when none has."""
    indexes = [line.landed_by[sha] for sha in commits if sha in line.landed_by]
    if not indexes:
        return None
    return line.commits[line.first_parent[min(indexes)]].committed


def _postmortems(repo: Repository, config: Config, main: str) -> list[Written]:
    """The postmortems on main (committed) and in the work tree (not committed yet), each with its
    text, for finding the ones that name a hotfix."""
    from hotfix_guard.git.landings import files_added

    directory = config.postmortem_dir
    committed = repo.files_under(main, directory)
    added = files_added(repo, main, directory) if committed else {}
    found: list[Written] = [
        (path, text[:POSTMORTEM_READ_LIMIT], Postmortem(path, added.get(path, 0), True))
        for path, text in sorted(committed.items())
    ]
    root = Path(repo.root) / directory
    if root.is_dir() and not root.is_symlink():
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(repo.root).as_posix()
            if relative in committed or not path.is_file() or path.is_symlink():
                continue
            try:
                with path.open("rb") as handle:
                    text = handle.read(POSTMORTEM_READ_LIMIT)
                written = int(os.stat(path).st_mtime)
            except OSError:
                continue
            found.append((relative, text, Postmortem(relative, written, False)))
    return found


def _postmortem_for(postmortems: list[Written], names: Sequence[str]) -> Postmortem | None:
    for path, text, postmortem in postmortems:
        decoded = text.decode("utf-8", "replace")
        for name in names:
            if names_tag(path.rsplit("/", 1)[-1], name) or names_tag(decoded, name):
                return postmortem
    return None


def _detected(trailers: Sequence[tuple[str, str]]) -> int | None:
    value = _last(trailers, DETECTED_KEY)
    if value is None:
        return None
    try:
        return int(parse_time(value).timestamp())
    except (UsageError, ValueError, OverflowError):  # damaged: the first commit stands in
        return None


def _last(trailers: Sequence[tuple[str, str]], key: str) -> str | None:
    values = [value for name, value in trailers if name.lower() == key.lower() and value]
    return values[-1] if values else None


def _has(trailers: Sequence[tuple[str, str]], key: str) -> bool:
    return _last(trailers, key) is not None


def _overrides(per_commit: Iterable[tuple[tuple[str, str], ...]]) -> tuple[tuple[str, str], ...]:
    """(rule, reason) of every override trailer: `rule[, rule]: reason`."""
    found = []
    for trailers in per_commit:
        for key, value in trailers:
            if key.lower() != OVERRIDE_KEY.lower():
                continue
            rules, _, reason = value.partition(":")
            for rule in rules.split(","):
                if rule.strip():
                    found.append((rule.strip(), reason.strip()))
    return tuple(found)
