"""finish and the version files (versions/): plan the bump (step 1), commit it on the hotfix branch
before the merge so the tag's tree states the tag's version, and what each merge owes them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from hotfix_guard.config.loader import Config
from hotfix_guard.git import refs
from hotfix_guard.git.blobs import blobs_at
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.lifecycle.plan import BUMP
from hotfix_guard.lifecycle.state import FinishState
from hotfix_guard.releases.versions import Version
from hotfix_guard.report.findings import display_path
from hotfix_guard.versions.changelog import add_entry, has_entry
from hotfix_guard.versions.detect import Detection, find
from hotfix_guard.versions.locate import VersionFileError, set_version
from hotfix_guard.versions.merge import VersionCare
from hotfix_guard.versions.tree import version_of, versions_at


@dataclass(frozen=True)
class BumpPlan:
    version: str  # what the files will state; "" when finish does not bump
    # Every version file (`path` or `path:key`): bumped, and kept on the backport.
    files: tuple[str, ...]
    commit: bool  # a bump commit is needed: a file states another version, an entry is missing
    notes: tuple[str, ...]
    changelog: str = ""  # the configured changelog, when the tree has it


def plan_bump(
    repo: Repository, config: Config, tip: str, release: Version | None, bump: bool
) -> tuple[BumpPlan, list[str]]:
    """The bump finish will make at TIP for RELEASE, and the problems that stop it (step 1)."""
    detection = versions_at(repo, config, tip)
    specs = tuple(file.spec for file in detection.files)
    notes = list(detection.notes)
    if release is None:
        return BumpPlan("", specs, False, tuple(notes)), []
    version = version_of(release)
    stale = detection.stale(version)
    places = ", ".join(
        f"{display_path(file.path)}:{spot.line} {spot.version}" for file, spot in stale
    )
    if not bump:
        if stale:
            notes.append(
                f"--no-bump: {places} not bumped to {version}: the version-files rule refuses the "
                'tag unless it is off (rules.version-files = "off") or version-files = []'
            )
        return BumpPlan("", specs, False, tuple(notes)), []
    changelog, entry = _plan_changelog(repo, config, tip, version, notes)
    if not stale:
        if detection.files:
            notes.append(f"the version files state {version} already")
        return BumpPlan(version, specs, entry, tuple(notes), changelog), []
    problems = [
        f"{display_path(path)}: cannot bump it exactly ({why}): bump it by hand, or pass --no-bump"
        for path, why in _unwritable(repo, detection, version)
    ]
    notes.append(f"bump to {version}: {places}")
    return BumpPlan(version, specs, True, tuple(notes), changelog), problems


def _plan_changelog(
    repo: Repository, config: Config, tip: str, version: str, notes: list[str]
) -> tuple[str, bool]:
    """(the changelog finish looks after, whether it lacks the entry): ("", False) for none."""
    path = config.changelog
    if not path:
        return "", False
    data = blobs_at(repo, tip, [path]).get(path)
    shown = display_path(path)
    if data is None:
        notes.append(f"{shown}: configured as the changelog, not in the tree: no entry added")
        return "", False
    if has_entry(data, version):
        notes.append(f"{shown} has a {version} entry already")
        return path, False
    notes.append(f"{shown}: the {version} entry goes under its own heading")
    return path, True


def _unwritable(repo: Repository, detection: Detection, version: str) -> list[tuple[str, str]]:
    failed = []
    for file in detection.files:
        try:
            set_version(file.path, file.key, (repo.root / file.path).read_bytes(), version)
        except (OSError, VersionFileError) as error:
            failed.append((file.path, str(error)))
    return failed


def bump_message(state: FinishState) -> str:
    trailers = "".join(f"{key}: {value}\n" for key, value in state.trailers)
    return f"Bump version to {state.version}\n\n{trailers}"


def bump(repo: Repository, state: FinishState) -> FinishState | str:
    """Commit the new version to every version file on the hotfix branch: the new state (its tip
    is the bump commit), or why it cannot."""
    git = LifecycleGit(repo, BUMP)
    branch_ref = refs.local(state.hotfix)
    tip = repo.resolve_commit(branch_ref)
    if tip is None:
        return f"{state.hotfix} was deleted by something else"
    if tip != state.hotfix_tip:
        # The bump made before an interrupt (a descendant stating the version is taken as it).
        if repo.is_ancestor(state.hotfix_tip, tip) and not _at(repo, state, tip).stale(
            state.version
        ):
            return replace(state, hotfix_tip=tip, wrote={**state.wrote, branch_ref: tip})
        return f"{state.hotfix} moved to {tip[:12]} since finish started, without the bump"
    switched = git.switch(state.hotfix)
    if not switched.ok:
        return f"cannot switch to {state.hotfix}: {switched.stderr}"
    files = _at(repo, state, tip).files
    for file in files:
        path = Path(repo.root, file.path)
        # The work tree's bytes (the checkout's line endings), which equal the tip's: it is clean.
        try:
            path.write_bytes(set_version(file.path, file.key, path.read_bytes(), state.version))
        except (OSError, VersionFileError) as error:
            return f"{display_path(file.path)}: cannot bump it: {error}"
    paths = [file.path for file in files]
    if state.changelog:
        written = _add_changelog_entry(repo, state)
        if isinstance(written, str):
            return written
        paths.extend(written)
    git.stage(paths)
    committed = git.commit_message(bump_message(state), allow_empty=False)
    if not committed.ok:
        # The files back as the tip has them: --continue bumps again, --abort finds a clean tree.
        git.restore(paths)
        return f"the commit {bump_message(state).splitlines()[0]!r} was refused: {committed.stderr}"
    bumped = repo.resolve_commit(branch_ref) or tip
    return replace(state, hotfix_tip=bumped, wrote={**state.wrote, branch_ref: bumped})


def _add_changelog_entry(repo: Repository, state: FinishState) -> list[str] | str:
    """The hotfix's entry in the changelog (the paths written), or why it cannot be added."""
    path = Path(repo.root, state.changelog)
    today = datetime.now(timezone.utc).date().isoformat()
    try:
        data = path.read_bytes()
        new = add_entry(data, state.version, today, state.description)
        if new == data:
            return []
        path.write_bytes(new)
    except OSError as error:
        return f"{display_path(state.changelog)}: cannot add the entry: {error.strerror}"
    return [state.changelog]


def _at(repo: Repository, state: FinishState, commit: str) -> Detection:
    return find(lambda paths: blobs_at(repo, commit, paths), state.version_files)


def care_of(state: FinishState, branch: str) -> VersionCare | None:
    """What finish's merge into BRANCH owes the version files: main states the bumped version
    (nothing to do without a bump), a backport branch keeps its own."""
    main = branch == state.main
    if not (state.version_files or state.changelog) or (main and not state.version):
        return None
    source = state.hotfix_tip if main else state.merged or ""
    return VersionCare(
        state.version_files,
        state.version if main else None,
        changelog=state.changelog,
        release=state.version,
        source=source,
    )
