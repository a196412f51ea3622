"""`hotfix-guard override`: the one way to record an override, as a commit on the hotfix branch."""

from __future__ import annotations

import click

from hotfix_guard.commands.common import GuardedCommand, open_lifecycle


@click.command(cls=GuardedCommand)
@click.argument("rules", metavar="RULE[,RULE]")
@click.option(
    "--reason",
    required=True,
    metavar="TEXT",
    help="Why the rules must not hold for this hotfix: one line, at least 10 characters.",
)
def override(rules: str, reason: str) -> None:
    """Record on the checked-out hotfix branch that RULE's errors are let through, and why.

    Makes a commit carrying `Hotfix-Guard-Override: RULE: TEXT` (and the incident's trailers) on
    top of the branch, with the same tree: the index and the work tree are not touched, and the
    commit hooks do not run. check, the hooks, finish, ci and the server honour it.
    """
    from hotfix_guard.git.lifecycle import LifecycleGit
    from hotfix_guard.lifecycle.override import record_override, recorded_lines

    repo, config = open_lifecycle()
    recorded = record_override(repo, config, rules, reason)
    remotes = LifecycleGit(repo).remotes()
    remote = "origin" if "origin" in remotes else (remotes[0] if remotes else None)
    for line in recorded_lines(recorded, remote):
        click.echo(line)
