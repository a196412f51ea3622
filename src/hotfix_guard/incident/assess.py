"""`hotfix-guard assess`: the runbook's first steps, read from git. Read-only.

"Review recent deployments": the release tags on main, newest first, with their times; with
`--detected`, the last one made before the detection is marked. "Review recent changes /
Identify affected components / Determine blast radius": every commit between the last known good
release (`--good`, else the last release before the detection, else the release before the
newest) and main's tip, with its author, the release that shipped it, and its files grouped by
component: the owners CODEOWNERS gives a file where there is one, else its top-level directory.
`--path` narrows to paths or components: the commits that touched them come first, as suspects.
The reverts and hotfix merges already on that line are named, so nobody reverts twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from hotfix_guard.backport.merges import merged_branch
from hotfix_guard.config.globs import PathMatcher
from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.commits import ChangedCommit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.deployments import Release, last_good, releases_on
from hotfix_guard.incident.record import format_time

CODEOWNERS = ("CODEOWNERS", ".github/CODEOWNERS", ".gitlab/CODEOWNERS", "docs/CODEOWNERS")
SHOWN_RELEASES = 10
ROOT_COMPONENT = "(top level)"


@dataclass(frozen=True)
class Suspect:
    commit: ChangedCommit
    shipped_in: str | None  # the first release that contains it; None: not released yet
    kind: str  # "commit", "revert", "hotfix" (a merge of a hotfix branch) or "merge"
    suspect: bool  # it touched the narrowed paths or components


@dataclass(frozen=True)
class Assessment:
    main: str
    tip: str
    releases: tuple[Release, ...]
    last_before_detection: str | None
    good: Release
    changes: tuple[Suspect, ...]  # suspects first, then newest first
    components: dict[str, tuple[str, ...]]  # component -> its changed files
    narrowed: tuple[str, ...]


def assess(
    repo: Repository, config: Config, main: tuple[str, str], narrow: Sequence[str],
    detected: datetime | None, good: str | None,
) -> Assessment:  # fmt: skip
    name, tip = main
    releases = releases_on(repo, config, tip)
    if not releases:
        raise UsageError(f"{name} has no release tag: assess starts from the releases")
    before = [r for r in releases if detected is not None and r.tagged <= detected]
    last_before = before[0].name if before else None
    # The last release before the detection is the likely culprit: the one before it was good.
    candidates = before or releases
    if good is not None:
        chosen = last_good(releases, good, name)
    else:
        chosen = candidates[1] if len(candidates) > 1 else candidates[0]
    commits = repo.commits_with_files(tip, [chosen.commit])
    owners = _owners(repo, tip)
    shipped = _shipped_in(repo, releases, chosen, tip)
    matcher = PathMatcher(tuple(narrow)) if narrow else None
    changes = [
        Suspect(commit, shipped.get(commit.sha), _kind(config, commit),
                _touches(commit, matcher, narrow, owners))
        for commit in commits
    ]  # fmt: skip
    changes.sort(key=lambda change: not change.suspect)  # stable: newest first within each
    components: dict[str, set[str]] = {}
    for change in changes:
        for path in change.commit.files:
            components.setdefault(_component(path, owners), set()).add(path)
    return Assessment(
        main=name,
        tip=tip,
        releases=tuple(releases),
        last_before_detection=last_before,
        good=chosen,
        changes=tuple(changes),
        components={key: tuple(sorted(paths)) for key, paths in sorted(components.items())},
        narrowed=tuple(narrow),
    )


def _kind(config: Config, commit: ChangedCommit) -> str:
    if len(commit.parents) > 1:
        branch = merged_branch(commit.subject)
        return "hotfix" if branch and config.is_hotfix_branch(branch) else "merge"
    if commit.subject.startswith("Revert ") or "This reverts commit " in commit.body:
        return "revert"
    return "commit"


def _touches(
    commit: ChangedCommit,
    matcher: PathMatcher | None,
    narrow: Sequence[str],
    owners: list[tuple[PathMatcher, str]],
) -> bool:
    if matcher is None:
        return False
    return any(
        matcher.match(path) is not None or _component(path, owners) in narrow
        for path in commit.files
    )


def _shipped_in(
    repo: Repository, releases: list[Release], good: Release, tip: str
) -> dict[str, str]:
    """Commit -> the oldest release after GOOD that contains it."""
    newer = [r for r in reversed(releases) if r.version > good.version]  # oldest first
    found: dict[str, str] = {}
    floor = [good.commit]
    for release in newer:
        for sha, *_ in repo.commits_with_parents(release.commit, floor):
            found.setdefault(sha, release.name)
        floor = [*floor, release.commit]
    return found


def _owners(repo: Repository, tip: str) -> list[tuple[PathMatcher, str]]:
    """CODEOWNERS at TIP as (pattern, owners), last rule first (the last match wins)."""
    files = repo.files_at(tip, CODEOWNERS)
    text = next((files[name] for name in CODEOWNERS if name in files), None)
    rules = []
    for line in (text or b"").decode("utf-8", "replace").splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            rules.append((PathMatcher((words[0],)), " ".join(words[1:])))
    return list(reversed(rules))


def _component(path: str, owners: list[tuple[PathMatcher, str]]) -> str:
    for matcher, who in owners:
        if matcher.match(path) is not None:
            return who
    return path.split("/", 1)[0] + "/" if "/" in path else ROOT_COMPONENT


def parse_since(releases: Sequence[Release], since: datetime | None) -> list[Release]:
    shown = [r for r in releases if since is None or r.tagged >= since]
    return shown[:SHOWN_RELEASES] if since is None else shown


def summary_line(found: Assessment) -> str:
    """What start prints: the last good release and how many changes came since."""
    reverts = sum(1 for change in found.changes if change.kind == "revert")
    hotfixes = sum(1 for change in found.changes if change.kind == "hotfix")
    newest = found.releases[0]
    return (
        f"Assess: newest release {newest.name} ({_minute(newest.tagged)} UTC); "
        f"{len(found.changes)} commit(s) on {found.main} since {found.good.name}, "
        f"{reverts} revert(s), {hotfixes} hotfix(es): hotfix-guard assess"
    )


def _minute(moment: datetime) -> str:
    return f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M}"


def render_text(found: Assessment, since: datetime | None) -> str:
    lines = [f"Recent releases on {found.main} (newest first):"]
    for release in parse_since(found.releases, since):
        marks = [
            *(["last before detection"] if release.name == found.last_before_detection else []),
            *(["last known good"] if release.name == found.good.name else []),
        ]
        mark = f"  <- {', '.join(marks)}" if marks else ""
        lines.append(
            f"  {release.name}  {_minute(release.tagged)} UTC  {release.commit[:12]}{mark}"
        )
    lines.append("")
    narrowed = f", suspects (touching {', '.join(found.narrowed)}) first" if found.narrowed else ""
    lines.append(
        f"Changes since {found.good.name} ({len(found.changes)} commits to {found.main} at "
        f"{found.tip[:12]}{narrowed}):"
    )
    for change in found.changes:
        commit = change.commit
        flags = [
            *(["SUSPECT"] if change.suspect else []),
            *([change.kind] if change.kind != "commit" else []),
            change.shipped_in or "unreleased",
        ]
        when = _minute(datetime.fromtimestamp(commit.committed, timezone.utc))
        lines.append(
            f"  {commit.sha[:12]} {when} {commit.author}: {commit.subject} [{', '.join(flags)}]"
        )
    lines.append("")
    lines.append("Files by component:")
    for component, paths in found.components.items():
        lines.append(f"  {component} ({len(paths)}): {', '.join(paths)}")
    for kind, title in (("revert", "Reverts"), ("hotfix", "Hotfixes")):
        named = [c.commit for c in found.changes if c.kind == kind]
        listed = ", ".join(f"{c.sha[:12]} {c.subject}" for c in named) or "none"
        lines.append(f"{title} already on this line: {listed}")
    return "\n".join(lines)


def render_json(found: Assessment, since: datetime | None) -> str:
    def commit_json(change: Suspect) -> dict[str, Any]:
        commit = change.commit
        return {
            "commit": commit.sha,
            "author": commit.author,
            "committed": format_time(datetime.fromtimestamp(commit.committed, timezone.utc)),
            "subject": commit.subject,
            "kind": change.kind,
            "suspect": change.suspect,
            "shipped_in": change.shipped_in,
            "files": list(commit.files),
        }

    return json.dumps(
        {
            "main": found.main,
            "tip": found.tip,
            "releases": [
                {"tag": r.name, "commit": r.commit, "tagged": format_time(r.tagged)}
                for r in parse_since(found.releases, since)
            ],
            "last_before_detection": found.last_before_detection,
            "last_known_good": found.good.name,
            "narrowed_to": list(found.narrowed),
            "changes": [commit_json(change) for change in found.changes],
            "components": {key: list(paths) for key, paths in found.components.items()},
        },
        indent=2,
        ensure_ascii=False,
    )
