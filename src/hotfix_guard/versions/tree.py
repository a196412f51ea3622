"""The version files of a commit: the one place the rule, finish, status and check-tag read them."""

from __future__ import annotations

from hotfix_guard.config.loader import Config
from hotfix_guard.git.blobs import blobs_at
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagRef
from hotfix_guard.report.findings import Report
from hotfix_guard.versions.detect import Detection, find


def versions_at(repo: Repository, config: Config, commit: str) -> Detection:
    """The version files at COMMIT: configured (version-files), else detected."""
    return find(lambda paths: blobs_at(repo, commit, paths), config.version_files)


def version_of(numbers: tuple[int, ...]) -> str:
    """A tag's version as files state it: (1, 2, 4) -> `1.2.4`."""
    return ".".join(str(number) for number in numbers)


def version_notes(repo: Repository, config: Config, tag: TagRef, report: Report) -> Report:
    """REPORT with a note of the version files in TAG's tree (`check-tag -v`)."""
    if tag.commit is None:
        return report
    detection = versions_at(repo, config, tag.commit)
    lines = [f"{tag.name}: {detection.summary()}"]
    lines.extend(f"{tag.name}: {note}" for note in detection.notes)
    # A clean pass prints its summary alone (stages.emit): the lines go before it there too.
    summary = "\n".join((*lines, report.summary)) if report.summary else None
    return report._replace(notes=(*report.notes, *lines), summary=summary)
