"""The `tests` rule: every test-commands entry passes on exactly the commit being pushed.

Not in rules/ on purpose: rules are read-only checks, and this one runs the project's commands
(and remembers a pass). The catalog points here; stages run it last, and only when nothing else
refused the push.
"""

from __future__ import annotations

import shlex

from hotfix_guard.engine.context import Context
from hotfix_guard.report.findings import ERROR, Finding
from hotfix_guard.testrun.run import tests_findings


def check_tests(ctx: Context) -> list[Finding]:
    findings = tests_findings(ctx.repo, ctx.config, ctx.scope.head, ctx.where)
    return [_with_command(finding, ctx) for finding in findings]


def _with_command(finding: Finding, ctx: Context) -> Finding:
    """A failed command's finding says how to run that command alone on the pushed commit."""
    if finding.severity != ERROR:
        return finding
    failed = [c for c in ctx.config.test_commands if f"`{c}` (command " in finding.message]
    if not failed:
        return finding
    commit = shlex.quote(ctx.scope.head[:12])
    return finding._replace(
        fix=f"run it alone on the pushed commit: git switch --detach {commit} && {failed[0]}; "
        "then git switch - and fix it (hotfix-guard run-tests runs them all on HEAD)",
    )
