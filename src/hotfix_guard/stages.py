"""What runs at each git stage: commit (staged change), push (every pushed ref), and by hand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hotfix_guard import overrides
from hotfix_guard import scope as scopes
from hotfix_guard.backport.merges import DEFAULT_WINDOW_DAYS
from hotfix_guard.catalog import CHANGE, MAIN, PUSHED_TREE, TAG, Subject
from hotfix_guard.config import Config
from hotfix_guard.context import Context
from hotfix_guard.errors import UsageError
from hotfix_guard.git import Repository
from hotfix_guard.git.push import PushQueries, TagRef
from hotfix_guard.overrides import OverrideValue
from hotfix_guard.releases import TagContext
from hotfix_guard.report import Finding, Report
from hotfix_guard.rules.branch import case_only_match
from hotfix_guard.runner import SEVERITY_OF_LEVEL, run_rules, selected_rules

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
        return self.local_sha == ZERO_SHA

    @property
    def branch(self) -> str | None:
        ref = self.local_ref if self.local_ref.startswith("refs/heads/") else self.remote_ref
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
    summarize: bool = False,
    extra_overrides: tuple[OverrideValue, ...] = (),
    main: scopes.MainBranch | None = None,
) -> Report:
    """Run the change rules on BRANCH at HEAD; a branch that is not a hotfix passes silently.

    Override trailers in the branch's commits (and EXTRA_OVERRIDES: the message being written,
    push options) let the errors of the rules they name through as `overridden`.
    """
    if branch is not None and not config.is_hotfix_branch(branch):
        wrong_case = case_only_match(branch, config)
        if wrong_case is None or (rules and "branch-name" not in rules):
            return not_a_hotfix(branch)
        severity = SEVERITY_OF_LEVEL[config.level("branch-name")]
        found = replace(wrong_case, rule="branch-name", severity=severity)
        return Report(subject=branch, findings=(found,), hints=(f"branch-name: {found.fix}",))
    scope = scopes.resolve(
        repo, config, branch=branch, head=head, staged=staged, base=base, main=main
    )
    ctx = Context(repo, config, scope, extra_overrides)
    chosen = [rule for subject in subjects for rule in selected_rules(ctx, rules, subject)]
    report = run_rules(ctx, chosen, scope.label)
    # Say so when the change was too big for every detail to be looked at.
    cut_short = ctx.analysis_findings() if chosen else []
    if cut_short:
        report = replace(report, findings=(*report.findings, *cut_short))
    if report.errors:
        report = overrides.apply(report, ctx.overrides.valid, ())
    return replace(report, summary=change_summary(ctx, len(chosen))) if summarize else report


def change_summary(ctx: Context, checks: int) -> str:
    """`hotfix-guard passed: hotfix/x: 2 files, 14 code lines (limits 20 files, 400 lines), ...`"""
    change, config = ctx.change, ctx.config
    files = len(change.counted)
    return (
        f"hotfix-guard passed: {ctx.where}: {files} file{'' if files == 1 else 's'}, "
        f"{change.changed_code_lines} code lines (limits {config.max_files} files, "
        f"{config.max_lines} lines), {checks} check{'' if checks == 1 else 's'} passed"
    )


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
    """At push time: every pushed hotfix branch, at the commit being pushed (not the work tree),
    with its tests; every pushed tag with the tag rules. Deletions are skipped."""
    reports = [
        check_main(repo, config, head=ref.local_sha, rules=rules)
        if ref.branch == main_name(repo, config)
        else check_change(
            repo,
            config,
            branch=ref.branch,
            head=ref.local_sha,
            staged=False,
            rules=rules,
            subjects=(CHANGE, PUSHED_TREE),
        )
        for ref in pushed
        if not ref.is_deletion and ref.branch is not None
    ]
    reports.extend(check_pushed_tags(repo, config, pushed, rules))
    return merge_reports(reports, subject="push")


# --- main being pushed: the hotfixes merged into it ------------------------------------------


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
    """Run the rules about main (backport) on main at HEAD."""
    main = main or scopes.find_main(repo, config)
    scope = scopes.Scope(branch=main.name, head=head, staged=False, main=main, base=head)
    ctx = Context(repo, config, scope)
    return run_rules(
        ctx,
        selected_rules(ctx, rules, MAIN),
        f"{main.name} at {head[:12]}: hotfixes merged in the last {DEFAULT_WINDOW_DAYS} days",
    )


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
    if tag.commit is None or not ctx.is_release:
        why = "does not point at a commit" if tag.commit is None else "not a release tag"
        return Report(subject=f"tag {tag.name}", notes=(f"{tag.name}: {why}, no tag rule applies",))
    kind = f"hotfix tag ({ctx.hotfix})" if ctx.hotfix else "release tag"
    chosen = selected_rules(ctx, rules, TAG)
    names = ", ".join(rule.name for rule in chosen)
    summary = (
        f"hotfix-guard passed: {tag.name} is a good {kind}: {len(chosen)} checks passed ({names})"
    )
    return replace(run_rules(ctx, chosen, f"{kind} {tag.name}"), summary=summary)


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
    summaries = [report.summary for report in reports if report.summary]
    return Report(
        subject=f"{subject}: {subjects}",
        findings=tuple(findings),
        notes=tuple(notes),
        hints=tuple(dict.fromkeys(hints)),
        summary="\n".join(summaries) if summaries and not notes else None,
    )
