"""Run the rules a CI target calls for, with the config of the target branch.

- a pull/merge request from a hotfix branch, or a pushed hotfix branch: the branch, size and
  noise rules (and `tests` with --tests: CI usually runs the tests itself);
- a tag pipeline: the tag rules;
- a push of main: the rules about main (backport);
- any other branch: nothing, a passing note.

A CI clone is shallow and has few refs by default. What is missing is fetched from `origin`
(the target branch, main, the tag, the head commit, then the history with --unshallow); when
that fails, the error says what to set in the pipeline (`fetch-depth: 0`, `GIT_DEPTH: 0`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hotfix_guard import scope as scopes
from hotfix_guard.catalog import CHANGE, PUSHED_TREE, Subject
from hotfix_guard.ci.environment import CiTarget
from hotfix_guard.config.loader import Config, load_at
from hotfix_guard.engine import stages
from hotfix_guard.engine.mainline import check_main_update
from hotfix_guard.engine.request import Request
from hotfix_guard.errors import UsageError
from hotfix_guard.git.records import (
    fetch_branch,
    fetch_commit,
    fetch_tag,
    fetch_tags,
    remote_names,
    unshallow,
)
from hotfix_guard.git.refs import local, remote_tracking, tag_ref
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.report.findings import Report
from hotfix_guard.scope import Target

REMOTE = "origin"
HOW_TO_FETCH = (
    "give the job the full history: `fetch-depth: 0` in actions/checkout (GitHub Actions) or "
    "`GIT_DEPTH: 0` in the job's variables (GitLab CI)"
)


@dataclass(frozen=True)
class CiResult:
    report: Report
    config: Config
    config_from: str  # the revision the config was read from


class History:
    """Refs and history a CI clone may lack, fetched from origin on first need."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.can_fetch = REMOTE in remote_names(repo)

    def branch_ref(self, name: str) -> str:
        """A ref of branch NAME (origin's copy first), fetched if the clone lacks it."""
        for ref in (remote_tracking(REMOTE, name), local(name)):
            if self.repo.resolve_commit(ref) is not None:
                return ref
        self._can_fetch(f"branch {name}")
        ref, problem = fetch_branch(self.repo, REMOTE, name)
        self._fetched(f"branch {name}", problem)
        self.repo.forget_refs()
        return ref

    def tag_ref(self, name: str) -> str:
        ref = tag_ref(name)
        if self.repo.resolve_object(ref) is None:
            self._can_fetch(f"tag {name}")
            self._fetched(f"tag {name}", fetch_tag(self.repo, REMOTE, ref))
        return ref

    def release_tags(self) -> None:
        """Every tag of origin and the history they are on: the tag rules compare a tag with the
        releases reachable from it."""
        if self.can_fetch:
            self._fetched("the release tags", fetch_tags(self.repo, REMOTE))
        self.full_history()

    def commit(self, rev: str) -> str:
        found = self.repo.resolve_commit(rev)
        if found is None:
            self._can_fetch(f"commit {rev}")
            self._fetched(f"commit {rev}", fetch_commit(self.repo, REMOTE, rev))
            found = self.repo.resolve_commit(rev)
        if found is None:
            raise UsageError(f"{rev!r} is not a commit of this clone or of {REMOTE}")
        return found

    def merge_base(self, head: str, refs: tuple[str, ...]) -> None:
        """Deepen a shallow clone until HEAD and REFS share history."""
        if self.repo.merge_base(head, refs) is None:
            self.full_history()

    def full_history(self) -> None:
        if not self.repo.shallow:
            return
        self._can_fetch("the history")
        self._fetched("the history", unshallow(self.repo, REMOTE))
        self.repo.shallow = False

    def _can_fetch(self, what: str) -> None:
        if not self.can_fetch:
            raise UsageError(
                f"this clone lacks {what} and has no remote {REMOTE!r}: {HOW_TO_FETCH}"
            )

    def _fetched(self, what: str, problem: str | None) -> None:
        if problem is not None:
            raise UsageError(
                f"this clone lacks {what} and `git fetch {REMOTE}` failed ({problem}): "
                f"{HOW_TO_FETCH}"
            )


def run(repo: Repository, target: CiTarget, *, tests: bool) -> CiResult:
    history = History(repo)
    main = _main(repo, history, target)
    before = _main_before(repo, history, target, main)
    if before is not None:
        config_from = before  # main is judged by its config from before the update
    elif target.kind == "explicit" and target.base is not None:
        config_from = target.base
        # --base main in a CI clone that has only origin's copy, or not even that yet.
        if repo.resolve_commit(config_from) is None:
            config_from = history.branch_ref(config_from)
            target = replace(target, base=config_from)
    elif target.target is not None:
        config_from = history.branch_ref(target.target)
    else:
        config_from = main.refs[0]
    config = load_at(repo, config_from)
    if config.main_branch and config.main_branch != main.name:
        main = scopes.MainBranch(config.main_branch, (history.branch_ref(config.main_branch),))
    # The attributes come from where the config does: a pushed .gitattributes cannot exempt itself.
    request = Request(
        config, config_from=config_from, attributes_at=repo.resolve_commit(config_from), main=main
    )
    subjects = (CHANGE, PUSHED_TREE) if tests else (CHANGE,)
    return CiResult(_check(repo, history, target, request, subjects), config, config_from)


def _main_before(
    repo: Repository, history: History, target: CiTarget, main: scopes.MainBranch
) -> str | None:
    """When the run is about main (a push of it, --head main): main before the update, as the
    CI says (the push's before-commit) or --base says; None otherwise."""
    branch = target.branch
    if target.kind == "explicit" and branch is None:
        branch = scopes.branch_of(repo, target.head) if target.head != "HEAD" else None
    if branch != main.name:
        return None
    before = target.base if target.kind == "explicit" else target.before
    if before is None:
        return None
    history.full_history()
    return history.commit(before)


def _main(repo: Repository, history: History, target: CiTarget) -> scopes.MainBranch:
    """main: the CI's default branch, else main, master or origin/HEAD (fetched if missing)."""
    if target.default_branch:
        return scopes.MainBranch(
            target.default_branch, (history.branch_ref(target.default_branch),)
        )
    main = scopes.main_or_none(repo, Config())
    if main is not None:
        return main
    first_problem: UsageError | None = None
    for name in ("main", "master"):
        try:
            return scopes.MainBranch(name, (history.branch_ref(name),))
        except UsageError as problem:
            first_problem = first_problem or problem
    assert first_problem is not None
    raise first_problem


def _check(
    repo: Repository,
    history: History,
    target: CiTarget,
    request: Request,
    subjects: tuple[Subject, ...],
) -> Report:
    main = request.main
    assert main is not None
    tag_named = target.kind == "explicit" and repo.resolve_object(tag_ref(target.head))
    if target.kind == "tag" or tag_named:
        return _check_tag(repo, history, target, request)
    head = history.commit(target.head)
    if target.kind == "explicit":
        if target.branch is not None:
            branch: str | None = target.branch
        elif target.head == "HEAD":
            branch = scopes.current_branch(repo)
        else:
            branch = scopes.branch_of(repo, target.head)
    else:
        branch = target.branch
    if branch == main.name:
        before = _main_before(repo, history, target, main)
        return check_main_update(repo, request, (before, head))[0]
    base_refs = (target.base,) if target.base else main.refs
    if branch is None or request.config.is_hotfix_branch(branch):
        history.merge_base(head, base_refs)
    report = stages.check_change(repo, request, Target(branch, head, base=target.base), subjects)
    if target.kind != "explicit" and report.subject.endswith(stages.NOTHING_TO_CHECK):
        return report._replace(notes=(f"hotfix-guard: {report.subject}",))
    return report


def _check_tag(repo: Repository, history: History, target: CiTarget, request: Request) -> Report:
    main = request.main
    assert main is not None
    name = target.tag or target.head
    if target.kind == "tag":
        history.release_tags()
    ref = history.tag_ref(name)
    queries = TagQueries(repo)
    object_id = repo.resolve_object(ref)
    assert object_id is not None
    history.merge_base(object_id, main.refs)
    return stages.check_tag(repo, request, queries.tag_ref(name, object_id), queries)
