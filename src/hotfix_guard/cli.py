"""The `hotfix-guard` command line: a thin click layer over stages, reports and the demo."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import click

from hotfix_guard import __version__
from hotfix_guard.catalog import RULE_NAMES
from hotfix_guard.config import STATUS_STATES
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
    from hotfix_guard.stages import emit

    sys.exit(emit(report, output_format))


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
    from hotfix_guard.stages import check_report

    repo, config = _open()
    report = check_report(repo, config, head=head, base=base, staged=staged, rules=rules)
    _emit(report, output_format)


@cli.command()
@stage_option(
    "pre-commit", "commit-msg", "pre-push", help="auto: tell from pre-commit's environment."
)
@rule_option
@click.argument("hook_args", nargs=-1, type=click.UNPROCESSED)
def hook(stage: str, rules: Sequence[str], hook_args: Sequence[str]) -> None:
    """Run the checks of the current git stage (what the pre-commit hooks and hooks/ call).

    Under pre-commit the stage is told by its environment. The scripts in hooks/ pass --stage and
    git's own hook arguments; at pre-push the pushed refs are read from stdin. At commit-msg the
    argument is the message file: its Hotfix-Guard-Override trailers count.
    """
    from hotfix_guard.invocation import from_hook
    from hotfix_guard.stages import hook_report

    call = from_hook(stage, hook_args, os.environ, sys.stdin.read)
    repo, config = _open()
    _emit(hook_report(repo, config, call, rules), "text")


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
    from hotfix_guard.invocation import from_hook

    if stage == "auto" and squash_flag is not None:
        stage = POST_MERGE  # git's own post-merge hook passed its argument on
    call = from_hook(stage, (squash_flag,) if squash_flag else (), os.environ, str)
    try:
        repo, config = _open()
        text = reminder(
            repo,
            config,
            POST_MERGE if call.stage == POST_MERGE else POST_COMMIT,
            squash=call.squash,
            merged=call.merged_branch,
        )
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
    type=click.Choice(["pre-commit", "pre-push", "prepare-commit-msg", "commit-msg"]),
    help="Hook to (un)install (repeatable). Default: pre-push, and pre-commit unless pre-commit "
    "(the framework) manages that hook. The incident trailers need prepare-commit-msg and "
    "commit-msg, named.",
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
        chosen = hook_types or hookinstall.uninstall_default(repo)
        for hook_type in chosen:
            click.echo(hookinstall.uninstall(repo, hook_type))
        return
    chosen = hook_types or hookinstall.default_hook_types(repo)
    for hook_type in chosen:
        click.echo(hookinstall.install(repo, hook_type, sys.executable))


# --- the incident after the fix: postmortem drafts and status-page messages (issue 13) --------


@cli.command()
@click.argument("tag", required=False)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the draft here ('-': print it). Default: <postmortem-dir>/<date>-<slug>.md.",
)
def postmortem(tag: str | None, output: str | None) -> None:
    """Draft the postmortem of hotfix TAG (default: the latest hotfix tag) from git.

    The timeline, summary and resolution come from git; impact, root cause, trigger, detection,
    action items and lessons are left for people. An existing file is never overwritten.
    """
    from pathlib import Path

    from hotfix_guard.incident import postmortem as drafts

    repo, config = _open()
    hotfix, text = drafts.draft(repo, config, tag)
    if output == "-":
        click.echo(text, nl=False)
        return
    path = Path(output) if output else drafts.default_path(repo.root, hotfix, config)
    drafts.write(path, text)
    shown = os.path.relpath(path) if output is None else output
    click.echo(
        f"wrote {shown}: the postmortem draft of {hotfix.tag.name} ({len(hotfix.events)} "
        f"timeline rows from git); fill in: {', '.join(drafts.TO_FILL).lower()}"
    )


@cli.command("status-message")
@click.argument("state", type=click.Choice(STATUS_STATES))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--time",
    "when",
    default="now",
    metavar="WHEN",
    help="The update's time (ISO 8601, e.g. 2026-11-28T22:40:00Z). Default: now.",
)
def status_message(state: str, output_format: str, when: str) -> None:
    """The status-page update for the current incident: the checked-out hotfix branch, else the
    latest hotfix tag. Severity sets the impact and when the next update is due."""
    from hotfix_guard.incident import status_message as messages
    from hotfix_guard.incident.record import parse_time

    moment = parse_time(when)
    repo, config = _open()
    incident = messages.current_incident(repo, config)
    message = messages.compose(cast(messages.State, state), incident, config, moment)
    render = {
        "text": messages.render_text,
        "markdown": messages.render_markdown,
        "json": messages.render_json,
    }[output_format]
    click.echo(render(message))


# --- enforcement: CI, the server, overrides (issue 14) ---------------------------------------


@cli.command()
@click.option(
    "--base", help="Judge against this branch or commit (default: what CI says, or main)."
)
@click.option("--head", help="Check this branch or commit (default: what CI says).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github", "sarif", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format: github prints workflow commands; sarif and gitlab write reports.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file and the text report to stdout.",
)
@click.option("--tests", is_flag=True, help="Run test-commands too (CI usually runs tests itself).")
def ci(
    base: str | None, head: str | None, output_format: str, output: str | None, tests: bool
) -> None:
    """Check what a CI run is about: a pull/merge request, a pushed branch, a tag pipeline.

    Reads GitHub Actions and GitLab CI variables; --base/--head say it anywhere else. The config
    comes from the target branch, never from the commits being checked.
    """
    from hotfix_guard.ci.environment import detect
    from hotfix_guard.ci.run import run
    from hotfix_guard.formats import render, rule_infos
    from hotfix_guard.git import Repository
    from hotfix_guard.report import render_text

    repo = Repository.discover()
    target = detect(os.environ, base=base, head=head)
    result = run(repo, target, tests=tests)
    click.echo(
        f"hotfix-guard ci: {target.description} (config from {result.config_from})", err=True
    )
    # A finding without a path is shown at the config file that governs it.
    anchor = result.config.source or ".hotfix-guard.toml"
    rendered = render(result.report, output_format, rule_infos(result.config), anchor)
    if output is None:
        click.echo(rendered)
    else:
        with open(output, "w", encoding="utf-8") as file:
            file.write(rendered + "\n")
        click.echo(render_text(result.report))
    sys.exit(result.report.exit_code)


@cli.command("pre-receive")
def pre_receive() -> None:
    """Check every ref a push updates, on the server (what hooks/pre-receive runs).

    Reads git's `<old> <new> <ref>` lines from stdin in the bare repository; a non-zero exit
    refuses the whole push. Push options hotfix-guard.override="<rule>: <reason>" are honoured
    and recorded. Under GitLab, the lines of a refusal start with GL-HOOK-ERR: so its UI shows them.
    """
    from hotfix_guard.git.records import open_bare
    from hotfix_guard.report import render_text
    from hotfix_guard.server.prereceive import prefix_lines, read_invocation, run

    # Errors go through the error boundary, which prefixes them for GitLab too.
    invocation = read_invocation(os.fsdecode(sys.stdin.buffer.read()), os.environ)
    report, _ = run(open_bare("."), invocation)
    if report.findings or report.notes:
        text = render_text(report) if report.findings else "\n".join(report.notes)
        click.echo(prefix_lines(text, not report.ok), err=True)
    sys.exit(report.exit_code)


@cli.command()
@click.option("--since", metavar="WHEN", help="From this time on: YYYY-MM-DD, ISO 8601, 30d, 2w.")
@format_option
def overrides(since: str | None, output_format: str) -> None:
    """List every override: trailers in history and push options the server recorded."""
    from hotfix_guard.git import Repository
    from hotfix_guard.git.records import open_bare
    from hotfix_guard.overrides.history import entries, parse_since, render_json, render_text

    try:
        repo = Repository.discover()
    except UsageError:
        repo = open_bare(".")  # on the server, in the bare repository
    found = entries(repo, parse_since(since) if since else None)
    click.echo(render_json(found) if output_format == "json" else render_text(found))


# --- the hotfix lifecycle: start, the trailers hook, finish, status (issue 12) ----------------


def _open_lifecycle() -> tuple[Any, Any]:
    from hotfix_guard.lifecycle.common import with_gitflow

    repo, config = _open()
    return repo, with_gitflow(repo, config)


@cli.command()
@click.argument("description")
@click.option(
    "--severity",
    required=True,
    type=click.Choice(["P0", "P1", "P2", "P3"]),
    help="P0 critical (1 h), P1 high (4 h), P2 medium (24 h), P3 low (next release).",
)
@click.option("--incident", metavar="ID", help="The incident's id or URL.")
@click.option(
    "--detected",
    metavar="WHEN",
    default="now",
    show_default=True,
    help="When the incident was detected: ISO 8601 (2026-11-28T22:40:00Z; no zone = UTC) or now.",
)
@click.option("--no-fetch", is_flag=True, help="Do not fetch the remote first.")
def start(
    description: str, severity: str, incident: str | None, detected: str, no_fetch: bool
) -> None:
    """Cut hotfix/<slug of DESCRIPTION> from an up-to-date main and record the incident."""
    from hotfix_guard.incident.record import parse_time
    from hotfix_guard.lifecycle.common import now
    from hotfix_guard.lifecycle.start import StartRequest
    from hotfix_guard.lifecycle.start import start as start_hotfix

    repo, config = _open_lifecycle()
    moment = now()
    request = StartRequest(
        description, severity, incident, parse_time(detected, moment), not no_fetch
    )
    start_hotfix(repo, config, request, click.echo, moment)


@cli.command()
@click.argument("message_file", required=False, type=click.Path(dir_okay=False))
@click.argument("git_args", nargs=-1)
def trailers(message_file: str | None, git_args: Sequence[str]) -> None:
    """Add the hotfix's incident trailers to the commit message in MESSAGE_FILE.

    What the hotfix-trailers hook runs at prepare-commit-msg. A trailer the message has already
    is not added again. Without MESSAGE_FILE: print the trailers the checked-out hotfix carries.
    """
    from pathlib import Path

    from hotfix_guard.lifecycle.trailers import add_trailers, branch_trailers

    repo, config = _open_lifecycle()
    if message_file is None:
        record = branch_trailers(repo, config)
        for key, value in record.trailers() if record else []:
            click.echo(f"{key}: {value}")
        return
    add_trailers(repo, config, Path(message_file))


@cli.command()
@click.option("--push", is_flag=True, help="Push main, the backports and the tag atomically.")
@click.option("--no-backport", is_flag=True, help="Do not merge into the backport branches.")
@click.option("--keep", is_flag=True, help="With --push: keep the hotfix branch.")
@click.option("--dry-run", is_flag=True, help="Check and print the plan; change nothing.")
@click.option("--continue", "resume", is_flag=True, help="Resume a stopped finish.")
@click.option("--abort", is_flag=True, help="Undo a stopped finish: refs and work tree as before.")
def finish(
    push: bool, no_backport: bool, keep: bool, dry_run: bool, resume: bool, abort: bool
) -> None:
    """Merge the hotfix into main (--no-ff), tag the next patch, backport, and with --push push.

    Everything is checked before a ref moves. A conflict, a failure or Ctrl-C stops with the
    state saved in this work tree's git dir: then `finish --continue` or `finish --abort`.
    """
    from hotfix_guard.lifecycle.finish import Mode, finish_command
    from hotfix_guard.lifecycle.plan import FinishOptions

    if resume and abort:
        raise UsageError("--continue and --abort exclude each other")
    if (resume or abort) and (push or no_backport or keep or dry_run):
        raise UsageError("--continue and --abort take no other option: the saved plan is used")
    mode: Mode = "abort" if abort else "continue" if resume else "dry-run" if dry_run else "run"
    repo, config = _open_lifecycle()
    options = FinishOptions(push=push, backport=not no_backport, keep=keep)
    warn = functools.partial(click.echo, err=True)
    sys.exit(finish_command(repo, config, mode, options, click.echo, warn))


@cli.command()
@format_option
def status(output_format: str) -> None:
    """Every open hotfix and every hotfix merged in the last 30 days: incident, clock, size,
    tests, merged, tagged, pushed, backports, postmortem. Always exits 0."""
    from hotfix_guard.lifecycle.common import now
    from hotfix_guard.lifecycle.status import collect, render_json, render_text

    repo, config = _open_lifecycle()
    statuses = collect(repo, config, now())
    click.echo(render_json(statuses) if output_format == "json" else render_text(statuses))
