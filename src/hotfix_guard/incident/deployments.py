"""Recent deployments, as git records them: the release tags on main.

A release is a tag that `tag-format` reads a version from and whose commit main reaches. They
are listed newest first by version (a hotfix tag of an older line made later does not pass a
newer release), each with its tag time. Rollback and assess both start from this list: the
release before the newest is the last known good one, unless the engineer names another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.releases.versions import Version, parse_version


@dataclass(frozen=True)
class Release:
    name: str
    commit: str
    version: Version
    tagged: datetime  # UTC: the tagger date (a lightweight tag: its commit's)


def releases_on(repo: Repository, config: Config, head: str) -> list[Release]:
    """The release tags HEAD reaches, newest version first."""
    queries = TagQueries(repo)
    reached = set(queries.tags_merged_into(head))
    found = []
    for name in reached:
        tag = queries.tags.get(name)
        version = parse_version(name, config.tag_format)
        when = queries.tag_times.get(name)
        if tag is None or tag.commit is None or version is None or when is None:
            continue
        found.append(Release(name, tag.commit, version, datetime.fromtimestamp(when, timezone.utc)))
    return sorted(found, key=lambda release: (release.version, release.tagged), reverse=True)


def last_good(releases: list[Release], named: str | None, main: str) -> Release:
    """The release NAMED (`--good`), else the one before the newest."""
    if named is not None:
        chosen = next((release for release in releases if release.name == named), None)
        if chosen is None:
            known = ", ".join(release.name for release in releases[:5]) or "none"
            raise UsageError(f"--good {named}: not a release tag on {main} (the newest: {known})")
        return chosen
    if len(releases) < 2:
        raise UsageError(
            f"{main} has {len(releases)} release tag(s): no release before the newest to go back "
            "to; name the last known good one with --good TAG"
        )
    return releases[1]
