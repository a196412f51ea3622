"""Commands for the incident: `assess` before the fix, `postmortem` and `status-message` after."""

from __future__ import annotations

import os
from typing import cast

import click

from hotfix_guard.commands.common import GuardedCommand, format_option, open_repository
from hotfix_guard.config.values import STATUS_STATES, Invalid, globs
from hotfix_guard.errors import UsageError

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

    The runbook's template, section by section: git fills the summary, the timeline rows it can
    date, the resolution and whether it was a rollback or a hotfix; the rest is left for people.
    An existing file is never overwritten.
    """
    from pathlib import Path

    from hotfix_guard.incident import postmortem as drafts
    from hotfix_guard.incident.postmortem_template import TO_FILL

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
        f"timeline rows from git); fill in: {', '.join(TO_FILL).lower()}"
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
@click.option("--impact", metavar="TEXT", help="The Impact line (default: the Impact: trailer).")
@click.option("--eta", metavar="TEXT", help="The ETA line, e.g. '30 minutes'.")
def status_message(
    state: str, output_format: str, when: str, impact: str | None, eta: str | None
) -> None:
    """The status update for the current incident: the checked-out hotfix branch, else the
    latest hotfix tag. The runbook's messages (investigating: the initial alert; identified and
    monitoring: the update; resolved: the resolution), or Statuspage's with status-wording.
    What git cannot fill stays a visible [placeholder]."""
    from hotfix_guard.incident import status_message as messages
    from hotfix_guard.incident.record import parse_time

    moment = parse_time(when)
    repo, config = open_repository()
    incident = messages.current_incident(repo, config)
    people = messages.PeopleSay(impact, eta)
    message = messages.compose(cast(messages.State, state), incident, config, moment, people)
    render = {
        "text": messages.render_text,
        "markdown": messages.render_markdown,
        "json": messages.render_json,
    }[output_format]
    click.echo(render(message))


@click.command(cls=GuardedCommand)
@click.option(
    "--path",
    "paths",
    multiple=True,
    metavar="P",
    help="Narrow to a path glob or a component (top-level directory or CODEOWNERS owners); "
    "the commits touching it come first, as suspects. Repeatable.",
)
@click.option("--since", metavar="WHEN", help="List the releases made since WHEN (ISO 8601).")
@click.option(
    "--detected", metavar="WHEN", help="When the incident was detected: marks the last release "
    "before it, which becomes the last known good one."
)  # fmt: skip
@click.option("--good", metavar="TAG", help="The last known good release (default: see above).")
@format_option
def assess(
    paths: tuple[str, ...], since: str | None, detected: str | None, good: str | None,
    output_format: str,
) -> None:  # fmt: skip
    """Read-only: the recent releases on main, and what changed since the last known good one
    (commits, authors, the release that shipped each, files by component), suspects first."""
    from hotfix_guard.incident import assess as assessing
    from hotfix_guard.incident.record import parse_time
    from hotfix_guard.scope import find_main

    repo, config = open_repository()
    main = find_main(repo, config)
    tip = repo.resolve_commit(main.refs[0]) if main.refs else None
    if tip is None:
        raise UsageError(f"no {main.name} branch to assess")
    for path in paths:
        try:
            globs([path])
        except Invalid as invalid:
            raise UsageError(f"--path {path!r}: expected {invalid.expected}") from None
    found = assessing.assess(
        repo, config, (main.name, tip), paths,
        parse_time(detected) if detected else None, good,
    )  # fmt: skip
    when = parse_time(since) if since else None
    render = assessing.render_json if output_format == "json" else assessing.render_text
    click.echo(render(found, when))
