"""What an update of main lands, and how each landing is judged (server, pre-push, `ci`).

Every commit an update makes newly reachable on main's first-parent line is one of:
- a merge of a hotfix branch (the branch named by the merge's subject, a pushed ref at its second
  parent, or a branch whose tip it is): judged by the branch rules on the change the merge brings
  to main (first parent to merge), with the request's config (main's before the update); its own
  override trailers count (the hotfix's first-parent commits, not the merge's other history);
- a merge of a branch that may land on main (main-landing-branches: release branches): passes;
- anything else (a direct commit, a fast-forward bringing develop's commits, a squash, a merge of
  develop): an error of the `main-landing` rule. A hotfix fast-forwarded onto main is the
  `hotfix-merge` rule's finding instead, when that rule is on.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from hotfix_guard.backport.merges import merged_branch
from hotfix_guard.catalog import CHANGE, MAIN
from hotfix_guard.config.loader import matches_branch_patterns
from hotfix_guard.engine.context import Context
from hotfix_guard.engine.request import Request
from hotfix_guard.engine.runner import run_rules, selected_rules
from hotfix_guard.git.refs import branch_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk
from hotfix_guard.report.findings import Finding, Report
from hotfix_guard.scope import MainBranch, Scope

Kind = Literal["hotfix", "allowed", "other"]
HOTFIX: Kind = "hotfix"
ALLOWED: Kind = "allowed"
OTHER: Kind = "other"
LANDING_BRANCHES = "main-landing-branches"


class Landing(NamedTuple):
    """One commit on main's first-parent line that an update makes newly reachable."""

    commit: str
    parents: tuple[str, ...]
    subject: str
    branch: str | None  # the branch a merge brings; None for a single-parent commit
    kind: Kind

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def landings(ctx: Context) -> list[Landing]:
    """main's first-parent commits in scope.base..scope.head, newest first, each classified."""
    if ctx.scope.base == ctx.scope.head:
        return []
    log = ctx.repo.first_parent_log(Walk((ctx.scope.head,), (ctx.scope.base,), first_parent=True))
    tips = _named_tips(ctx)
    found = []
    for commit in log:
        branch = None
        if len(commit.parents) > 1:
            named = merged_branch(commit.subject)
            branch = named if named and _kind(ctx, named) != OTHER else None
            branch = branch or tips.get(commit.parents[1]) or named
        kind = _kind(ctx, branch) if branch is not None else OTHER
        found.append(Landing(commit.sha, commit.parents, commit.subject, branch, kind))
    return found


def _kind(ctx: Context, branch: str) -> Kind:
    from hotfix_guard.engine.stages import meant_as_hotfix

    config = ctx.config
    if config.is_hotfix_branch(branch) or meant_as_hotfix(config, branch):
        return HOTFIX
    if matches_branch_patterns(branch, tuple(config.option(LANDING_BRANCHES))):
        return ALLOWED
    return OTHER


def _named_tips(ctx: Context) -> dict[str, str]:
    """Commit -> branch at it: pushed refs first, then branches that may land on main."""
    tips: dict[str, str] = {}
    for ref, sha in ctx.repo.refs.items():
        name = branch_name(ref)
        if name is not None and _kind(ctx, name) != OTHER:
            tips.setdefault(sha, name)
    tips.update(dict(ctx.request.pushed_tips))
    return tips


def check_main_update(
    repo: Repository, request: Request, span: tuple[str | None, str]
) -> tuple[Report, Context | None]:
    """main moving from BEFORE to AFTER (SPAN; BEFORE None: main is new): the rules about main
    on AFTER, and each hotfix merge it lands judged by the branch rules. The context is returned
    when the update lands a hotfix (its tests run at the client's push)."""
    from hotfix_guard.engine.stages import merge_reports

    before, after = span
    main = request.main
    assert main is not None
    scope = Scope(branch=main.name, head=after, staged=False, main=main, base=before or after)
    ctx = Context(repo, request, scope)
    since = f" (from {before[:12]})" if before and before != after else ""
    subject = f"{main.name} at {after[:12]}{since}"
    reports = [run_rules(ctx, selected_rules(ctx, request.rules, MAIN), subject)]
    merges = [landing for landing in landings(ctx) if landing.kind == HOTFIX]
    reports.extend(judge_hotfix_merge(repo, request, landing) for landing in merges)
    report = merge_reports(reports, subject=main.name)
    return report, ctx if merges else None


def judge_hotfix_merge(repo: Repository, request: Request, landing: Landing) -> Report:
    """The branch rules on what LANDING (a hotfix merge) brings to main, naming both."""
    from hotfix_guard.engine.stages import change_report, naming_report

    branch, main = landing.branch, request.main
    assert branch is not None and main is not None
    where = f"{branch} (merged into {main.name} by {landing.commit[:12]})"
    if not request.config.is_hotfix_branch(branch):
        wrong = naming_report(request.config, branch, request.rules)
        return _naming(wrong or Report(subject=where), branch, where)
    base = landing.parents[0]
    scope = Scope(
        branch=branch,
        head=landing.commit,
        staged=False,
        main=MainBranch(main.name, (base,)),
        base=base,
        own_tip=landing.parents[1],
    )
    return _naming(change_report(Context(repo, request, scope), (CHANGE,)), branch, where)


def _naming(report: Report, branch: str, where: str) -> Report:
    """REPORT with the merge named: its subject, and each finding that names only the branch."""
    findings = tuple(
        finding._replace(ref=where) if finding.ref == branch else finding
        for finding in report.findings
    )
    return report._replace(subject=where, findings=findings)


def outside_findings(ctx: Context, found: list[Landing]) -> list[Finding]:
    """The `main-landing` findings: what FOUND lands on main outside a hotfix or allowed merge."""
    from hotfix_guard.report.findings import shell_word, short_line

    main = ctx.scope.main.name
    patterns = ", ".join((*ctx.config.branch_patterns, *ctx.config.option(LANDING_BRANCHES)))
    findings = [
        Finding(
            f"merge {landing.commit[:12]} brings {landing.branch or 'a branch of unknown name'} "
            f"to {main}; only merges of {patterns} land on {main}",
            ref=main,
        )
        for landing in found
        if landing.is_merge and landing.kind == OTHER
    ]
    direct = [landing for landing in found if not landing.is_merge]
    if direct:
        shown = "; ".join(
            f"{landing.commit[:10]} {short_line(landing.subject)}" for landing in direct[:3]
        )
        more = f" and {len(direct) - 3} more" if len(direct) > 3 else ""
        what = "commit lands" if len(direct) == 1 else "commits land"
        rescue = f"{main}-landed-by-mistake"
        findings.append(
            Finding(
                f"{len(direct)} {what} on {main} without a merge of {patterns} (a direct "
                f"commit, a fast-forward or a squash): {shown}{more}; {main} moves only by "
                "merges of hotfix and release branches",
                ref=main,
                fix=f"git branch {shell_word(rescue)} {ctx.scope.head[:12]} && git switch "
                f"{shell_word(main)} && git reset --keep {ctx.scope.base[:12]}",
            )
        )
    return findings
