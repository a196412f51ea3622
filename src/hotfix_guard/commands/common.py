"""What every command shares: the error boundary, the common options, opening the repository."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from hotfix_guard.catalog import RULE_NAMES
from hotfix_guard.errors import error_boundary

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


def open_repository() -> tuple[Any, Any]:
    """The repository around the working directory and its work tree's config."""
    from hotfix_guard.config.loader import load
    from hotfix_guard.git.repository import Repository

    repo = Repository.discover()
    return repo, load(repo.root)


def open_lifecycle() -> tuple[Any, Any]:
    """As open_repository, with git-flow's branch settings when the repository has them."""
    from hotfix_guard.lifecycle.common import with_gitflow

    repo, config = open_repository()
    return repo, with_gitflow(repo, config)


def emit_and_exit(report: Any, output_format: str) -> NoReturn:
    from hotfix_guard.engine.stages import emit

    sys.exit(emit(report, output_format))


def note_report(note: str) -> Any:
    """A passing report that only says NOTE."""
    from hotfix_guard.report.findings import Report

    return Report(subject=note, notes=(f"hotfix-guard: {note}",))
