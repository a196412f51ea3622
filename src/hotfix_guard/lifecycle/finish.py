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

from hotfix_guard.config import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git import Repository, refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.lifecycle import state as states
from hotfix_guard.lifecycle.guards import foreign_on_main, hand_merge_failure
from hotfix_guard.lifecycle.plan import (
    BACKPORT,
    CLEANUP,
    MERGE_MAIN,
    PUSH,
    TAG,
    ChecksFailed,
    FinishOptions,
    describe_step,
    make_plan,
    push_refspecs_names,
    render_plan,
)
from hotfix_guard.lifecycle.state import FinishState

Echo = Callable[[str], None]
Mode = Literal["run", "dry-run", "continue", "abort"]


class Stopped(Exception):
    """A step could not complete; the state is saved. `merge` says a merge is in progress."""

    def __init__(self, step: str, reason: str, merge: bool = False) -> None:
        super().__init__(reason)
        self.step, self.reason, self.merge = step, reason, merge


class FinishStopped(Exception):
    """Raised to the CLI: finish stopped with its state saved (exit 1)."""


def finish_command(
    repo: Repository, config: Config, mode: Mode, options: FinishOptions, echo: Echo, warn: Echo
) -> int:
    """The finish command: its exit status (0 done, 1 stopped). Progress goes to ECHO, why it
    stopped to WARN (the CLI's stdout and stderr)."""
    try:
        if mode == "abort":
            abort(repo, require_state(repo, "--abort"), echo)
        elif mode == "continue":
            run(repo, require_state(repo, "--continue"), echo)
        else:
            saved = states.load(repo.git_dir)
            if saved is not None:
                raise UsageError(
                    f"a finish of {saved.hotfix} is in progress in this work tree: "
                    "hotfix-guard finish --continue, or hotfix-guard finish --abort"
                )
            plan = make_plan(repo, config, options)
            if mode == "dry-run":
                echo("\n".join([*render_plan(plan), "dry run: nothing was changed"]))
                return 0
            for note in plan.notes:
                echo(f"note: {note}")
            run(repo, states.save(repo.git_dir, plan.state), echo)
    except ChecksFailed as failed:
        problems = "".join(f"\n  - {problem}" for problem in failed.problems)
        warn(f"finish stopped at step 1, check: nothing was changed{problems}")
        return 1
    except FinishStopped as stopped:
        warn(str(stopped))
        return 1
    return 0


def run(repo: Repository, state: FinishState, echo: Echo) -> None:
    """Run the steps not done yet; remove the state file when the last one is."""
    git_dir = repo.git_dir
    try:
        while (step := state.next_step) is not None:
            state = states.save(git_dir, state.started(step))
            try:
                state = _step_function(step)(repo, state, step)
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


def _merge_main(repo: Repository, state: FinishState, step: str) -> FinishState:
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
        return replace(state, merged=main_tip)
    _merge(git, state.main, state.hotfix_tip, main_message(state), step)
    return replace(state, merged=repo.resolve_commit(main_ref))


def _tag(repo: Repository, state: FinishState, step: str) -> FinishState:
    git = LifecycleGit(repo, step)
    assert state.merged is not None
    existing = repo.resolve_commit(f"{refs.TAGS}{state.tag}")
    if existing == state.merged:
        return state  # made before an interrupt
    if existing is not None:
        raise Stopped(
            step, f"tag {state.tag} appeared meanwhile at {existing[:12]}; it is not finish's"
        )
    made = git.tag_annotated(state.tag, state.merged, tag_message(state))
    if not made.ok:
        raise Stopped(step, f"git tag refused: {made.stderr}")
    return state


def _backport(repo: Repository, state: FinishState, step: str) -> FinishState:
    git = LifecycleGit(repo, step)
    branch = step.removeprefix(BACKPORT)
    tagged = repo.resolve_commit(f"{refs.TAGS}{state.tag}")
    if tagged is None:
        raise Stopped(step, f"tag {state.tag}, made at step 2, was deleted by something else")
    tip = repo.resolve_commit(refs.local(branch))
    before = state.before[refs.local(branch)]
    if tip is not None and before is not None and repo.is_ancestor(tagged, tip):
        failure = hand_merge_failure(repo, branch, tip, before, tagged)
        if failure:
            raise Stopped(step, failure)
        return state
    message = (
        f"Merge tag '{state.tag}' into {branch}: backport of {state.hotfix}\n\n"
        + trailer_block(state)
    )
    _merge(git, branch, f"{refs.TAGS}{state.tag}", message, step)  # not a branch of that name
    return state


def _push(repo: Repository, state: FinishState, step: str) -> FinishState:
    git = LifecycleGit(repo, step)
    assert state.remote is not None and state.merged is not None
    moved = foreign_on_main(repo, state.main, state.merged)
    if moved:
        raise Stopped(step, moved)
    deleted = [state.hotfix] if state.delete_remote else []
    pushed = git.push_atomic(state.remote, [state.main, *state.backports], [state.tag], deleted)
    if not pushed.ok:
        raise Stopped(
            step, f"{state.remote} refused the push, nothing was pushed:\n{_indent(pushed.stderr)}"
        )
    git.forget_cached_refs()
    return state


def _cleanup(repo: Repository, state: FinishState, step: str) -> FinishState:
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


STEPS: dict[str, Callable[[Repository, FinishState, str], FinishState]] = {
    MERGE_MAIN: _merge_main,
    TAG: _tag,
    BACKPORT: _backport,
    PUSH: _push,
    CLEANUP: _cleanup,
}


def _step_function(step: str) -> Callable[[Repository, FinishState, str], FinishState]:
    return STEPS[BACKPORT] if step.startswith(BACKPORT) else STEPS[step]


def _merge(git: LifecycleGit, branch: str, commit: str, message: str, step: str) -> None:
    if git.merge_in_progress():
        raise Stopped(step, f"a merge is still in progress: {_unmerged(git)}", merge=True)
    switched = git.switch(branch)
    if not switched.ok:
        raise Stopped(step, f"cannot switch to {branch}: {switched.stderr}")
    merged = git.merge(commit, message)
    if merged.ok:
        return
    if git.merge_in_progress():
        files = git.unmerged_paths()
        why = (
            f"conflicts in {', '.join(files)}"
            if files
            else f"a hook refused the merge commit: {merged.stderr}"
        )
        raise Stopped(step, f"merging into {branch}: {why}", merge=True)
    raise Stopped(step, f"git merge into {branch} failed: {merged.stderr}")


def _unmerged(git: LifecycleGit) -> str:
    files = git.unmerged_paths()
    return f"unresolved conflicts in {', '.join(files)}" if files else "resolved but not committed"


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
        raise UsageError(f"{option}: no finish in progress in this work tree ({repo.root})")
    return state


def abort(repo: Repository, state: FinishState, echo: Echo) -> None:
    """Put back every ref finish moved and the work tree, delete what it created."""
    if PUSH in state.done:
        raise UsageError(
            f"the push is done: {state.remote} has {', '.join(push_refspecs_names(state))}; abort "
            "cannot take that back. Run hotfix-guard finish --continue to complete the clean-up"
        )
    git = LifecycleGit(repo, "abort")
    if git.merge_in_progress():
        git.merge_abort()
    restored = []
    for ref, old in state.before.items():
        current = repo.resolve_object(ref)
        if current != old:
            git.update_ref(ref, old, current, "hotfix-guard finish --abort")
            restored.append(refs.short_name(ref))
    git.point_head_at(state.head_ref, state.head_commit, "hotfix-guard finish --abort")
    states.remove(repo.git_dir)
    put_back = f" ({', '.join(restored)} put back)" if restored else ""
    echo(f"finish aborted: every ref and the work tree are as they were{put_back}")
