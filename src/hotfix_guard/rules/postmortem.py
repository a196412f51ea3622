"""postmortem: the incident a hotfix answers is learned from.

Runs when main is pushed (and in `ci`): each hotfix tag on the pushed main from the last 90 days
that is older than postmortem-due has a file in postmortem-dir, at the pushed commit, that names it.
"""

from __future__ import annotations

import shlex
from datetime import datetime, timezone

from hotfix_guard.engine.context import Context
from hotfix_guard.incident.due import postmortem_states
from hotfix_guard.report.findings import Finding


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
