"""What every command shares: the error boundary, the common options, opening the repository."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import click

from hotfix_guard.catalog import RULE_NAMES
from hotfix_guard.engine.invocation import FORMAT_OPTION, RULE_OPTION, OptionSpec
from hotfix_guard.errors import error_boundary

F = TypeVar("F", bound=Callable[..., Any])


def click_option(spec: OptionSpec) -> Callable[[F], F]:
    """The click option of SPEC (engine/invocation.py declares check's and hook's, once)."""
    if spec.is_switch:
        return click.option("/".join(spec.flags), spec.name, default=None, help=spec.help)
    choices = RULE_NAMES if spec.rule_names else spec.choices
    return click.option(
        *spec.flags,
        spec.name,
        multiple=spec.multiple,
        type=click.Choice(list(choices)) if choices is not None else None,
        default=spec.default,
        show_default=spec.default is not None,
        help=spec.help,
    )


def click_options(specs: Sequence[OptionSpec]) -> Callable[[F], F]:
    """All of SPECS, shown in --help in their declared order."""

    def decorate(function: F) -> F:
        for spec in reversed(specs):
            function = click_option(spec)(function)
        return function

    return decorate


rule_option = click_option(RULE_OPTION)
format_option = click_option(FORMAT_OPTION)


def stage_option(*stages: str, help: str) -> Callable[[F], F]:
    """--stage: the git hook calling, or auto."""
    spec = OptionSpec(
        ("--stage",), "stage", f"The git hook calling. {help}", ("auto", *stages), default="auto"
    )
    return click_option(spec)


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
    from hotfix_guard.lifecycle.common import open_lifecycle as opened

    return opened()


def emit_and_exit(report: Any, output_format: str) -> NoReturn:
    from hotfix_guard.engine.stages import emit

    sys.exit(emit(report, output_format))


def note_report(note: str) -> Any:
    """A passing report that only says NOTE."""
    from hotfix_guard.report.findings import Report

    return Report(subject=note, notes=(f"hotfix-guard: {note}",))
