"""Moving several refs as one undoable transaction, without ever undoing someone else's work.

The discipline, for any command that moves refs and offers --abort (finish; rollback start):
1. Before a step moves a ref, record the ref's value (`moved_from`, see `moving`) and save that
   record: an interrupt at any later point finds it.
2. Record what the move wrote (`wrote`) as soon as it is made and save it.
3. Undo (`plan_undo`, then `apply_undo`) puts a ref back only while it still holds what the
   transaction wrote, or what a `recognize` callback says the transaction itself was making when
   it stopped (a merge a hook interrupted, a resolution the user committed for it). A ref another
   hand moved since (another work tree's finish, a commit made after the stop) is left as it is
   and named: undo never drops a commit that is not its own. Every move is compare-and-swap
   (`git update-ref REF NEW OLD`), so a ref moved during the undo is not overwritten either.
4. The work tree is reset only when it holds nothing but the transaction's own half-done step:
   other uncommitted edits make undo refuse (see `require_no_foreign_edits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hotfix_guard.errors import UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository

# (ref, its value now) -> True when that value is the transaction's own unfinished work.
Recognize = Callable[[str, str], bool]


@dataclass(frozen=True)
class RefChange:
    ref: str
    now: str | None
    before: str | None


@dataclass(frozen=True)
class UndoPlan:
    restore: tuple[RefChange, ...]  # the transaction's own moves: put back
    left: tuple[RefChange, ...]  # moved by another hand since: kept as they are

    def words(self) -> str:
        """`main, develop put back, v1.2.4 deleted`: what apply_undo did."""
        put_back = [refs.short_name(c.ref) for c in self.restore if c.before is not None]
        deleted = [refs.short_name(c.ref) for c in self.restore if c.before is None]
        parts = [f"{', '.join(put_back)} put back" if put_back else ""]
        parts.append(f"{', '.join(deleted)} deleted" if deleted else "")
        return ", ".join(part for part in parts if part)

    def left_lines(self) -> list[str]:
        return [
            f"  {refs.short_name(c.ref)}: "
            + (f"now at {c.now[:12]}" if c.now else "deleted")
            + (f" (was {c.before[:12]})" if c.before else " (did not exist before)")
            for c in self.left
        ]


def never(ref: str, value: str) -> bool:
    return False


def moving(
    repo: Repository, moved_from: Mapping[str, str | None], names: list[str]
) -> dict[str, str | None]:
    """MOVED_FROM with the present value of each ref in NAMES it does not hold yet (a step run
    again after an interrupt keeps the value from before its first run)."""
    found = dict(moved_from)
    for ref in names:
        if ref not in found:
            # git writes only commits to a branch: asked as the steps ask it, git answers once.
            branch = ref.startswith(refs.HEADS)
            found[ref] = repo.resolve_commit(ref) if branch else repo.resolve_object(ref)
    return found


def plan_undo(
    repo: Repository,
    moved_from: Mapping[str, str | None],
    wrote: Mapping[str, str | None],
    recognize: Recognize = never,
) -> UndoPlan:
    """Sort every ref in MOVED_FROM that moved into the transaction's own (it holds what WROTE
    says, or RECOGNIZE says so) and the others'."""
    restore: list[RefChange] = []
    left: list[RefChange] = []
    for ref, old in moved_from.items():
        now = repo.resolve_object(ref) if ref.startswith("refs/") else None
        if now == old:
            continue
        ours = (ref in wrote and wrote[ref] == now) or (now is not None and recognize(ref, now))
        (restore if ours else left).append(RefChange(ref, now, old))
    return UndoPlan(tuple(restore), tuple(left))


def apply_undo(git: LifecycleGit, plan: UndoPlan, reason: str) -> None:
    for change in plan.restore:
        git.update_ref(change.ref, change.before, change.now, reason)
    git.forget_cached_refs()


def merge_of(repo: Repository, commit: str, first_parent: str | None, merged: str | None) -> bool:
    """COMMIT is the merge of MERGED into FIRST_PARENT (however it was committed)."""
    if first_parent is None or merged is None:
        return False
    output = repo.try_git("rev-list", "--parents", "-n", "1", commit, "--")
    return output is not None and output.decode().split()[1:] == [first_parent, merged]


def require_no_foreign_edits(git: LifecycleGit, own: Callable[[], bool], command: str) -> None:
    """Refuse when tracked files hold uncommitted changes OWN does not recognize as the
    transaction's own half-done step: an undo resets the work tree and would lose them."""
    changed = git.tracked_changes()
    if changed and not own():
        shown = ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
        raise UsageError(
            f"{command}: uncommitted changes in {shown} are not its own and a reset would lose "
            "them: commit them, or stash them (git stash), then run it again"
        )
