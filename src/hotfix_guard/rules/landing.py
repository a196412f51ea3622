"""main-landing: main moves only by merges of hotfix and release branches.

Runs when main is updated (server, pre-push, `ci` on main), over the commits the update makes
newly reachable on main's first-parent line (mainline.py classifies them). A hotfix fast-forwarded
onto main is left to the hotfix-merge rule, which says how to redo it, when that rule is on.
A commit that only adds or changes postmortems (files in postmortem-dir) may go straight to main:
that is where the postmortem rule asks for them.
"""

from __future__ import annotations

from hotfix_guard.backport.merges import FAST_FORWARD
from hotfix_guard.engine.context import Context
from hotfix_guard.engine.mainline import Landing, landings, outside_findings
from hotfix_guard.engine.stages import landed_hotfixes
from hotfix_guard.git.walk import Walk
from hotfix_guard.incident.shipped import postmortem_commits
from hotfix_guard.report.findings import Finding


def check_main_landing(ctx: Context) -> list[Finding]:
    found = landings(ctx)
    if any(not landing.is_merge for landing in found) and ctx.config.level("hotfix-merge") != "off":
        fast_forwarded: set[str] = set()
        for hotfix in landed_hotfixes(ctx):
            if hotfix.how == FAST_FORWARD:
                walk = Walk((hotfix.commit,), (hotfix.base,), first_parent=True)
                fast_forwarded |= ctx.repo.history(walk)
        found = [landing for landing in found if landing.commit not in fast_forwarded]
    return outside_findings(ctx, _without_postmortems(ctx, found))


def _without_postmortems(ctx: Context, found: list[Landing]) -> list[Landing]:
    direct = [landing.commit for landing in found if not landing.is_merge]
    postmortems = postmortem_commits(ctx.repo, ctx.config, direct)
    return [landing for landing in found if landing.commit not in postmortems]
