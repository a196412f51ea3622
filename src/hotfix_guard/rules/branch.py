"""branch-name and branch-base: is this a hotfix branch, properly named and cut from main?"""

from __future__ import annotations

import re
from collections import Counter

from hotfix_guard.context import Context
from hotfix_guard.git.refs import branch_name, short_name
from hotfix_guard.report import Finding

SHOWN_COMMITS = 3


def check_branch_name(ctx: Context) -> list[Finding]:
    branch = ctx.scope.branch
    regex = ctx.config.branch_name_regex
    if branch is None or re.fullmatch(regex, branch):
        return []
    return [
        Finding(
            f"{branch!r} does not match {regex!r}; name it after what it fixes, in lowercase "
            "words joined by '-' (hotfix/fix-login-timeout) or after the version (hotfix/1.2.4)",
            ref=branch,
        )
    ]


def _own_refs(ctx: Context) -> set[str]:
    """The checked branch and its copies on remotes: they carry its commits legitimately."""
    branch = ctx.scope.branch
    if branch is None:
        return set()
    return {ref for ref in ctx.repo.refs if branch_name(ref) == branch}


def check_branch_base(ctx: Context) -> list[Finding]:
    """Commits on the branch that another branch (not containing the fix) carries too."""
    own_commits = [commit for commit, *_ in ctx.commits]
    if not own_commits:
        return []
    others = set(ctx.repo.refs_containing(own_commits)) - _own_refs(ctx) - set(ctx.scope.main.refs)
    if others:
        # A branch that contains the tip merged or branched off the hotfix: that is not a source.
        others -= set(ctx.repo.refs_containing([ctx.scope.head]))
    if not others:
        return []
    reached = ctx.repo.commits_reached_by(sorted(others), exclude=ctx.scope.main.refs)
    foreign = [commit for commit in own_commits if commit in reached]
    if not foreign:
        return []
    sources = Counter(short_name(reached[commit]) for commit in foreign)
    subjects = ctx.repo.subjects(foreign[-SHOWN_COMMITS:][::-1])
    shown = "; ".join(f"{sha[:10]} {subject}" for sha, subject in subjects.items())
    more = f" and {len(foreign) - SHOWN_COMMITS} more" if len(foreign) > SHOWN_COMMITS else ""
    source_text = ", ".join(f"{name} ({count})" for name, count in sources.most_common())
    commits = "commit that is" if len(foreign) == 1 else "commits that are"
    return [
        Finding(
            f"carries {len(foreign)} {commits} not on {ctx.scope.main.name}, from "
            f"{source_text}: {shown}{more}; a hotfix is cut from {ctx.scope.main.name} and merges "
            "nothing else in",
            ref=ctx.where,
        )
    ]
