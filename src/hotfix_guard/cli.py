"""The `hotfix-guard` command line: the click group; the commands live in commands/.

`hook` and plain `check` are usually answered before click loads (engine/fastpath.py); everything
else, --help and usage mistakes included, comes here.
"""

from __future__ import annotations

import click

from hotfix_guard import __version__
from hotfix_guard.commands import (
    backports,
    checks,
    enforce,
    incident,
    lifecycle,
    metrics,
    override,
    setup,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hotfix-guard")
def cli() -> None:
    """Enforce and drive the hotfix process on hotfix/* branches: small, clean, tested, tagged,
    backported, from the incident to the postmortem, on the client, in CI and on the server."""


for command in (
    checks.check,
    checks.hook,
    checks.run_tests,
    checks.check_tag,
    backports.backport_status,
    backports.backport_reminder,
    lifecycle.start,
    lifecycle.trailers,
    lifecycle.finish,
    lifecycle.status,
    incident.postmortem,
    incident.status_message,
    incident.assess,
    metrics.metrics,
    enforce.ci,
    enforce.pre_receive,
    override.override,
    enforce.overrides,
    setup.install,
    setup.demo,
):
    cli.add_command(command)
