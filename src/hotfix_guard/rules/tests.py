"""tests: every test-commands entry passes on exactly the commit being pushed (see testrun.py)."""

from __future__ import annotations

from hotfix_guard.context import Context
from hotfix_guard.report import Finding


def check_tests(ctx: Context) -> list[Finding]:
    from hotfix_guard.testrun import tests_findings

    return tests_findings(ctx.repo, ctx.config, ctx.scope.head, ctx.where)
