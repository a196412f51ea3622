"""override: every Hotfix-Guard-Override trailer of the hotfix names known rules and says why.

The valid overrides are applied by stages.check_change after every rule ran; this rule reports
the ones that cannot be honoured, so a typo never silently blocks (or unblocks) a hotfix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hotfix_guard.report.findings import Finding

if TYPE_CHECKING:
    from hotfix_guard.engine.context import Context


def check_override(ctx: Context) -> list[Finding]:
    return list(ctx.overrides.problems)
