"""Enforcement that --no-verify cannot skip: `ci`, `pre-receive` and the `overrides` audit."""

from __future__ import annotations

import os
import sys

import click

from hotfix_guard.commands.common import GuardedCommand, format_option
from hotfix_guard.errors import UsageError


@click.command(cls=GuardedCommand)
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
    from hotfix_guard.git.repository import Repository
    from hotfix_guard.report.findings import render_text
    from hotfix_guard.report.formats import github_log, render, rule_infos

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
        text = render_text(result.report)
        click.echo(github_log(text) if output_format == "github" else text)
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(rendered + "\n")
        except OSError as error:
            raise UsageError(
                f"--output {output!r}: cannot write it ({error.strerror or error}); the text "
                "report above is the check's result"
            ) from None
    sys.exit(result.report.exit_code)


@click.command("pre-receive", cls=GuardedCommand)
def pre_receive() -> None:
    """Check every ref a push updates, on the server (what hooks/pre-receive runs).

    Reads git's `<old> <new> <ref>` lines from stdin in the bare repository; a non-zero exit
    refuses the whole push. Push options hotfix-guard.override="<rule>: <reason>" are honoured
    and recorded. Under GitLab, the lines of a refusal start with GL-HOOK-ERR: so its UI shows them.
    """
    from hotfix_guard.git.records import open_bare
    from hotfix_guard.report.findings import render_text
    from hotfix_guard.server.prereceive import prefix_lines, read_invocation, run

    # Errors go through the error boundary, which prefixes them for GitLab too.
    invocation = read_invocation(os.fsdecode(sys.stdin.buffer.read()), os.environ)
    report, _ = run(open_bare("."), invocation)
    if report.findings or report.notes:
        text = render_text(report) if report.findings else "\n".join(report.notes)
        click.echo(prefix_lines(text, not report.ok), err=True)
    sys.exit(report.exit_code)


@click.command(cls=GuardedCommand)
@click.option("--since", metavar="WHEN", help="From this time on: YYYY-MM-DD, ISO 8601, 30d, 2w.")
@format_option
def overrides(since: str | None, output_format: str) -> None:
    """List every override: trailers in history and push options the server recorded."""
    from hotfix_guard.git.records import open_bare
    from hotfix_guard.git.repository import Repository
    from hotfix_guard.overrides.history import entries, parse_since, render_json, render_text

    try:
        repo = Repository.discover()
    except UsageError:
        repo = open_bare(".")  # on the server, in the bare repository
    found = entries(repo, parse_since(since) if since else None)
    click.echo(render_json(found) if output_format == "json" else render_text(found))
