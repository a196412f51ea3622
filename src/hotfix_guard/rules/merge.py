"""hotfix-merge: a hotfix reaches main through a merge commit (`git merge --no-ff`).

Runs when main is pushed, over the hotfixes the push brings to main (scope.base is what the
remote had). A fast-forward leaves no merge commit: nothing on main says a hotfix landed, what it
was, or lets it be reverted as one.
"""

from __future__ import annotations

import shlex

from hotfix_guard.backport.merges import FAST_FORWARD
from hotfix_guard.engine.context import Context
from hotfix_guard.engine.stages import landed_hotfixes
from hotfix_guard.report.findings import Finding


def check_hotfix_merge(ctx: Context) -> list[Finding]:
    main = ctx.scope.main.name
    return [
        Finding(
            f"{hotfix.branch} reached {main} as a fast-forward, without a merge commit; undo it "
            f"and merge it with --no-ff: git switch {shlex.quote(main)} && git reset --keep "
            f"{hotfix.base[:12]} && git merge --no-ff {shlex.quote(hotfix.branch)}",
            ref=hotfix.branch,
        )
        for hotfix in landed_hotfixes(ctx)
        if hotfix.how == FAST_FORWARD
    ]
