"""Commands that check: a hotfix branch (`check`, `hook`), its tests (`run-tests`), tags."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from hotfix_guard.commands.common import (
    GuardedCommand,
    click_options,
    emit_and_exit,
    format_option,
    note_report,
    open_repository,
    rule_option,
)
from hotfix_guard.engine.invocation import CHECK_OPTIONS, HOOK_OPTIONS
from hotfix_guard.errors import UsageError


@click.command(cls=GuardedCommand)
@click_options(CHECK_OPTIONS)
def check(
    base: str | None,
    head: str | None,
    staged: bool | None,
    rules: Sequence[str],
    output_format: str,
) -> None:
    """Check the hotfix branch's change (the checked-out branch, or --head) against main."""
    from hotfix_guard.engine.stages import check_report

    _refuse_rules_check_does_not_run(rules)
    repo, config = open_repository()
    report = check_report(repo, config, head=head, base=base, staged=staged, rules=rules)
    emit_and_exit(report, output_format)


# Where a rule that `check` does not run is checked, by what it looks at.
_CHECKED_ELSEWHERE = {
    "pushed-tree": "at push time; hotfix-guard run-tests runs the tests on HEAD now",
    "tag": "on tags: hotfix-guard check-tag [TAG...]",
    "main": "when main is pushed; hotfix-guard backport-status lists the backports",
}


def _refuse_rules_check_does_not_run(rules: Sequence[str]) -> None:
    """`check --rule tests` would run nothing and say ok: say where the rule is checked."""
    from hotfix_guard.catalog import BY_NAME, CHANGE

    for name in rules:
        subject = BY_NAME[name].subject
        if subject != CHANGE:
            raise UsageError(
                f"--rule {name}: check does not run it, it is checked {_CHECKED_ELSEWHERE[subject]}"
            )


@click.command(cls=GuardedCommand)
@click_options(HOOK_OPTIONS)
@click.argument("hook_args", nargs=-1, type=click.UNPROCESSED)
def hook(stage: str, rules: Sequence[str], hook_args: Sequence[str]) -> None:
    """Run the checks of the current git stage (what the pre-commit hooks and hooks/ call).

    Under pre-commit the stage is told by its environment. The scripts in hooks/ pass --stage and
    git's own hook arguments; at pre-push the pushed refs are read from stdin. At commit-msg the
    argument is the message file: its Hotfix-Guard-Override trailers count.
    """
    from hotfix_guard.engine.invocation import from_hook
    from hotfix_guard.engine.stages import hook_report

    call = from_hook(stage, hook_args, os.environ, sys.stdin.read)
    repo, config = open_repository()
    emit_and_exit(hook_report(repo, config, call, rules), "text")


@click.command("run-tests", cls=GuardedCommand)
@click.option("--no-cache", is_flag=True, help="Run even if this tree passed before.")
def run_tests(no_cache: bool) -> None:
    """Run test-commands on the HEAD commit as a push of it would (uncommitted work left out)."""
    from hotfix_guard import scope
    from hotfix_guard.report.findings import Report
    from hotfix_guard.testrun.run import tests_findings

    repo, config = open_repository()
    head = repo.resolve_commit("HEAD")
    if head is None:
        raise UsageError("HEAD has no commit yet: commit first, then run the tests")
    where = scope.current_branch(repo) or head[:12]
    findings = tests_findings(repo, config, head, where, use_cache=not no_cache)
    emit_and_exit(
        Report(subject=f"tests of {where} at {head[:12]}", findings=tuple(findings)), "text"
    )


@click.command("check-tag", cls=GuardedCommand)
@click.option(
    "--remote",
    default="origin",
    show_default=True,
    help="Without TAG arguments: check the local tags this remote does not have.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also say which version files each tag has.")
@rule_option
@format_option
@click.argument("tags", nargs=-1)
def check_tag(
    remote: str, verbose: bool, rules: Sequence[str], output_format: str, tags: Sequence[str]
) -> None:
    """Check release tags: the named TAGS, or the local tags the remote does not have yet."""
    from hotfix_guard.engine.request import of_work_tree
    from hotfix_guard.engine.stages import check_tag as check_one
    from hotfix_guard.engine.stages import merge_reports
    from hotfix_guard.git.tags import TagQueries

    repo, config = open_repository()
    queries = TagQueries(repo)
    if tags:
        missing = [name for name in tags if name not in queries.tags]
        if missing:
            raise UsageError(f"no such tag: {', '.join(missing)} (git tag --list shows the tags)")
        names = list(tags)
    else:
        on_remote = queries.remote_tag_names(remote)
        names = sorted(name for name in queries.tags if name not in on_remote)
    request = of_work_tree(config, rules)
    reports = [check_one(repo, request, queries.tags[name], queries) for name in names]
    if verbose:
        from hotfix_guard.versions.tree import version_notes

        reports = [
            version_notes(repo, config, queries.tags[name], report)
            for name, report in zip(names, reports)
        ]
    report = merge_reports(reports, subject="tags")
    if not names:
        report = note_report(f"every local tag is on {remote} already, nothing to check")
    emit_and_exit(report, output_format)
