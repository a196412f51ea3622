"""The hotfix lifecycle: `start`, the `trailers` hook, `finish` and `status`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from typing import Any

import click

from hotfix_guard.commands.common import GuardedCommand, format_option, open_lifecycle
from hotfix_guard.config.defaults import severity_help
from hotfix_guard.errors import UsageError


@click.command(cls=GuardedCommand)
@click.argument("description", required=False)
@click.option(
    "--severity",
    type=click.Choice(["P0", "P1", "P2", "P3"]),
    help=f"The runbook's level (required): {severity_help()}.",
)
@click.option("--incident", metavar="ID", help="The incident's id or URL.")
@click.option(
    "--detected",
    metavar="WHEN",
    default="now",
    show_default=True,
    help="When the incident was detected: ISO 8601 (2026-11-28T22:40:00Z; no zone = UTC) or now.",
)
@click.option("--service", metavar="NAME", help="The affected service, as status messages name it.")
@click.option("--impact", metavar="TEXT", help="One line: who is affected and how.")
@click.option(
    "--mitigation",
    type=click.Choice(["rollback", "hotfix", "feature-flag"]),
    default="hotfix",
    show_default=True,
    help="rollback: revert to the last good release (cause unclear); hotfix: a minimal change "
    "(cause clear); feature-flag: disable the feature (change only feature-flag-paths).",
)
@click.option(
    "--good",
    metavar="TAG",
    help="With --mitigation rollback: the last known good release (default: the one before "
    "the newest release on main).",
)
@click.option("--no-fetch", is_flag=True, help="Do not fetch the remote first.")
@click.option("--continue", "resume", is_flag=True, help="Resume a rollback stopped by a conflict.")
@click.option("--abort", is_flag=True, help="Undo a stopped rollback: delete its branch.")
def start(description: str | None, resume: bool, abort: bool, **options: Any) -> None:
    """Cut hotfix/<slug of DESCRIPTION> from an up-to-date main and record the incident.

    With --mitigation rollback: cut hotfix/rollback-to-<good tag> and revert what main gained
    since the last known good release; a conflict stops with --continue and --abort as the ways
    on."""
    from hotfix_guard.incident.record import parse_time
    from hotfix_guard.lifecycle import rollback as rollbacks
    from hotfix_guard.lifecycle.common import now
    from hotfix_guard.lifecycle.start import StartRequest
    from hotfix_guard.lifecycle.start import start as start_hotfix

    given = [f"--{key.replace('_', '-')}" for key, value in options.items() if value not in
             (None, False, "now", "hotfix")]  # fmt: skip
    if resume or abort:
        if (resume and abort) or description or given:
            raise UsageError("start --continue and --abort take no other argument or option")
        repo, config = open_lifecycle()
        try:
            if resume:
                rollbacks.resume(repo, click.echo)
            else:
                sys.exit(rollbacks.abort(repo, click.echo, functools.partial(click.echo, err=True)))
        except rollbacks.RollbackStopped as stopped:
            click.echo(str(stopped), err=True)
            sys.exit(1)
        return
    if description is None or options["severity"] is None:
        raise UsageError("start needs DESCRIPTION and --severity P0..P3 (or --continue, --abort)")
    if options["good"] is not None and options["mitigation"] != "rollback":
        raise UsageError(
            "--good names the release a rollback goes back to: add --mitigation rollback"
        )
    repo, config = open_lifecycle()
    moment = now()
    request = StartRequest(
        description,
        options["severity"],
        options["incident"],
        parse_time(options["detected"], moment),
        not options["no_fetch"],
        service=options["service"],
        impact=options["impact"],
        mitigation=options["mitigation"],
        good=options["good"],
    )
    try:
        with repo.remembering():  # start asks some things twice (the tags, for assess)
            start_hotfix(repo, config, request, click.echo, moment)
    except rollbacks.RollbackStopped as stopped:
        click.echo(str(stopped), err=True)
        sys.exit(1)


@click.command(cls=GuardedCommand)
@click.argument("message_file", required=False, type=click.Path(dir_okay=False))
@click.argument("git_args", nargs=-1)
def trailers(message_file: str | None, git_args: Sequence[str]) -> None:
    """Add the hotfix's incident trailers to the commit message in MESSAGE_FILE.

    What the hotfix-trailers hook runs at prepare-commit-msg. A trailer the message has already
    is not added again. Without MESSAGE_FILE: print the trailers the checked-out hotfix carries.
    """
    from pathlib import Path

    from hotfix_guard.lifecycle.trailers import add_trailers, branch_trailers

    repo, config = open_lifecycle()
    if message_file is None:
        record = branch_trailers(repo, config)
        for key, value in record.trailers() if record else []:
            click.echo(f"{key}: {value}")
        return
    add_trailers(repo, config, Path(message_file))  # what message_hook does without click


@click.command(cls=GuardedCommand)
@click.option("--push", is_flag=True, help="Push main, the backports and the tag atomically.")
@click.option("--no-backport", is_flag=True, help="Do not merge into the backport branches.")
@click.option("--keep", is_flag=True, help="With --push: keep the hotfix branch.")
@click.option("--dry-run", is_flag=True, help="Check and print the plan; change nothing.")
@click.option("--no-bump", is_flag=True, help="Do not commit the new version to the version files.")
@click.option("--continue", "resume", is_flag=True, help="Resume a stopped finish.")
@click.option("--abort", is_flag=True, help="Undo a stopped finish: refs and work tree as before.")
def finish(resume: bool, abort: bool, **plan_flags: bool) -> None:
    """Bump the version files, merge the hotfix into main (--no-ff), tag the next patch,
    backport (each backport branch keeps its own version), and with --push push.

    Everything is checked before a ref moves. A conflict, a failure or Ctrl-C stops with the
    state saved in this work tree's git dir: then `finish --continue` or `finish --abort`.
    """
    from hotfix_guard.lifecycle.finish import Mode, finish_command
    from hotfix_guard.lifecycle.plan import FinishOptions

    if resume and abort:
        raise UsageError("--continue and --abort exclude each other")
    if (resume or abort) and any(plan_flags.values()):
        raise UsageError("--continue and --abort take no other option: the saved plan is used")
    dry_run = plan_flags["dry_run"]
    mode: Mode = "abort" if abort else "continue" if resume else "dry-run" if dry_run else "run"
    repo, config = open_lifecycle()
    options = FinishOptions(
        push=plan_flags["push"],
        backport=not plan_flags["no_backport"],
        keep=plan_flags["keep"],
        bump=not plan_flags["no_bump"],
    )
    warn = functools.partial(click.echo, err=True)
    sys.exit(finish_command(repo, config, mode, options, click.echo, warn))


@click.command(cls=GuardedCommand)
@format_option
def status(output_format: str) -> None:
    """Every open hotfix and every hotfix merged in the last 30 days: incident, clock, size,
    tests, merged, tagged, pushed, backports, postmortem. Always exits 0."""
    from hotfix_guard.lifecycle.common import now
    from hotfix_guard.lifecycle.status import collect, render_json, render_text

    repo, config = open_lifecycle()
    statuses = collect(repo, config, now())
    click.echo(render_json(statuses) if output_format == "json" else render_text(statuses))
