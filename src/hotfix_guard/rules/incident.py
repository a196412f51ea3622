"""severity and postmortem: the incident a hotfix answers is recorded, and learned from.

- severity: the hotfix's commits carry a `Severity:` trailer of P0..P3 (the newest one counts).
  A branch with no commit yet says nothing: the first commit's message does not exist while its
  pre-commit hook runs, and the hotfix-trailers hook adds the record to it.
- postmortem: runs when main is pushed (and in `ci`): each hotfix tag on the pushed main from the
  last 90 days that is older than postmortem-due has a file in postmortem-dir, at the pushed
  commit, that names it.
"""

from __future__ import annotations

import shlex
from datetime import datetime, timezone

from hotfix_guard.config.defaults import severity_help
from hotfix_guard.config.loader import SEVERITIES
from hotfix_guard.engine.context import Context
from hotfix_guard.incident.due import postmortem_states
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


def check_postmortem(ctx: Context) -> list[Finding]:
    now = datetime.now(timezone.utc)
    directory = ctx.config.postmortem_dir
    return [
        Finding(
            f"hotfix tag {state.tag.name} was made {state.tag.tagged:%Y-%m-%d %H:%M} UTC and its "
            f"postmortem was due {state.due:%Y-%m-%d %H:%M} UTC, but no file in {directory}/ "
            f"names it; draft one: hotfix-guard postmortem {shlex.quote(state.tag.name)}",
            ref=state.tag.name,
        )
        for state in postmortem_states(ctx.repo, ctx.config, ctx.scope.head, now, due_only=True)
        if state.overdue(now)
    ]
