"""`hotfix-guard metrics`: how the incidents are going, from git alone (read-only)."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from hotfix_guard.commands.common import GuardedCommand

FORMATS = ("text", "json", "csv", "html")


@click.command(cls=GuardedCommand)
@click.argument("repositories", nargs=-1, type=click.Path(file_okay=False))
@click.option("--since", metavar="WHEN", help="Only hotfixes restored from then (ISO 8601, UTC).")
@click.option("--until", metavar="WHEN", help="Only hotfixes restored before then (ISO 8601).")
@click.option(
    "--period",
    type=click.Choice(["month", "quarter", "year"]),
    default="month",
    show_default=True,
    help="The period the report groups by.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, json or csv (one row a hotfix) for other tools, html with plots "
    "(needs the 'report' extra).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the report here instead of printing it.",
)
def metrics(
    repositories: tuple[str, ...],
    since: str | None,
    until: str | None,
    period: str,
    output_format: str,
    output: str | None,
) -> None:
    """Hotfixes, response and restore times, change failure rate, backport lag, postmortem
    compliance, size and overrides, per period and severity, for REPOSITORIES (default: this
    one). Read-only: it reads tags, trailers, merges and postmortem files."""
    from hotfix_guard.incident.record import parse_time
    from hotfix_guard.metrics import collect, render
    from hotfix_guard.metrics.stats import Window, compute

    start = parse_time(since) if since else None
    end = parse_time(until) if until else None
    paths = list(repositories) or ["."]
    facts = collect.read_all(paths, collect.terminal_progress())
    names = [fact.name for fact in facts]
    now = datetime.now(timezone.utc).replace(microsecond=0)
    report = compute(
        [hotfix for fact in facts for hotfix in fact.hotfixes],
        [release for fact in facts for release in fact.releases],
        Window(now, start, end, period),
        tuple(f"{fact.name}: {note}" for fact in facts for note in fact.notes),
    )
    if output_format == "html":
        from hotfix_guard.metrics.html import render_html

        text = render_html(report, names)
    elif output_format == "json":
        text = render.render_json(report, names)
    elif output_format == "csv":
        text = render.render_csv(report)
    else:
        text = render.render_text(report, names)
    collect.write_output(text, output)
