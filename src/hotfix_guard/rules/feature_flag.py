"""feature-flag: a feature-flag mitigation changes only the flag files.

The runbook's quick mitigation disables the failing feature, when it can be isolated: the change is
a flag flipped in `feature-flag-paths` (globs such as `config/features.yml`, `*.flags.json`), and
nothing else. A hotfix whose record says `Mitigation: feature-flag` and changes any other file is
a hotfix in disguise: each such file is a finding (a renamed file counts by both of its paths).
"""

from __future__ import annotations

from hotfix_guard.config.globs import PathMatcher
from hotfix_guard.engine.context import Context
from hotfix_guard.report.findings import Finding, display_path


def check_feature_flag(ctx: Context) -> list[Finding]:
    if ctx.incident.mitigation != "feature-flag" or not ctx.commits:
        return []
    patterns = ctx.config.feature_flag_paths
    if not patterns:
        return [
            Finding(
                "the hotfix is a feature-flag mitigation but feature-flag-paths is empty: "
                'name the flag files in the config (feature-flag-paths = ["config/features.yml"])',
                ref=ctx.where,
            )
        ]
    flags = PathMatcher(patterns)
    return [
        Finding(
            f"{display_path(path)} is not a flag file: a feature-flag mitigation changes only "
            f"files matching feature-flag-paths ({', '.join(patterns)})",
            path=path,
        )
        for change in ctx.change.files
        for path in dict.fromkeys(p for p in (change.old_path, change.path) if p)
        if flags.match(path) is None
    ]
