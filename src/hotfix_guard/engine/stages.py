"""What runs at each git stage: commit (staged change), push (every pushed ref), and by hand."""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from hotfix_guard import scope as scopes
from hotfix_guard.catalog import CHANGE, MAIN, PUSHED_TREE, TAG, Subject
from hotfix_guard.config.loader import Config, load_at
from hotfix_guard.engine.context import Context
from hotfix_guard.engine.invocation import Invocation, PushedRef
from hotfix_guard.engine.runner import SEVERITY_OF_LEVEL, run_rules, selected_rules
from hotfix_guard.errors import UsageError
from hotfix_guard.git.process import is_zero_id
from hotfix_guard.git.repository import Repository
from hotfix_guard.overrides import trailers as overrides
from hotfix_guard.overrides.trailers import OverrideValue
from hotfix_guard.report.findings import Finding, Report

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
    return push_stage(repo, config, pushed, rules)


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
    return check_change(
        repo,
        config,
        branch=branch,
        head=head_rev,
        staged=include_index,
        base=base,
        rules=rules,
        summarize=True,
    )


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
    return _change_report(ctx, rules, subjects, summarize=summarize)


def _change_report(
    ctx: Context, rules: Sequence[str], subjects: Sequence[Subject], *, summarize: bool = False
) -> Report:
    chosen = [rule for subject in subjects for rule in selected_rules(ctx, rules, subject)]
    report = run_rules(ctx, chosen, ctx.scope.label)
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
        from hotfix_guard.git.records import OVERRIDE_KEY

        extra = tuple(
            (value, "message", "commit message", None, None)
            for key, value in repo.message_trailers(message.encode())
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
    found = scopes.main_or_none(repo, config)
    main = found.name if found else None
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


def check_main(
    repo: Repository,
    config: Config,
    *,
    head: str,
    rules: Sequence[str] = (),
    main: scopes.MainBranch | None = None,
) -> Report:
    """Run the rules about main (backport) on main at HEAD (nothing newly landed: CI, server)."""
    from hotfix_guard.backport.merges import DEFAULT_WINDOW_DAYS

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
    from hotfix_guard.backport.merges import DEFAULT_WINDOW_DAYS

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
    from hotfix_guard.git.tags import TagQueries

    queries = TagQueries(repo)
    return [
        check_tag(repo, config, queries.tag_ref(ref.tag, ref.local_sha), queries, rules)
        for ref in pushed
        if not ref.is_deletion and ref.tag is not None
    ]


def check_tag(
    repo: Repository,
    config: Config,
    tag: TagRef,
    queries: TagQueries,
    rules: Sequence[str] = (),
    main: scopes.MainBranch | None = None,
) -> Report:
    """The tag rules on one tag; a tag that is not a release tag passes with a note."""
    from hotfix_guard.releases.tags import TagContext

    ctx = TagContext(repo, config, tag, queries, main)
    if not ctx.is_release:
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


def case_only_match(branch: str, config: Config) -> Finding | None:
    """A branch that is a hotfix branch only when case is ignored (`Hotfix/fix-login`).

    git refs are case-sensitive, so it is not one, yet it was meant to be: passing it silently
    would let a hotfix skip every check. It is a branch-name error, reported where the check
    would otherwise say "not a hotfix branch".
    """
    from fnmatch import fnmatchcase

    if config.is_hotfix_branch(branch) or config.level("branch-name") == "off":
        return None
    folded = branch.casefold()
    matched = [p for p in config.branch_patterns if fnmatchcase(folded, p.casefold())]
    if not matched:
        return None
    pattern = matched[0]
    # The pattern's literal start in its own case (`hotfix/` of `hotfix/*`) names the branch.
    literal = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    fixed = literal + branch[len(literal) :]
    return Finding(
        f"{branch!r} matches branch-patterns ({pattern!r}) only when case is ignored, so no "
        f"hotfix check ran; rename it: git branch -m {shlex.quote(branch)} {shlex.quote(fixed)}",
        ref=branch,
        fix=f"git branch -m {shlex.quote(branch)} {shlex.quote(fixed)}",
    )


def landed_hotfixes(ctx: Context) -> list[HotfixMerge]:
    """The hotfixes this push of main lands (between what the remote had and the pushed tip)."""
    from hotfix_guard.backport.merges import recognise  # main's push only

    if ctx.scope.base == ctx.scope.head:
        return []
    return recognise(ctx.repo, ctx.config, ctx.scope.main, [ctx.scope.head], [ctx.scope.base])
