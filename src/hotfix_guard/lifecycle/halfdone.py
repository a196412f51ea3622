"""What a finish step leaves half done when it is interrupted, and how finish recognizes it as
its own: the refs a step moves, the merge it makes, a merge committed with MERGE_HEAD left over,
a whole merge staged but not committed (git killed inside pre-merge-commit)."""

from __future__ import annotations

from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.lifecycle.plan import BACKPORT, BUMP, MERGE_MAIN, TAG
from hotfix_guard.lifecycle.state import FinishState


def refs_moved_by(state: FinishState, step: str) -> list[str]:
    """The refs STEP may move (recorded before it starts, so --abort knows where they were)."""
    if step == BUMP:
        return [refs.local(state.hotfix)]
    if step == MERGE_MAIN:
        return [refs.local(state.main)]
    if step == TAG:
        return [f"{refs.TAGS}{state.tag}"]
    if step.startswith(BACKPORT):
        return [refs.local(step.removeprefix(BACKPORT))]
    return []


def merge_source(state: FinishState, step: str | None) -> tuple[str, str] | None:
    """(branch, commit) of the merge STEP makes, or None for a step that merges nothing."""
    if step == MERGE_MAIN:
        return state.main, state.hotfix_tip
    if step is not None and step.startswith(BACKPORT) and state.merged is not None:
        return step.removeprefix(BACKPORT), state.merged
    return None


def forget_committed_merge(git: LifecycleGit) -> None:
    """A MERGE_HEAD left over after its merge was committed (an interrupt between the commit and
    git's clean-up) would make the next merge, or `git commit`, a second empty merge: drop it."""
    merge_head = git.repo.merge_head()
    if (
        merge_head is not None
        and git.repo.is_ancestor(merge_head, "HEAD")
        and git.index_matches_head()
    ):
        git.forget_merge()


def own_half_merge(git: LifecycleGit, state: FinishState, step: str | None) -> bool:
    """The work tree holds STEP's own merge, whole and uncommitted: HEAD on its branch, MERGE_HEAD
    (if any) its commit, the index and files exactly the merged tree. That is what an interrupt
    inside git merge's hooks leaves (without MERGE_HEAD when pre-merge-commit ran)."""
    source = merge_source(state, step)
    if source is None or git.head_branch() != refs.local(source[0]):
        return False
    if git.repo.merge_head() not in (None, source[1]):
        return False
    head = git.repo.resolve_object("HEAD")
    return head is not None and git.index_is_tree(git.predict_merge(head, source[1]).tree)
