"""Commands that set hotfix-guard up or show it: `install` and `demo`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from hotfix_guard.commands.common import GuardedCommand


@click.command(cls=GuardedCommand)
@click.option("--keep", is_flag=True, help="Keep the throwaway repository and print its path.")
def demo(keep: bool) -> None:
    """Build a throwaway repository with a good and a bad hotfix, and check both."""
    from hotfix_guard.setup.demo import run_demo

    sys.exit(run_demo(keep=keep, echo=click.echo))


@click.command(cls=GuardedCommand)
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
    from hotfix_guard.git.repository import Repository
    from hotfix_guard.setup import install as hookinstall

    repo = Repository.discover()
    if uninstall:
        chosen = hook_types or hookinstall.uninstall_default(repo)
        for hook_type in chosen:
            click.echo(hookinstall.uninstall(repo, hook_type))
        return
    chosen = hook_types or hookinstall.default_hook_types(repo)
    for done in hookinstall.install_all(repo, chosen, sys.executable):
        click.echo(done)
