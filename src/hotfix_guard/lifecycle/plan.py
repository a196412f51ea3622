"""finish, step 1: check everything and make the plan, moving no ref (a fetch aside).

Every check runs and every problem is reported together; only when there is none does finish
record the refs it will move and start. Conflicts are predicted with `git merge-tree
--write-tree`, the backports against a merge commit object made the same way (no ref points at
it), so `--dry-run` names the files each merge will stop on.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from hotfix_guard.catalog import CHANGE, PUSHED_TREE
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.request import Request
from hotfix_guard.engine.stages import check_change
from hotfix_guard.errors import CommandStopped, UsageError
from hotfix_guard.git import refs
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.lifecycle import state as states
from hotfix_guard.lifecycle.common import description_of, hotfix_record, unpushed_main
from hotfix_guard.lifecycle.state import FinishState
from hotfix_guard.releases.versions import next_release, parse_version, render_version
from hotfix_guard.report.findings import render_text
from hotfix_guard.scope import Target, current_branch, find_main

MERGE_MAIN, TAG, PUSH, CLEANUP = "merge-main", "tag", "push", "cleanup"
BUMP = "bump-version"  # before the merge: the version files state the tag's version
BACKPORT = "backport:"


@dataclass(frozen=True)
class FinishOptions:
    push: bool = False
    backport: bool = True
    keep: bool = False
    bump: bool = True  # commit the new version to the version files (versions/bump.py)


@dataclass(frozen=True)
class Plan:
    state: FinishState
    conflicts: dict[str, tuple[str, ...]]  # step -> the files its merge is predicted to stop on
    notes: tuple[str, ...]


class ChecksFailed(CommandStopped):
    """Step 1 found problems; nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        listed = "".join(f"\n  - {problem}" for problem in problems)
        super().__init__(f"finish stopped at step 1, check: nothing was changed{listed}")
        self.problems = problems


def make_plan(repo: Repository, config: Config, options: FinishOptions) -> Plan:
    """Every check of step 1, all problems reported together (ChecksFailed); else the plan."""
    git = LifecycleGit(repo, step="check")
    branch, tip = _hotfix_to_finish(repo, config, git)
    head_ref = repo.symbolic_head()  # asked before the fetch, git answers once
    problems: list[str] = []
    notes: list[str] = []
    remote = _fetched_remote(git, options, problems, notes)
    main = find_main(repo, config).name
    if main == branch:
        raise UsageError(f"{branch} is main: finish runs on a hotfix branch")
    backports = tuple(
        name for name in config.backport_branches if options.backport and name not in (main, branch)
    )
    before = _targets(git, (main, *backports), remote, problems, notes)
    main_tip = repo.refs.get(refs.local(main))
    base = repo.merge_base(tip, [main_tip]) if main_tip else None
    if base == tip:  # the tip is an ancestor of main's
        raise UsageError(f"{branch} is merged into {main} already: nothing to finish")
    before[refs.local(branch)] = tip
    delete_remote = _remote_copy(repo, options, branch, tip, remote, problems)
    problems.extend(_empty_problem(repo, branch, tip, base))
    tag = _next_tag(repo, config, main_tip, remote, problems)
    if tag:
        before[f"{refs.TAGS}{tag}"] = None
    report = check_change(repo, Request(config), Target(branch, tip), (CHANGE, PUSHED_TREE))
    if report.errors:
        problems.append(f"the hotfix fails its checks:\n{_indent(render_text(report))}")
    record = hotfix_record(repo, config, tip)
    if record.severity is None:
        notes.append(f"{branch} carries no Severity trailer (start it with hotfix-guard start)")
    from hotfix_guard.lifecycle.bump import plan_bump

    release = parse_version(tag, config.tag_format) if tag else None
    bump, bump_problems = plan_bump(repo, config, tip, release, options.bump)
    problems.extend(bump_problems)
    notes.extend(bump.notes)
    if problems:
        raise ChecksFailed(problems)
    state = FinishState(
        hotfix=branch,
        hotfix_tip=tip,
        description=description_of(repo, config, branch, tip),
        trailers=tuple(record.trailers()),
        main=main,
        backports=backports,
        tag=tag or "",
        remote=remote,
        push=options.push,
        keep=options.keep,
        head_ref=head_ref,
        head_commit=tip,
        before=before,
        delete_remote=delete_remote,
        steps=_steps(backports, options, bump.commit),
        version=bump.version,
        version_files=bump.files,
        changelog=bump.changelog,
    )
    return Plan(state, _predict(git, state), tuple(notes))


def _hotfix_to_finish(repo: Repository, config: Config, git: LifecycleGit) -> tuple[str, str]:
    """The checked-out hotfix branch and its tip, in a clean work tree; else a UsageError."""
    branch = current_branch(repo)
    if branch is None or not config.is_hotfix_branch(branch):
        where = f"on {branch}" if branch else "HEAD is detached"
        raise UsageError(
            f"{where}: check out the hotfix branch to finish (git switch hotfix/<name>)"
        )
    tip = repo.refs.get(refs.local(branch))
    if tip is None:
        raise UsageError(f"{branch} has no commits yet: commit the fix first")
    changed = git.tracked_changes()
    if changed or git.merge_in_progress():
        raise UsageError(
            f"uncommitted changes ({', '.join(changed[:3]) or 'a merge in progress'}): commit or "
            "stash them first; finish must be able to put the work tree back exactly"
        )
    return branch, tip


def _fetched_remote(
    git: LifecycleGit, options: FinishOptions, problems: list[str], notes: list[str]
) -> str | None:
    """origin (else the first remote), fetched so main and the backports compare with it."""
    remotes = git.remotes()
    remote = "origin" if "origin" in remotes else (remotes[0] if remotes else None)
    if remote is None:
        if options.push:
            problems.append("--push: no remote configured (git remote add origin URL)")
        notes.append("no remote: main and the backports are compared with nothing")
        return None
    fetched = git.fetch(remote)
    git.forget_cached_refs()
    if not fetched.ok:
        why = (fetched.stderr.splitlines() or ["no message"])[-1]
        problems.append(f"cannot fetch {remote} ({why}): finish compares with the remote")
    return remote


def _targets(
    git: LifecycleGit,
    names: tuple[str, ...],
    remote: str | None,
    problems: list[str],
    notes: list[str],
) -> dict[str, str | None]:
    """The refs finish merges into (main, the backports) as they are now, each one present, not
    checked out elsewhere and in sync with the remote."""
    before: dict[str, str | None] = {}
    elsewhere = git.checked_out_elsewhere()
    for name in names:
        ref = refs.local(name)
        local = git.repo.refs.get(ref)
        if local is None:
            tracking = f"{remote}/{name}" if remote else "<commit>"
            skip = " or pass --no-backport" if name != names[0] else ""
            problems.append(
                f"{name}: no local branch; create it (git branch {shlex.quote(name)} "
                f"{shlex.quote(tracking)}){skip}"
            )
            continue
        before[ref] = local
        if ref in elsewhere:
            problems.append(
                f"{name} is checked out in the work tree {elsewhere[ref]}: switch that one to "
                "another branch first (finish merges into it here)"
            )
        problems.extend(_sync_problem(git, name, remote, notes, is_main=name == names[0]))
    return before


def _remote_copy(
    repo: Repository,
    options: FinishOptions,
    branch: str,
    tip: str,
    remote: str | None,
    problems: list[str],
) -> dict[str, str]:
    """The hotfix's copy on the remote to delete after a --push (unless --keep), checked to hold
    nothing the local branch lacks."""
    if remote is None:
        return {}
    tracking_ref = refs.remote_tracking(remote, branch)
    remote_tip = repo.refs.get(tracking_ref)
    if remote_tip and not repo.is_ancestor(remote_tip, tip):
        problems.append(
            f"{remote}/{branch} has commits {branch} lacks: pull them first "
            f"(git pull {shlex.quote(remote)} {shlex.quote(branch)})"
        )
    if remote_tip and options.push and not options.keep:
        return {tracking_ref: remote_tip}
    return {}


def _steps(backports: tuple[str, ...], options: FinishOptions, bump: bool) -> tuple[str, ...]:
    return (
        *((BUMP,) if bump else ()),
        MERGE_MAIN,
        TAG,
        *(f"{BACKPORT}{name}" for name in backports),
        *((PUSH,) if options.push else ()),
        CLEANUP,
    )


def _sync_problem(
    git: LifecycleGit, name: str, remote: str | None, notes: list[str], *, is_main: bool
) -> list[str]:
    if remote is None or refs.remote_tracking(remote, name) not in git.repo.refs:
        return []
    tracking = refs.remote_tracking(remote, name)
    if git.repo.refs[tracking] == git.repo.refs[refs.local(name)]:
        return []  # the very same commit: nothing to count
    ahead, behind = git.ahead_behind(refs.local(name), tracking)
    # main's own commits the remote lacks would be merged, tagged and pushed with the hotfix.
    unpushed = unpushed_main(git.repo, name, remote) if is_main and ahead else None
    if unpushed:
        return [unpushed]
    if ahead and not behind:
        notes.append(f"{name} has {ahead} commit(s) {remote} lacks: a --push takes them too")
    if not behind:
        return []
    quoted = shlex.quote(name)
    fix = (
        f"git switch {quoted} && git pull --rebase {shlex.quote(remote)} {quoted}"
        if ahead
        else f"git fetch {shlex.quote(remote)} {quoted}:{quoted}"
    )
    state = (
        f"has diverged from {remote}/{name}"
        if ahead
        else f"is {behind} commit(s) behind {remote}/{name}"
    )
    return [f"{name} {state}: update it first ({fix})"]


def _empty_problem(repo: Repository, branch: str, tip: str, base: str | None) -> list[str]:
    """A hotfix whose tree is main's where it was cut (BASE, where it meets main: only the start
    commit, overrides or changes undone) changes nothing: tagging it would release a patch that
    fixes nothing."""
    if base is None:
        return []
    trees = repo.git("rev-parse", f"{tip}^{{tree}}", f"{base}^{{tree}}").split()
    if trees[0] != trees[1]:
        return []
    return [
        f"{branch} changes nothing beyond its start commit (its tree is {base[:12]}'s, where it "
        "was cut): commit the fix first"
    ]


def _next_tag(
    repo: Repository,
    config: Config,
    main_tip: str | None,
    remote: str | None,
    problems: list[str],
) -> str | None:
    if main_tip is None:
        return None
    queries = TagQueries(repo)
    versions = {
        name: version
        for name in queries.tags_merged_into(main_tip)
        if (version := parse_version(name, config.tag_format)) is not None
    }
    if not versions:
        problems.append(
            f"no release tag in tag-format {config.tag_format!r} on main to count from: tag the "
            "current release first (e.g. git tag -a v1.0.0 -m 'Release 1.0.0' main)"
        )
        return None
    tag = render_version(next_release(max(versions.values())), config.tag_format)
    claimed = _claimed_elsewhere(repo, tag)
    if claimed:
        problems.append(
            f"tag {tag} is claimed by the finish of {claimed[0]} in progress in {claimed[1]}: "
            "releases go out in order; complete or abort that one first (hotfix-guard finish "
            "--continue or --abort there)"
        )
    elif tag in queries.tags:
        problems.append(
            f"tag {tag} exists already (on {queries.tags[tag].commit or '?'}): the next "
            "patch release is taken; delete the stray tag or release it first"
        )
    elif remote is not None:
        # A fetch brings only the tags on fetched history: ask the remote for the others.
        try:
            taken = tag in queries.remote_tag_names(remote)
        except UsageError as error:
            problems.append(str(error).split(":")[0] + ": cannot check the tag name is free")
            taken = False
        if taken:
            problems.append(
                f"tag {tag} exists on {remote} already: fetch it (git fetch "
                f"{shlex.quote(remote)} tag {shlex.quote(tag)}) and see which release it is"
            )
    return tag


def _claimed_elsewhere(repo: Repository, tag: str) -> tuple[str, str] | None:
    """(hotfix, work tree) of a finish in progress in another work tree of this clone that will
    make TAG: two finishes never claim the same release."""
    if not repo.has_other_work_trees():
        return None
    _, common = repo.tree_and_common_dir("HEAD")
    own = repo.git_dir.resolve()
    for git_dir in (common, *sorted((common / "worktrees").glob("*"))):
        if git_dir.resolve() == own:
            continue
        try:
            other = states.load(git_dir)
        except UsageError:
            continue  # a damaged state file there is that work tree's to report
        if other is not None and other.tag == tag:
            gitdir_file = git_dir / "gitdir"
            where = (
                gitdir_file.read_text().strip().removesuffix("/.git")
                if gitdir_file.is_file()
                else str(git_dir.parent)
            )
            return other.hotfix, where
    return None


def _predict(git: LifecycleGit, state: FinishState) -> dict[str, tuple[str, ...]]:
    main_tip = state.before[refs.local(state.main)]
    assert main_tip is not None
    merged = git.predict_merge(main_tip, state.hotfix_tip)
    conflicts = {MERGE_MAIN: merged.conflicts} if merged.conflicts else {}
    # The backports merge main's merge commit; predicted against one made of the predicted tree
    # (with main's conflicts, its tree holds conflict markers: the backport prediction is rough).
    future = git.commit_tree(merged.tree, [main_tip, state.hotfix_tip], "predicted merge")
    for name in state.backports:
        tip = state.before[refs.local(name)]
        assert tip is not None
        predicted = git.predict_merge(tip, future)
        if predicted.conflicts:
            conflicts[f"{BACKPORT}{name}"] = predicted.conflicts
    return conflicts


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def render_plan(plan: Plan) -> list[str]:
    """The plan as --dry-run prints it, one line per step."""
    state = plan.state
    lines = [f"finish {state.hotfix} at {state.hotfix_tip[:12]}: {state.description}"]
    for number, step in enumerate(state.steps, 1):
        lines.append(f"  {number}. {describe_step(state, step)}")
        if step in plan.conflicts:
            lines.append(f"     predicted conflict in: {', '.join(plan.conflicts[step])}")
    lines.extend(f"note: {note}" for note in plan.notes)
    return lines


def describe_step(state: FinishState, step: str) -> str:
    if step == BUMP:
        paths = [path.partition(":")[0] for path in state.version_files]
        files = ", ".join([*paths, *([state.changelog] if state.changelog else [])])
        return f"commit 'Bump version to {state.version}' on {state.hotfix} ({files})"
    if step == MERGE_MAIN:
        return f"merge {state.hotfix} into {state.main} (--no-ff)"
    if step == TAG:
        message = f"Hotfix: {state.description}"
        return f"tag {state.main}'s merge commit {state.tag} (annotated, {message!r})"
    if step.startswith(BACKPORT):
        return f"merge {state.tag} into {step.removeprefix(BACKPORT)} (--no-ff)"
    if step == PUSH:
        return f"push {', '.join(push_refspecs_names(state))} to {state.remote} (atomic)"
    gone = not state.keep and state.push
    return (
        f"delete {state.hotfix} and switch to {state.main}"
        if gone
        else f"switch back to {state.hotfix}"
    )


def push_refspecs_names(state: FinishState) -> list[str]:
    names = [state.main, *state.backports, state.tag]
    if state.delete_remote:
        names.append(f"delete {state.hotfix}")
    return names
