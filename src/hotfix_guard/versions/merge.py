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
from hotfix_guard.versions.changelog import has_entry, insert, section
from hotfix_guard.versions.detect import VersionFile, find
from hotfix_guard.versions.locate import VersionFileError, set_version


@dataclass(frozen=True)
class VersionCare:
    """The version files of a merge, and the version they must state after it (None: the
    version the checked-out branch stated before it: a backport keeps its own)."""

    files: tuple[str, ...]
    version: str | None
    # The changelog, the version whose entry it must hold, and the commit merged (which has it).
    changelog: str = ""
    release: str = ""
    source: str = ""


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
    if care.changelog and care.release and care.source:
        entry = _settled_changelog(repo, care, care.changelog in unmerged)
        if entry is not None:
            Path(repo.root, care.changelog).write_bytes(entry)
            fixed.append(care.changelog)
            how = "a conflict only about the entry" if care.changelog in unmerged else "it"
            notes.append(
                f"{display_path(care.changelog)}: resolved {how}: the {care.release} entry "
                "below its own unreleased changes"
            )
    if fixed:
        git.stage(fixed)
    # Staging a settled file can only take an unmerged path away: none before, none now.
    if in_progress and not (unmerged and git.unmerged_paths()):
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


def _settled_changelog(repo: Repository, care: VersionCare, conflicted: bool) -> bytes | None:
    """The changelog with the release's entry (as the merged commit has it) below the branch's
    own unreleased changes; None when it has it already or the conflict is about more."""
    path = care.changelog
    block = section(blobs_at(repo, care.source, [path]).get(path, b""), care.release)
    if block is None:
        return None

    def with_entry(content: bytes) -> bytes:
        return content if has_entry(content, care.release) else insert(content, block)

    if conflicted:
        stages = index_stages(repo, path)
        if set(stages) != {1, 2, 3}:
            return None
        return merge_file(with_entry(stages[2]), with_entry(stages[1]), stages[3])
    try:
        current = Path(repo.root, path).read_bytes()
    except OSError:
        return None
    return None if has_entry(current, care.release) else insert(current, block)


def _with(file: VersionFile, content: bytes, wanted: str) -> bytes:
    """CONTENT stating WANTED; as it is when it states none (a base older than its version)."""
    try:
        return set_version(file.path, file.key, content, wanted)
    except VersionFileError:
        return content
