"""What runs at each git stage: commit (staged change), push (every pushed ref), and by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hotfix_guard import overrides
from hotfix_guard import scope as scopes
from hotfix_guard.backport.merges import DEFAULT_WINDOW_DAYS
from hotfix_guard.catalog import CHANGE, MAIN, PUSHED_TREE, TAG, Subject
from hotfix_guard.config import Config, load_at
from hotfix_guard.context import Context
from hotfix_guard.errors import UsageError
from hotfix_guard.git import Repository, is_zero_id
from hotfix_guard.git.push import PushQueries, TagRef
from hotfix_guard.overrides import OverrideValue
from hotfix_guard.releases import TagContext
from hotfix_guard.report import Finding, Report
from hotfix_guard.runner import run_rules, selected_rules

ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class PushedRef:
    """One line of what git pushes: `<local ref> <local sha> <remote ref> <remote sha>`."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def is_deletion(self) -> bool:
        return is_zero_id(self.local_sha)

    @property
    def branch(self) -> str | None:
        """The branch the remote gets: `git push origin feature/x:hotfix/x` updates hotfix/x,
        whatever the local branch is called."""
        ref = self.remote_ref if self.remote_ref.startswith("refs/heads/") else self.local_ref
        return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None

    @property
    def tag(self) -> str | None:
        """The tag name the remote gets, for a pushed tag."""
        ref = self.remote_ref if self.remote_ref.startswith("refs/tags/") else self.local_ref
        return ref.removeprefix("refs/tags/") if ref.startswith("refs/tags/") else None


def parse_push_lines(text: str) -> list[PushedRef]:
    """The ref lines git gives a pre-push hook on stdin (ref names may contain spaces)."""
    pushed = []
    for line in text.splitlines():
        if line.strip():
            local_ref, local_sha, remote_ref, remote_sha = line.rsplit(" ", 3)
            pushed.append(PushedRef(local_ref, local_sha, remote_ref, remote_sha))
    return pushed


def not_a_hotfix(subject: str) -> Report:
    return Report(subject=f"{subject}: not a hotfix branch, nothing to check")


def check_change(
    repo: Repository,
    config: Config,
    *,
    branch: str | None,
    head: str,
    staged: bool,
    base: str | None = None,
    rules: Sequence[str] = (),
    subjects: Sequence[Subject] = (CHANGE,),
    extra_overrides: tuple[OverrideValue, ...] = (),
    main: scopes.MainBranch | None = None,
) -> Report:
    """Run the change rules on BRANCH at HEAD; a branch that is not a hotfix passes silently.

    Override trailers in the branch's commits (and EXTRA_OVERRIDES: the message being written,
    push options) let the errors of the rules they name through as `overridden`.
    """
    if branch is not None and not config.is_hotfix_branch(branch):
        return not_a_hotfix(branch)
    scope = scopes.resolve(
        repo, config, branch=branch, head=head, staged=staged, base=base, main=main
    )
    return _change_report(Context(repo, config, scope, extra_overrides), rules, subjects)


def _change_report(ctx: Context, rules: Sequence[str], subjects: Sequence[Subject]) -> Report:
    chosen = [rule for subject in subjects for rule in selected_rules(ctx, rules, subject)]
    report = run_rules(ctx, chosen, ctx.scope.label)
    # Say so when the change was too big for every detail to be looked at.
    cut_short = ctx.analysis_findings() if chosen else []
    if cut_short:
        report = replace(report, findings=(*report.findings, *cut_short))
    if report.errors:
        report = overrides.apply(report, ctx.overrides.valid, ())
    return report


def commit_stage(
    repo: Repository, config: Config, rules: Sequence[str] = (), message: str | None = None
) -> Report:
    """At commit time: the checked-out branch, its commits plus the staged index; at commit-msg,
    MESSAGE is the message being written, whose override trailers count."""
    branch = scopes.current_branch(repo)
    if branch is None:
        return Report(
            subject="detached HEAD",
            notes=(
                "hotfix-guard: HEAD is detached (rebase or bisect?): no branch, nothing to check",
            ),
        )
    extra: tuple[OverrideValue, ...] = ()
    if message is not None:
        from hotfix_guard.git.records import OVERRIDE_KEY, message_trailers

        extra = tuple(
            (value, "message", "commit message", None, None)
            for key, value in message_trailers(repo, message)
            if key.lower() == OVERRIDE_KEY.lower()
        )
    return check_change(
        repo, config, branch=branch, head="HEAD", staged=True, rules=rules, extra_overrides=extra
    )


def push_stage(
    repo: Repository, config: Config, pushed: Sequence[PushedRef], rules: Sequence[str] = ()
) -> Report:
    """At push time: every pushed hotfix branch at the commit being pushed, main with the hotfixes
    it lands, every pushed tag. Each is judged by the config and git attributes committed in it,
    not by the work tree. The tests run last, and only when nothing else refused the push: there
    is no point waiting for a suite whose result cannot change the answer. Deletions are skipped.
    """
    main = main_name(repo, config)
    reports: list[Report] = []
    to_test: list[Context] = []
    for ref in pushed:
        if ref.is_deletion or ref.branch is None:
            continue
        committed = load_at(repo, ref.local_sha)
        if ref.branch == main:
            report, ctx = _check_main_push(repo, committed, ref, rules)
        elif committed.is_hotfix_branch(ref.branch):
            report, ctx = _check_change_and_context(repo, committed, ref, rules)
        else:
            report, ctx = not_a_hotfix(ref.branch), None
        reports.append(report)
        if ctx is not None and selected_rules(ctx, rules, PUSHED_TREE):
            to_test.append(ctx)
    reports.extend(check_pushed_tags(repo, config, pushed, rules))
    if to_test and any(report.exit_code for report in reports):
        where = ", ".join(ctx.where for ctx in to_test)
        reports.append(
            Report(
                subject="tests",
                notes=(
                    f"hotfix-guard: tests: not run for {where}: the push is refused by the "
                    "errors above already; fix them and push again",
                ),
            )
        )
    else:
        for ctx in to_test:
            chosen = selected_rules(ctx, rules, PUSHED_TREE)
            tested = run_rules(ctx, chosen, f"tests of {ctx.where} at {ctx.scope.head[:12]}")
            if tested.errors:  # an override trailer on the branch may let a failure through
                tested = overrides.apply(tested, ctx.overrides.valid, ())
            reports.append(tested)
    return merge_reports(reports, subject="push")


def main_name(repo: Repository, config: Config) -> str | None:
    try:
        return scopes.find_main(repo, config).name
    except UsageError:
        return None


def check_main(
    repo: Repository,
    config: Config,
    *,
    head: str,
    rules: Sequence[str] = (),
    main: scopes.MainBranch | None = None,
) -> Report:
    """Run the rules about main (backport) on main at HEAD (nothing newly landed: CI, server)."""
    main = main or scopes.find_main(repo, config)
    scope = scopes.Scope(branch=main.name, head=head, staged=False, main=main, base=head)
    ctx = Context(repo, config, scope)
    return run_rules(
        ctx,
        selected_rules(ctx, rules, MAIN),
        f"{main.name} at {head[:12]}: hotfixes merged in the last {DEFAULT_WINDOW_DAYS} days",
    )


def _check_change_and_context(
    repo: Repository, config: Config, ref: PushedRef, rules: Sequence[str]
) -> tuple[Report, Context]:
    scope = scopes.resolve(repo, config, branch=ref.branch, head=ref.local_sha, staged=False)
    ctx = Context(repo, config, scope)
    return _change_report(ctx, rules, (CHANGE,)), ctx


def _check_main_push(
    repo: Repository, config: Config, ref: PushedRef, rules: Sequence[str]
) -> tuple[Report, Context | None]:
    """main's rules at the pushed commit; its tests too when the push lands a hotfix."""
    from hotfix_guard.rules.merge import landed_hotfixes

    main = scopes.find_main(repo, config)
    before = None if is_zero_id(ref.remote_sha) else repo.resolve_commit(ref.remote_sha)
    if before is None:  # a new main, or one not fetched: what the remote-tracking copies had
        remote = [copy for copy in main.refs if copy.startswith("refs/remotes/")]
        before = repo.merge_base(ref.local_sha, remote) if remote else None
    scope = scopes.Scope(
        branch=main.name, head=ref.local_sha, staged=False, main=main, base=before or ref.local_sha
    )
    ctx = Context(repo, config, scope)
    report = run_rules(
        ctx,
        selected_rules(ctx, rules, MAIN),
        f"{main.name} at {ref.local_sha[:12]}: hotfixes merged in the last "
        f"{DEFAULT_WINDOW_DAYS} days",
    )
    return report, ctx if landed_hotfixes(ctx) else None


# --- tags: pushed, or named to check-tag----------------------------------------------------


def check_pushed_tags(
    repo: Repository, config: Config, pushed: Sequence[PushedRef], rules: Sequence[str] = ()
) -> list[Report]:
    queries = PushQueries(repo)
    return [
        check_tag(repo, config, queries.tag_ref(ref.tag, ref.local_sha), queries, rules)
        for ref in pushed
        if not ref.is_deletion and ref.tag is not None
    ]


def check_tag(
    repo: Repository,
    config: Config,
    tag: TagRef,
    queries: PushQueries,
    rules: Sequence[str] = (),
    main: scopes.MainBranch | None = None,
) -> Report:
    """The tag rules on one tag; a tag that is not a release tag passes with a note."""
    ctx = TagContext(repo, config, tag, queries, main)
    if not ctx.is_release:
        why = "does not point at a commit" if tag.commit is None else "not a release tag"
        return Report(subject=f"tag {tag.name}", notes=(f"{tag.name}: {why}, no tag rule applies",))
    kind = f"hotfix tag ({ctx.hotfix})" if ctx.hotfix else "release tag"
    return run_rules(ctx, selected_rules(ctx, rules, TAG), f"{kind} {tag.name}")


def merge_reports(reports: Sequence[Report], subject: str) -> Report:
    if len(reports) == 1:
        return reports[0]
    findings: list[Finding] = []
    hints: list[str] = []
    notes: list[str] = []
    for report in reports:
        findings.extend(report.findings)
        hints.extend(report.hints)
        notes.extend(report.notes)
    subjects = "; ".join(report.subject for report in reports) or "nothing pushed to check"
    return Report(
        subject=f"{subject}: {subjects}",
        findings=tuple(findings),
        notes=tuple(notes),
        hints=tuple(hints),
    )
