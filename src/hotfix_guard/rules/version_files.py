"""version-files: every version file in a hotfix tag's tree states the tag's version.

Files skipped (a dynamic version, a file that cannot be read exactly) are not findings: `check-tag
-v` and `status` say which files were found and which were skipped, and why."""

from __future__ import annotations

from hotfix_guard.releases.tags import TagContext
from hotfix_guard.report.findings import Finding


def check_version_files(ctx: TagContext) -> list[Finding]:
    commit = ctx.tag.commit
    if not ctx.hotfix or ctx.version is None or commit is None:
        return []  # a release tag is versioned by its release process, not by a hotfix's finish
    from hotfix_guard.versions.tree import version_of, versions_at

    detection = versions_at(ctx.repo, ctx.config, commit)
    version = version_of(ctx.version)
    return [
        Finding(
            f"states version {spot.version}, but the hotfix tag {ctx.name} releases {version}",
            path=file.path,
            line=spot.line,
            ref=ctx.name,
        )
        for file, spot in detection.stale(version)
    ]
