"""`hotfix-guard finish`: merge, tag, backport and push a hotfix as one transaction.

Step 1 (plan.py) checks everything and records every ref finish may move. Then each step runs in
turn; the state file is saved before a step starts and after it ends, so a conflict, a failure
or Ctrl-C at any point stops with a state that `--continue` resumes and `--abort` undoes. Each
step first looks at whether its work is done already (the user resolved a conflict and committed,
with `git commit` or anything else), so running a step again never does it twice.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import replace
from typing import Literal

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import CommandStopped, UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.lifecycle import state as states
from hotfix_guard.lifecycle import transaction
from hotfix_guard.lifecycle.abort import abort, remote_has_push
from hotfix_guard.lifecycle.bump import bump, care_of
from hotfix_guard.lifecycle.guards import foreign_on_main, hand_merge_failure
from hotfix_guard.lifecycle.halfdone import (
    forget_committed_merge,
    own_half_merge,
    refs_moved_by,
)
from hotfix_guard.lifecycle.plan import (
    BACKPORT,
    BUMP,
    CLEANUP,
    MERGE_MAIN,
    PUSH,
    TAG,
    FinishOptions,
    describe_step,
    make_plan,
    push_refspecs_names,
    render_plan,
)
from hotfix_guard.lifecycle.state import FinishState
from hotfix_guard.report.findings import display_path
from hotfix_guard.versions.merge import settle

Echo = Callable[[str], None]
# A step: (repo, state, step, resumed: an earlier run stopped inside it) -> the state after it.
Step = Callable[[Repository, FinishState, str, bool], FinishState]
Mode = Literal["run", "dry-run", "continue", "abort"]


class Stopped(Exception):
    """A step could not complete; the state is saved. `merge` says a merge is in progress."""

    def __init__(self, step: str, reason: str, merge: bool = False) -> None:
        super().__init__(reason)
        self.step, self.reason, self.merge = step, reason, merge


class FinishStopped(CommandStopped):
    """A step stopped with the state saved; the error boundary says so (exit 1)."""


def finish_command(
    repo: Repository, config: Config, mode: Mode, options: FinishOptions, echo: Echo, warn: Echo
) -> int:
    """The finish command: its exit status (0 done; abort's own). Progress goes to ECHO, abort's
    warnings to WARN (the CLI's stdout and stderr); a stop is raised (CommandStopped: exit 1)."""
    if mode == "abort":
        return abort(repo, require_state(repo, "--abort"), echo, warn)
    # finish asks git the same things in many places; an answer is reused while it holds.
    with repo.remembering():
        if mode == "continue":
            run(repo, require_state(repo, "--continue"), echo)
            return 0
        return _start(repo, config, mode == "dry-run", options, echo)


def _start(
    repo: Repository, config: Config, dry_run: bool, options: FinishOptions, echo: Echo
) -> int:
    saved = states.load(repo.git_dir)
    if saved is not None:
        raise UsageError(
            f"a finish of {saved.hotfix} is in progress in this work tree: "
            "hotfix-guard finish --continue, or hotfix-guard finish --abort"
        )
    plan = make_plan(repo, config, options)
    if dry_run:
        echo("\n".join([*render_plan(plan), "dry run: nothing was changed"]))
        return 0
    for note in plan.notes:
        echo(f"note: {note}")
    run(repo, states.save(repo.git_dir, plan.state), echo)
    return 0


def run(repo: Repository, state: FinishState, echo: Echo) -> None:
    """Run the steps not done yet; remove the state file when the last one is."""
    git_dir = repo.git_dir
    try:
        while (step := state.next_step) is not None:
            resumed = state.current == step  # an earlier run stopped inside this step
            moving = transaction.moving(repo, state.moved_from, refs_moved_by(state, step))
            state = states.save(git_dir, state.started(step, moving))
            try:
                forget_committed_merge(LifecycleGit(repo, step))
                state = _step_function(step)(repo, state, step, resumed)
            except Stopped as stop:
                raise FinishStopped(stop_message(state, stop)) from None
            state = states.save(git_dir, state.finished(step))
            echo(f"done: {describe_step(state, step)}")
            after_step(step)
    except KeyboardInterrupt:
        # The state file says what was done; the step running (if any) is redone or undone.
        echo(interrupted_message(state))
        raise
    states.remove(git_dir)
    echo(summary(state))


def after_step(step: str) -> None:
    """Between two steps. Nothing happens here: the tests replace it to interrupt finish."""


# --- the steps ---------------------------------------------------------------------------------


def _merge_main(repo: Repository, state: FinishState, step: str, resumed: bool) -> FinishState:
    git = LifecycleGit(repo, step)
    main_ref = refs.local(state.main)
    main_tip = repo.resolve_commit(main_ref)
    before = state.before[main_ref]
    if (
        main_tip is not None
        and before is not None
        and main_tip != before
        and repo.is_ancestor(state.hotfix_tip, main_tip)
    ):
        # Merged, by us or by the user's own commit: a resolution by hand is tested first.
        failure = hand_merge_failure(repo, state.main, main_tip, before, state.hotfix_tip)
        if failure:
            raise Stopped(step, failure)
        return replace(state, merged=main_tip, wrote={**state.wrote, main_ref: main_tip})
    notes = _merge(git, state, state.main, state.hotfix_tip, main_message(state), step)
    merged = repo.resolve_commit(main_ref)
    return replace(
        state, merged=merged, wrote={**state.wrote, main_ref: merged}, version_notes=notes
    )


def _tag(repo: Repository, state: FinishState, step: str, resumed: bool) -> FinishState:
    git = LifecycleGit(repo, step)
    assert state.merged is not None
    tag_ref = f"{refs.TAGS}{state.tag}"
    existing = repo.resolve_commit(tag_ref)
    if existing is not None and existing != state.merged:
        raise Stopped(
            step,
            f"tag {state.tag} appeared meanwhile at {existing[:12]}; it is not this finish's "
            "(another finish took that release?): abort and finish again for the next one",
        )
    if existing is None:  # else made before an interrupt
        made = git.tag_annotated(state.tag, state.merged, tag_message(state))
        if not made.ok:
            raise Stopped(step, f"git tag refused: {made.stderr}")
    return replace(state, wrote={**state.wrote, tag_ref: repo.resolve_object(tag_ref)})


def _backport(repo: Repository, state: FinishState, step: str, resumed: bool) -> FinishState:
    git = LifecycleGit(repo, step)
    branch = step.removeprefix(BACKPORT)
    tagged = repo.resolve_commit(f"{refs.TAGS}{state.tag}")
    if tagged is None:
        raise Stopped(step, f"tag {state.tag}, made at step 2, was deleted by something else")
    branch_ref = refs.local(branch)
    tip = repo.resolve_commit(branch_ref)
    before = state.before[branch_ref]
    if tip is None or not repo.is_ancestor(tagged, tip):
        message = (
            f"Merge tag '{state.tag}' into {branch}: backport of {state.hotfix}\n\n"
            + trailer_block(state)
        )
        # by its full name: not a branch of that name
        notes = _merge(git, state, branch, f"{refs.TAGS}{state.tag}", message, step)
        state = replace(state, version_notes=(*state.version_notes, *notes))
    elif before is not None:  # merged, by us or by the user's own commit
        failure = hand_merge_failure(repo, branch, tip, before, tagged)
        if failure:
            raise Stopped(step, failure)
    return replace(state, wrote={**state.wrote, branch_ref: repo.resolve_commit(branch_ref)})


def _bump(repo: Repository, state: FinishState, step: str, resumed: bool) -> FinishState:
    bumped = bump(repo, state)
    if isinstance(bumped, str):
        raise Stopped(step, bumped)
    return bumped


def _push(repo: Repository, state: FinishState, step: str, resumed: bool) -> FinishState:
    git = LifecycleGit(repo, step)
    assert state.remote is not None and state.merged is not None
    moved = foreign_on_main(repo, state.main, state.merged)
    if moved:
        raise Stopped(step, moved)
    deleted = [state.hotfix] if state.delete_remote else []
    if resumed and remote_has_push(git, state):
        git.fetch(state.remote)  # an interrupted run got there: only the tracking refs lag
        git.forget_cached_refs()
        return state
    pushed = git.push_atomic(state.remote, [state.main, *state.backports], [state.tag], deleted)
    if not pushed.ok:
        raise Stopped(
            step, f"{state.remote} refused the push, nothing was pushed:\n{_indent(pushed.stderr)}"
        )
    git.forget_cached_refs()
    return state


def _cleanup(repo: Repository, state: FinishState, step: str, resumed: bool) -> FinishState:
    git = LifecycleGit(repo, step)
    branch_ref = refs.local(state.hotfix)
    delete = state.push and not state.keep
    target = state.main if delete else state.hotfix
    switched = git.switch(target)
    if not switched.ok:
        raise Stopped(step, f"cannot switch to {target}: {switched.stderr}")
    if delete:
        current = repo.resolve_commit(branch_ref)
        if current is not None and current != state.hotfix_tip:
            raise Stopped(
                step,
                f"{state.hotfix} has commits made after finish started ({current[:12]}): "
                "kept; merge them as another hotfix",
            )
        git.update_ref(branch_ref, None, current, "hotfix-guard finish: merged and pushed")
    return state


STEPS: dict[str, Step] = {
    BUMP: _bump,
    MERGE_MAIN: _merge_main,
    TAG: _tag,
    BACKPORT: _backport,
    PUSH: _push,
    CLEANUP: _cleanup,
}


def _step_function(step: str) -> Step:
    return STEPS[BACKPORT] if step.startswith(BACKPORT) else STEPS[step]


def _merge(
    git: LifecycleGit, state: FinishState, branch: str, commit: str, message: str, step: str
) -> tuple[str, ...]:
    """Merge COMMIT into BRANCH; returns what was done about its version files (main states the
    tag's version, a backport branch keeps its own: versions/merge.py)."""
    _clear_own_half_merge(git, state, step)
    head = git.repo.resolve_commit(refs.local(branch)) or ""  # HEAD's, once switched
    switched = git.switch(branch)
    if not switched.ok:
        raise Stopped(step, f"cannot switch to {branch}: {switched.stderr}")
    care = care_of(state, branch)
    # A backport branch keeps its own version: settle rewrites what the merge brought, so the
    # merge waits uncommitted and is committed once, settled (its hooks run once, not again for
    # an amend), as git concludes a merge it stopped: `git commit`, with the pre-commit hook.
    merged = git.merge(commit, message, conclude=care is None or branch == state.main)
    notes: list[str] = []
    if care is not None:
        merged, notes = settle(git.repo, git, care, head, merged)
    if merged.ok:
        return tuple(f"{branch}: {note}" for note in notes)
    if git.merge_in_progress():
        files = git.unmerged_paths()
        why = (
            f"conflicts in {', '.join(files)}"
            if files
            else f"a hook refused the merge commit: {merged.stderr}"
        )
        raise Stopped(step, f"merging into {branch}: {why}", merge=bool(files))
    raise Stopped(step, f"git merge into {branch} failed: {merged.stderr}")


def _clear_own_half_merge(git: LifecycleGit, state: FinishState, step: str) -> None:
    """What an earlier run of STEP left: its own whole merge, uncommitted, is undone so the merge
    runs again with its hooks; a merge with conflicts, or edits, are the user's and stop."""
    in_progress = git.merge_in_progress()
    if not in_progress and not git.tracked_changes():
        return
    if own_half_merge(git, state, step):
        if in_progress:
            git.merge_abort()
        else:
            git.reset_hard()
        return
    files = git.unmerged_paths() if in_progress else []
    if files:
        raise Stopped(
            step, f"a merge is still in progress: unresolved conflicts in {', '.join(files)}", True
        )
    if in_progress:
        raise Stopped(step, "the merge is resolved but not committed: commit it (git commit)")
    changed = git.tracked_changes()
    raise Stopped(
        step,
        f"uncommitted changes in {', '.join(changed[:3])} are not finish's: commit them, or "
        "stash them (git stash)",
    )


# --- messages ----------------------------------------------------------------------------------


def trailer_block(state: FinishState) -> str:
    return "".join(f"{key}: {value}\n" for key, value in state.trailers)


def incident_words(state: FinishState) -> str:
    found = dict(state.trailers)
    words = [found.get("Severity") or "no severity", found.get("Incident") or ""]
    return ", ".join(word for word in words if word)


def main_message(state: FinishState) -> str:
    return (
        f"Merge branch '{state.hotfix}' into {state.main}: {state.description} "
        f"({incident_words(state)})\n\nHotfix {state.tag}.\n\n{trailer_block(state)}"
    )


def tag_message(state: FinishState) -> str:
    return f"Hotfix: {state.description}\n\n{trailer_block(state)}"


def ways_on() -> str:
    return (
        "  then: hotfix-guard finish --continue\n"
        "  or put every ref and the work tree back as they were: hotfix-guard finish --abort"
    )


def stop_message(state: FinishState, stop: Stopped) -> str:
    lines = [f"finish stopped at {state.position(stop.step)}: {stop.reason}"]
    if stop.merge:
        lines.append(
            "  The merge is in progress with conflict markers in place: resolve them, "
            "`git add` the files and `git commit`,"
        )
    else:
        lines.append("  Fix the cause,")
    lines.append(ways_on())
    return "\n".join(lines)


def interrupted_message(state: FinishState) -> str:
    step = state.current or state.next_step
    where = f"at {state.position(step)}" if step else "after its last step"
    return (
        f"finish interrupted {where}; its state is saved.\n"
        "  Resume: hotfix-guard finish --continue\n"
        "  or put every ref and the work tree back as they were: hotfix-guard finish --abort"
    )


def summary(state: FinishState) -> str:
    lines = [f"finished {state.hotfix}: {state.main} tagged {state.tag}"]
    if state.backports:
        lines.append(f"  backported into {', '.join(state.backports)}")
    lines.extend(f"  version files: {note}" for note in state.version_notes)
    if state.push:
        lines.append(f"  pushed {', '.join(push_refspecs_names(state))} to {state.remote}")
    else:
        refs = " ".join(shlex.quote(name) for name in (state.main, *state.backports, state.tag))
        lines.append(
            f"  not pushed: git push --atomic {shlex.quote(state.remote or 'origin')} {refs}"
        )
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


# --- --continue and --abort ---------------------------------------------------------------------


def require_state(repo: Repository, option: str) -> FinishState:
    state = states.load(repo.git_dir)
    if state is None:
        where = display_path(str(repo.root))  # one line, whatever the folder is called
        raise UsageError(f"{option}: no finish in progress in this work tree ({where})")
    unknown = [step for step in state.steps if not step.startswith(BACKPORT) and step not in STEPS]
    if unknown:
        raise UsageError(
            f"{states.state_path(repo.git_dir)}: damaged finish state (unknown step {unknown[0]!r})"
            ": nothing can be resumed or undone from it; look at the refs by hand and remove it"
        )
    return state
