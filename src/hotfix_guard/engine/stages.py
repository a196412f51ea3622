"""What runs at each git stage: commit (staged change), push (every pushed ref), and by hand."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, NamedTuple

from hotfix_guard import scope as scopes
from hotfix_guard.catalog import CHANGE, PUSHED_TREE, TAG, Subject
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.context import Context
from hotfix_guard.engine.coverage import analysis_findings
from hotfix_guard.engine.invocation import Invocation, PushedRef
from hotfix_guard.engine.request import Request, committed_at, main_before, of_work_tree
from hotfix_guard.engine.runner import run_rules, selected_rules
from hotfix_guard.errors import UsageError
from hotfix_guard.git.repository import Repository
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.overrides.trailers import OverrideValue
from hotfix_guard.report.findings import Finding, Report
from hotfix_guard.scope import Target

if TYPE_CHECKING:
    # Push-time only (tags, main): imported where used, so a commit's check does not load them.
    from hotfix_guard.backport.merges import HotfixMerge
    from hotfix_guard.git.tags import TagQueries, TagRef

# `hotfix-guard hook` and `check` without click (fastpath) and with it (cli) share these three.


def hook_report(
    repo: Repository, config: Config, call: Invocation, rules: Sequence[str] = ()
) -> Report:
    """What `hotfix-guard hook` reports at the stage CALL describes."""
    from hotfix_guard.git import hooks

    if call.stage == "commit-msg":
        return commit_stage(repo, config, rules, call.message())
    if not call.is_push:
        if not call.stage_given and call.in_git_commit and hooks.commit_msg_stage_checks(repo):
            return note_report("the commit is checked at commit-msg, with its message")
        return commit_stage(repo, config, rules)
    if not call.stage_given and hooks.native_hook_installed(repo, "pre-push"):
        return note_report("this push is checked by hotfix-guard's own pre-push hook")
    pushed = call.pushed_refs(
        lambda rev, is_tag: repo.resolve_object(rev) if is_tag else repo.resolve_commit(rev),
        repo.symbolic_head,
    )
    return push_stage(repo, pushed, rules)


def note_report(note: str) -> Report:
    """A passing report that only says NOTE."""
    return Report(subject=note, notes=(f"hotfix-guard: {note}",))


def check_report(
    repo: Repository,
    config: Config,
    *,
    head: str | None = None,
    base: str | None = None,
    staged: bool | None = None,
    rules: Sequence[str] = (),
) -> Report:
    """What `hotfix-guard check` reports: the checked-out branch (with the index), or HEAD."""
    if head is None:
        branch = scopes.current_branch(repo)
        if branch is None:
            raise UsageError(
                "HEAD is detached: check out the hotfix branch or pass --head hotfix/<name>"
            )
        head_rev, include_index = "HEAD", True if staged is None else staged
    else:
        branch, head_rev, include_index = scopes.branch_of(repo, head), head, bool(staged)
        if include_index and repo.resolve_commit(head) != repo.resolve_commit("HEAD"):
            raise UsageError("--staged needs --head to be the checked-out commit")
    target = Target(branch, head_rev, include_index, base)
    return check_change(repo, of_work_tree(config, rules), target, summarize=True)


def emit(report: Report, output_format: str = "text") -> int:
    """Print REPORT as the command line shows it; return its exit status."""
    from hotfix_guard.report.findings import render_json, render_text

    if output_format == "json":
        text = render_json(report)
    elif report.findings:
        text = render_text(report)
    elif report.summary:
        text = report.summary
    else:
        text = "\n".join(report.notes)
    if text:
        sys.stdout.write(f"{text}\n")
        sys.stdout.flush()
    return report.exit_code


NOTHING_TO_CHECK = ": not a hotfix branch, nothing to check"


def not_a_hotfix(subject: str) -> Report:
    return Report(subject=f"{subject}{NOTHING_TO_CHECK}")


def check_change(
    repo: Repository,
    request: Request,
    target: Target,
    subjects: Sequence[Subject] = (CHANGE,),
    summarize: bool = False,
) -> Report:
    """Run the change rules on TARGET as REQUEST says; a branch that is not a hotfix passes
    silently, one that is a hotfix branch only when case is ignored is a branch-name error.

    Override trailers in the hotfix's own commits (and the request's extra ones: the message
    being written, push options) let the errors of the rules they name through as `overridden`.
    """
    branch, config = target.branch, request.config
    if branch is not None and not config.is_hotfix_branch(branch):
        return naming_report(config, branch, request.rules) or not_a_hotfix(branch)
    # At commit time the staged change is read once, from a copy of the index, whatever a
    # concurrent `git add` (an IDE) does meanwhile.
    with repo.index_snapshot() if target.staged else nullcontext():
        scope = scopes.resolve(repo, config, target, request.main)
        return change_report(Context(repo, request, scope), subjects, summarize=summarize)


# The rule that judges a branch's name: the one rule that runs on a branch meant as a hotfix
# branch that is none (rules/branch.py).
NAMING_RULE = "branch-name"


class BranchName(NamedTuple):
    """All the naming rule reads of a branch that is no hotfix branch: no change, no scope."""

    config: Config
    branch: str


def meant_as_hotfix(config: Config, branch: str) -> bool:
    """Whether BRANCH, no hotfix branch, is one but for case (`Hotfix/x`) and the naming rule
    is on to say so; with the rule off it is just another branch."""
    return config.case_only_pattern(branch) is not None and config.level(NAMING_RULE) != "off"


def naming_report(config: Config, branch: str, rules: Sequence[str] = ()) -> Report | None:
    """The naming rule's report on BRANCH, a branch that is no hotfix branch; None unless it is
    one but for case and the rule runs (among RULES when given)."""
    if not meant_as_hotfix(config, branch):
        return None
    named = BranchName(config, branch)
    chosen = [rule for rule in selected_rules(named, rules, CHANGE) if rule.name == NAMING_RULE]
    report = run_rules(named, chosen, branch)
    return report if report.findings else None


def change_report(ctx: Context, subjects: Sequence[Subject], *, summarize: bool = False) -> Report:
    """The rules about SUBJECTS on CTX, with the hotfix's overrides applied."""
    rules = ctx.request.rules
    chosen = [rule for subject in subjects for rule in selected_rules(ctx, rules, subject)]
    report = run_rules(ctx, chosen, ctx.scope.label)
    # Say so when the change was too big for every detail to be looked at.
    cut_short = analysis_findings(ctx) if chosen else []
    if cut_short:
        report = report._replace(findings=(*report.findings, *cut_short))
    if report.errors:
        report = overrides.with_override_hint(overrides.apply(report, ctx.overrides.valid, ()))
    return report._replace(summary=change_summary(ctx, len(chosen))) if summarize else report


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
        from hotfix_guard.git.records import OVERRIDE_KEY

        extra = tuple(
            (value, "message", "commit message", None, None)
            for key, value in repo.message_trailers(message.encode())
            if key.lower() == OVERRIDE_KEY.lower()
        )
    request = of_work_tree(config, rules)._replace(extra_overrides=extra)
    return check_change(repo, request, Target(branch, "HEAD", staged=True))


def push_stage(repo: Repository, pushed: Sequence[PushedRef], rules: Sequence[str] = ()) -> Report:
    """At push time: every pushed hotfix branch at the commit being pushed, main with what it
    lands, every pushed tag. Never by the work tree: a hotfix branch is judged by the config and
    git attributes committed in it, a tag by its commit's config, main by main's config before the
    update (request.py). The tests run last, and only when nothing else refused the push: there
    is no point waiting for a suite whose result cannot change the answer. Deletions are skipped
    (the server refuses those of main and the backport branches).
    """
    from hotfix_guard.engine.mainline import check_main_update

    olds = {ref.branch: ref.remote_sha for ref in pushed if ref.branch is not None}
    tips = [ref.local_sha for ref in pushed if not ref.is_deletion]
    found = main_before(repo, olds, rules, fallbacks=tips)
    reports: list[Report] = []
    to_test: list[Context] = []
    for ref in pushed:
        if ref.is_deletion or ref.branch is None:
            continue
        ctx: Context | None = None
        if found is not None and ref.branch == found.main.name:
            request = found.request._replace(pushed_tips=_pushed_tips(pushed))
            report, ctx = check_main_update(repo, request, (found.before, ref.local_sha))
        else:
            request = committed_at(repo, ref.local_sha, rules)
            report, ctx = _check_pushed_branch(repo, request, Target(ref.branch, ref.local_sha))
        reports.append(report)
        if ctx is not None and selected_rules(ctx, rules, PUSHED_TREE):
            to_test.append(ctx)
    reports.extend(check_pushed_tags(repo, pushed, rules))
    reports.extend(_run_tests(to_test, reports))
    return merge_reports(reports, subject="push")


def _pushed_tips(pushed: Sequence[PushedRef]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (ref.local_sha, ref.branch)
        for ref in pushed
        if ref.branch is not None and not ref.is_deletion
    )


def _check_pushed_branch(
    repo: Repository, request: Request, target: Target
) -> tuple[Report, Context | None]:
    """A pushed branch: its change and context when it is a hotfix branch."""
    assert target.branch is not None
    if not request.config.is_hotfix_branch(target.branch):
        return check_change(repo, request, target), None
    scope = scopes.resolve(repo, request.config, target, request.main)
    ctx = Context(repo, request, scope)
    return change_report(ctx, (CHANGE,)), ctx


def _run_tests(to_test: Sequence[Context], reports: Sequence[Report]) -> list[Report]:
    """The tests of TO_TEST, unless REPORTS refuse the push already."""
    if to_test and any(report.exit_code for report in reports):
        where = ", ".join(ctx.where for ctx in to_test)
        return [
            Report(
                subject="tests",
                notes=(
                    f"hotfix-guard: tests: not run for {where}: the push is refused by the "
                    "errors above already; fix them and push again",
                ),
            )
        ]
    tested_reports = []
    for ctx in to_test:
        chosen = selected_rules(ctx, ctx.request.rules, PUSHED_TREE)
        tested = run_rules(ctx, chosen, f"tests of {ctx.where} at {ctx.scope.head[:12]}")
        if tested.errors:  # an override trailer on the branch may let a failure through
            tested = overrides.apply(tested, ctx.overrides.valid, ())
        tested_reports.append(tested)
    return tested_reports


# --- tags: pushed, or named to check-tag----------------------------------------------------


def check_pushed_tags(
    repo: Repository, pushed: Sequence[PushedRef], rules: Sequence[str] = ()
) -> list[Report]:
    """Every pushed tag, judged by the config committed in the commit it tags."""
    from hotfix_guard.git.tags import TagQueries

    queries = TagQueries(repo)
    reports = []
    for ref in pushed:
        if ref.is_deletion or ref.tag is None:
            continue
        tag = queries.tag_ref(ref.tag, ref.local_sha)
        request = committed_at(repo, tag.commit or ref.local_sha, rules)
        reports.append(check_tag(repo, request, tag, queries))
    return reports


def check_tag(repo: Repository, request: Request, tag: TagRef, queries: TagQueries) -> Report:
    """The tag rules on one tag; a tag that is not a release tag passes with a note."""
    from hotfix_guard.releases.tags import TagContext

    ctx = TagContext(repo, request.config, tag, queries, request.main)
    if not ctx.is_release:
        why = "does not point at a commit" if tag.commit is None else "not a release tag"
        return Report(subject=f"tag {tag.name}", notes=(f"{tag.name}: {why}, no tag rule applies",))
    kind = f"hotfix tag ({ctx.hotfix})" if ctx.hotfix else "release tag"
    chosen = selected_rules(ctx, request.rules, TAG)
    names = ", ".join(rule.name for rule in chosen)
    summary = (
        f"hotfix-guard passed: {tag.name} is a good {kind}: {len(chosen)} checks passed ({names})"
    )
    return run_rules(ctx, chosen, f"{kind} {tag.name}")._replace(summary=summary)


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


def landed_hotfixes(ctx: Context) -> list[HotfixMerge]:
    """The hotfixes this push of main lands (between what the remote had and the pushed tip)."""
    from hotfix_guard.backport.merges import recognise  # main's push only

    if ctx.scope.base == ctx.scope.head:
        return []
    return recognise(ctx.repo, ctx.config, ctx.scope.main, [ctx.scope.head], [ctx.scope.base])
