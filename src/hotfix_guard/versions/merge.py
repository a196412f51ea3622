"""finish's merges and the version files: main ends up stating the tag's version, a backport
branch keeps its own. A conflict that is only about version lines is resolved that way and
reported; any other conflict is left for the user, as any merge conflict is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hotfix_guard.git.blobs import blobs_at, index_stages, merge_file
from hotfix_guard.git.lifecycle import LifecycleGit, Outcome
from hotfix_guard.git.repository import Repository
from hotfix_guard.report.findings import display_path
from hotfix_guard.versions.detect import VersionFile, find
from hotfix_guard.versions.locate import VersionFileError, set_version


@dataclass(frozen=True)
class VersionCare:
    """The version files of a merge, and the version they must state after it (None: the
    version the checked-out branch stated before it: a backport keeps its own)."""

    files: tuple[str, ...]
    version: str | None


def settle(
    repo: Repository, git: LifecycleGit, care: VersionCare, head: str, merged: Outcome
) -> tuple[Outcome, list[str]]:
    """After `git merge` of something into HEAD (the commit it was at): every version file states
    the version CARE asks for. Resolves conflicts only about version lines, commits the merge
    when none is left, amends a merge made already; returns the outcome and what it did."""
    in_progress = git.merge_in_progress()
    if not merged.ok and not in_progress:
        return merged, []  # the merge failed before it started: nothing to settle
    ours = find(lambda paths: blobs_at(repo, head, paths), care.files).files
    unmerged = set(git.unmerged_paths()) if in_progress else set()
    notes: list[str] = []
    fixed: list[str] = []
    for file in ours:
        wanted = care.version or file.spots[0].version
        result = _settled(repo, file, wanted, file.path in unmerged)
        if result is not None:
            Path(repo.root, file.path).write_bytes(result)
            fixed.append(file.path)
            how = "a conflict only about its version lines" if file.path in unmerged else "it"
            notes.append(f"{display_path(file.path)}: resolved {how}: it states {wanted}")
    if fixed:
        git.stage(fixed)
    if in_progress and not git.unmerged_paths():
        return git.commit_staged(amend=False), notes
    if not in_progress and fixed:
        return git.commit_staged(amend=True), notes
    return merged, notes


def _settled(repo: Repository, file: VersionFile, wanted: str, conflicted: bool) -> bytes | None:
    """FILE's merged content stating WANTED; None when it states it already, or when its
    conflict is about more than the version."""
    try:
        if conflicted:
            stages = index_stages(repo, file.path)
            if set(stages) != {1, 2, 3}:
                return None  # added or deleted on one side: not a version-line conflict
            base, ours, theirs = (_with(file, stages[n], wanted) for n in (1, 2, 3))
            return merge_file(ours, base, theirs)
        current = Path(repo.root, file.path).read_bytes()
        updated = set_version(file.path, file.key, current, wanted)
        return None if updated == current else updated
    except (OSError, VersionFileError):
        return None


def _with(file: VersionFile, content: bytes, wanted: str) -> bytes:
    """CONTENT stating WANTED; as it is when it states none (a base older than its version)."""
    try:
        return set_version(file.path, file.key, content, wanted)
    except VersionFileError:
        return content
