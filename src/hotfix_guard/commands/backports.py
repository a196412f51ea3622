"""Commands about backports: `backport-status` and the reminder hook after a merge."""

from __future__ import annotations

import os
import sys

import click

from hotfix_guard.commands.common import (
    GuardedCommand,
    format_option,
    open_repository,
    stage_option,
)
from hotfix_guard.errors import UsageError


@click.command("backport-status", cls=GuardedCommand)
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

    repo, config = open_repository()
    report = status(repo, config, since)
    render = render_status_json if output_format == "json" else render_status_text
    click.echo(render(report))
    sys.exit(report.exit_code)


@click.command("backport-reminder", cls=GuardedCommand)
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
    from hotfix_guard.engine.invocation import from_hook

    if stage == "auto" and squash_flag is not None:
        stage = POST_MERGE  # git's own post-merge hook passed its argument on
    call = from_hook(stage, (squash_flag,) if squash_flag else (), os.environ, str)
    try:
        repo, config = open_repository()
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
