"""backport: every hotfix merged into main has reached each of backport-branches.

Runs when main is pushed, on the pushed commit, over the hotfixes merged in the last 90 days.
"""

from __future__ import annotations

import time

from hotfix_guard.backport.merges import recognise
from hotfix_guard.backport.reach import MISSING, BackportBranches
from hotfix_guard.backport.status import missing_message, window_start
from hotfix_guard.engine.context import Context
from hotfix_guard.report.findings import Finding


def check_backport(ctx: Context) -> list[Finding]:
    main = ctx.scope.main
    branches = BackportBranches(ctx.repo, ctx.config, main)
    if not any(branches.copies.values()):
        return []  # no backport branch anywhere (no develop): nothing to remind of
    since = window_start(None, time.time())
    hotfixes = recognise(ctx.repo, ctx.config, main, [ctx.scope.head], since=since)
    return [
        Finding(missing_message(hotfix, backport, main.name), ref=hotfix.branch)
        for hotfix, backports in branches.backports(hotfixes).items()
        for backport in backports
        if backport.status == MISSING
    ]
