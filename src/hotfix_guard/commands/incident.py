"""Commands for the incident after the fix: `postmortem` and `status-message`."""

from __future__ import annotations

import os
from typing import cast

import click

from hotfix_guard.commands.common import GuardedCommand, open_repository
from hotfix_guard.config.values import STATUS_STATES

# --- the incident after the fix: postmortem drafts and status-page messages (issue 13) --------


@click.command(cls=GuardedCommand)
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

    repo, config = open_repository()
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


@click.command("status-message", cls=GuardedCommand)
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
    repo, config = open_repository()
    incident = messages.current_incident(repo, config)
    message = messages.compose(cast(messages.State, state), incident, config, moment)
    render = {
        "text": messages.render_text,
        "markdown": messages.render_markdown,
        "json": messages.render_json,
    }[output_format]
    click.echo(render(message))
