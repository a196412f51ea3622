"""severity: the hotfix's commits carry a `Severity:` trailer of P0..P3 (the newest one counts).

A branch with no commit yet says nothing: the first commit's message does not exist while its
pre-commit hook runs, and the hotfix-trailers hook adds the record to it.
"""

from __future__ import annotations

from hotfix_guard.config.defaults import severity_help
from hotfix_guard.config.loader import SEVERITIES
from hotfix_guard.engine.context import Context
from hotfix_guard.report.findings import Finding


def check_severity(ctx: Context) -> list[Finding]:
    if not ctx.commits:
        return []
    severity = ctx.incident.severity
    if severity is None:
        problem = "no commit of the hotfix carries a Severity: trailer"
    elif ctx.incident.valid_severity is None:
        problem = f"Severity: {severity!r} is not one of {', '.join(SEVERITIES)}"
    else:
        return []
    return [
        Finding(
            f"{problem}; the severity sets the response and restore targets and the size limits",
            ref=ctx.where,
            fix=(
                "record the severity in the next commit (git commit --trailer 'Severity: P1'), "
                f"the level from the runbook's table: {severity_help()}"
            ),
        )
    ]
