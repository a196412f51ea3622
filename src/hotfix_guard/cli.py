"""The `hotfix-guard` command line: a thin click layer over stages, reports and the demo."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from hotfix_guard import __version__
from hotfix_guard.catalog import RULE_NAMES
from hotfix_guard.errors import UsageError, error_boundary

F = TypeVar("F", bound=Callable[..., Any])

rule_option = click.option(
    "--rule",
    "rules",
    multiple=True,
    type=click.Choice(RULE_NAMES),
    help="Run only this rule (repeatable). Default: every rule that is not off.",
)
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)


def stage_option(*stages: str, help: str) -> Callable[[F], F]:
    """--stage: the git hook calling, or auto."""
    return click.option(
        "--stage",
        type=click.Choice(["auto", *stages]),
        default="auto",
        show_default=True,
        help=f"The git hook calling. {help}",
    )


class GuardedCommand(click.Command):
    """A command run inside the one error boundary (errors.error_boundary)."""

    def invoke(self, ctx: click.Context) -> Any:
        with error_boundary(self.name or "?"):
            return super().invoke(ctx)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotfix-guard")
def cli() -> None:
    """Enforce the hotfix process on hotfix/* branches: small, clean, tested, tagged, backported."""


cli.command_class = GuardedCommand


def _open() -> tuple[Any, Any]:
    from hotfix_guard.config import load
    from hotfix_guard.git import Repository

    repo = Repository.discover()
    return repo, load(repo.root)


def _emit(report: Any, output_format: str) -> None:
    from hotfix_guard.report import render_json, render_text

    if output_format == "json":
        click.echo(render_json(report))
    elif report.findings:
        click.echo(render_text(report))
    elif report.summary:
        click.echo(report.summary)
    elif report.notes:
        click.echo("\n".join(report.notes))
    sys.exit(report.exit_code)


@cli.command()
@click.option("--base", help="Compare against this commit or branch instead of main.")
@click.option("--head", help="Check this branch or commit instead of the checked-out branch.")
@click.option(
    "--staged/--no-staged",
    default=None,
    help="Include the staged index. Default: on for the checked-out branch, off with --head.",
)
@rule_option
@format_option
def check(
    base: str | None,
    head: str | None,
    staged: bool | None,
    rules: Sequence[str],
    output_format: str,
) -> None:
    """Check the hotfix branch's change (the checked-out branch, or --head) against main."""
    from hotfix_guard import scope, stages

    repo, config = _open()
    if head is None:
        branch = scope.current_branch(repo)
        if branch is None:
            raise UsageError(
                "HEAD is detached: check out the hotfix branch or pass --head hotfix/<name>"
            )
        head_rev, include_index = "HEAD", True if staged is None else staged
    else:
        branch, head_rev, include_index = scope.branch_of(repo, head), head, bool(staged)
        if include_index and repo.resolve_commit(head) != repo.resolve_commit("HEAD"):
            raise UsageError("--staged needs --head to be the checked-out commit")
    report = stages.check_change(
        repo,
        config,
        branch=branch,
        head=head_rev,
        staged=include_index,
        base=base,
        rules=rules,
        summarize=True,
    )
    _emit(report, output_format)


@cli.command()
@stage_option("pre-commit", "pre-push", help="auto: tell from pre-commit's environment.")
@rule_option
@click.argument("hook_args", nargs=-1, type=click.UNPROCESSED)
def hook(stage: str, rules: Sequence[str], hook_args: Sequence[str]) -> None:
    """Run the checks of the current git stage (what the pre-commit hooks and hooks/ call).

    Under pre-commit the stage is told by its environment. The scripts in hooks/ pass --stage and
    git's own hook arguments; at pre-push the pushed refs are read from stdin.
    """
    from hotfix_guard import stages

    repo, config = _open()
    pushed = _pushed_refs(stage, repo)
    if pushed is None:
        report = stages.commit_stage(repo, config, rules)
    elif stage == "auto" and _native_push_hook_checks_it(repo):
        report = _note_report("this push is checked by hotfix-guard's own pre-push hook")
    else:
        report = stages.push_stage(repo, config, pushed, rules)
    _emit(report, "text")


def _native_push_hook_checks_it(repo: Any) -> bool:
    """Under pre-commit at pre-push: `hotfix-guard install`'s hook already checks every ref."""
    from hotfix_guard.hookinstall import native_hook_installed

    return native_hook_installed(repo, "pre-push")


def _pushed_refs(stage: str, repo: Any) -> list[Any] | None:
    """The refs being pushed, or None at commit time."""
    from hotfix_guard.stages import ZERO_SHA, PushedRef, parse_push_lines

    if stage == "pre-push":
        return parse_push_lines(sys.stdin.read())
    env = os.environ
    if stage == "pre-commit" or not (
        "PRE_COMMIT_LOCAL_BRANCH" in env or "PRE_COMMIT_TO_REF" in env
    ):
        return None
    local_ref = env.get("PRE_COMMIT_LOCAL_BRANCH") or repo.symbolic_head() or "HEAD"
    to_ref = env.get("PRE_COMMIT_TO_REF") or local_ref
    # A tag is checked as the object pushed (an annotated tag's own id), not the commit.
    resolve = repo.resolve_object if local_ref.startswith("refs/tags/") else repo.resolve_commit
    local_sha = resolve(to_ref)
    if local_sha is None:
        raise UsageError(f"cannot resolve the pushed commit {to_ref!r}")
    return [
        PushedRef(
            local_ref=local_ref,
            local_sha=local_sha,
            remote_ref=env.get("PRE_COMMIT_REMOTE_BRANCH", local_ref),
            remote_sha=env.get("PRE_COMMIT_FROM_REF") or ZERO_SHA,
        )
    ]


@cli.command("backport-status")
@click.option(
    "--since",
    metavar="DATE",
    help="Hotfixes merged into main from this date on (YYYY-MM-DD). Default: 90 days ago.",
)
@format_option
def backport_status(since: str | None, output_format: str) -> None:
    """List the hotfixes merged into main and whether each reached every backport branch.

    Exit status 1 when a backport is missing, so CI can use it.
    """
    from hotfix_guard.backport.status import render_status_json, render_status_text, status

    repo, config = _open()
    report = status(repo, config, since)
    render = render_status_json if output_format == "json" else render_status_text
    click.echo(render(report))
    sys.exit(report.exit_code)


@cli.command("backport-reminder")
@stage_option(
    "post-merge", "post-commit", help="auto: post-merge when pre-commit says so, else post-commit."
)
@click.argument("squash_flag", required=False, metavar="[SQUASH]")
def backport_reminder(stage: str, squash_flag: str | None) -> None:
    """After a hotfix is merged into main: which backport branches lack it, and how to backport.

    What the hotfix-backport hook runs at post-merge and post-commit. It never changes the work
    tree or index, and always exits 0: git ignores the status of these hooks. A plain git
    post-merge hook passes git's argument on as SQUASH (1 after `git merge --squash`); under
    pre-commit it comes from PRE_COMMIT_IS_SQUASH_MERGE.
    """
    from hotfix_guard.backport.status import POST_COMMIT, POST_MERGE, reminder

    squash_flag = squash_flag or os.environ.get("PRE_COMMIT_IS_SQUASH_MERGE")
    if stage == "auto":
        stage = POST_MERGE if squash_flag is not None else POST_COMMIT
    try:
        repo, config = _open()
        text = reminder(repo, config, stage, squash=squash_flag == "1")
    except UsageError as error:
        text = f"hotfix-guard: {error}"
    if text:
        click.echo(text)


@cli.command()
@click.option("--keep", is_flag=True, help="Keep the throwaway repository and print its path.")
def demo(keep: bool) -> None:
    """Build a throwaway repository with a good and a bad hotfix, and check both."""
    from hotfix_guard.demo import run_demo

    sys.exit(run_demo(keep=keep, echo=click.echo))


# --- push time: tests, tags, native hooks--------------------------------------------------


@cli.command("run-tests")
@click.option("--no-cache", is_flag=True, help="Run even if this tree passed before.")
def run_tests(no_cache: bool) -> None:
    """Run test-commands on the HEAD commit as a push of it would (uncommitted work left out)."""
    from hotfix_guard import scope
    from hotfix_guard.report import Report
    from hotfix_guard.testrun import tests_findings

    repo, config = _open()
    head = repo.resolve_commit("HEAD")
    if head is None:
        raise UsageError("HEAD has no commit yet: commit first, then run the tests")
    where = scope.current_branch(repo) or head[:12]
    findings = tests_findings(repo, config, head, where, use_cache=not no_cache)
    _emit(Report(subject=f"tests of {where} at {head[:12]}", findings=tuple(findings)), "text")


@cli.command("check-tag")
@click.option(
    "--remote",
    default="origin",
    show_default=True,
    help="Without TAG arguments: check the local tags this remote does not have.",
)
@rule_option
@format_option
@click.argument("tags", nargs=-1)
def check_tag(remote: str, rules: Sequence[str], output_format: str, tags: Sequence[str]) -> None:
    """Check release tags: the named TAGS, or the local tags the remote does not have yet."""
    from hotfix_guard.git.push import PushQueries
    from hotfix_guard.stages import check_tag as check_one
    from hotfix_guard.stages import merge_reports

    repo, config = _open()
    queries = PushQueries(repo)
    if tags:
        missing = [name for name in tags if name not in queries.tags]
        if missing:
            raise UsageError(f"no such tag: {', '.join(missing)} (git tag --list shows the tags)")
        names = list(tags)
    else:
        on_remote = queries.remote_tag_names(remote)
        names = sorted(name for name in queries.tags if name not in on_remote)
    reports = [check_one(repo, config, queries.tags[name], queries, rules) for name in names]
    report = merge_reports(reports, subject="tags")
    if not names:
        report = _note_report(f"every local tag is on {remote} already, nothing to check")
    _emit(report, output_format)


def _note_report(note: str) -> Any:
    """A passing report that only says NOTE."""
    from hotfix_guard.report import Report

    return Report(subject=note, notes=(f"hotfix-guard: {note}",))


@cli.command()
@click.option("--uninstall", is_flag=True, help="Remove the hooks and put back what was there.")
@click.option(
    "--hook-type",
    "hook_types",
    multiple=True,
    type=click.Choice(["pre-commit", "pre-push"]),
    help="Hook to (un)install (repeatable). Default: pre-push, and pre-commit unless pre-commit "
    "(the framework) manages that hook.",
)
def install(uninstall: bool, hook_types: Sequence[str]) -> None:
    """Install hotfix-guard's own git hooks, chaining the hooks already there (pre-commit's too).

    The pre-push hook checks every pushed ref, tag-only pushes included, which pre-commit's
    pre-push stage cannot see.
    """
    from hotfix_guard import hookinstall
    from hotfix_guard.git import Repository

    repo = Repository.discover()
    if uninstall:
        chosen = hook_types or hookinstall.HOOK_TYPES
        for hook_type in chosen:
            click.echo(hookinstall.uninstall(repo, hook_type))
        return
    chosen = hook_types or hookinstall.default_hook_types(repo)
    for hook_type in chosen:
        click.echo(hookinstall.install(repo, hook_type, sys.executable))
