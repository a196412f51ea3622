"""branch-name and branch-base: is this a hotfix branch, properly named and cut from main?"""

from __future__ import annotations

import re
import shlex
from collections import Counter

from hotfix_guard.config.bounded import REGEX_SECONDS, RegexTimeout, fullmatch_within
from hotfix_guard.engine.context import Context
from hotfix_guard.errors import UsageError
from hotfix_guard.git.refs import branch_name, local, short_name
from hotfix_guard.git.walk import Walk
from hotfix_guard.report.findings import Finding, short_line

SHOWN_COMMITS = 3


def check_branch_name(ctx: Context) -> list[Finding]:
    branch = ctx.scope.branch
    regex = ctx.config.branch_name_regex
    if branch is None:
        return []
    try:
        if fullmatch_within(regex, branch):
            return []
    except RegexTimeout:
        raise UsageError(
            f"branch-name-regex = {regex!r} did not finish matching {branch!r} within "
            f"{REGEX_SECONDS:g} s and was stopped: it backtracks catastrophically; write it "
            "without a repetition inside a repetition, such as (a+)+"
        ) from None
    return [
        Finding(
            f"{branch!r} does not match {regex!r}; name it after what it fixes, in lowercase "
            "words joined by '-' (hotfix/fix-login-timeout), after its ticket "
            "(hotfix/PROJ-123-login-crash) or after the version (hotfix/1.2.4)",
            ref=branch,
            fix=_rename_to(branch, _slug(branch), regex),
        )
    ]


def _slug(branch: str) -> str:
    """`hotfix/Fix_Login` -> `hotfix/fix-login`: the prefix kept, the rest in lowercase words."""
    prefix, _, rest = branch.rpartition("/")
    words = "-".join(re.findall(r"[a-z0-9]+", rest.lower()))
    return f"{prefix}/{words}" if prefix else words


def _rename_to(branch: str, suggestion: str, regex: str) -> str | None:
    try:
        if not fullmatch_within(regex, suggestion):
            return None  # no good guess: the catalog's general hint
    except RegexTimeout:
        return None
    return f"git branch -m {shlex.quote(branch)} {shlex.quote(suggestion)}"


def _own_refs(ctx: Context) -> set[str]:
    """The checked branch and its copies on remotes: they carry its commits legitimately."""
    branch = ctx.scope.branch
    if branch is None:
        return set()
    return {ref for ref in ctx.repo.refs if branch_name(ref) == branch}


# Reflog messages of commits made on the branch itself.
MADE_HERE = ("commit", "cherry-pick", "revert", "merge ")


def check_branch_base(ctx: Context) -> list[Finding]:
    """Commits on the branch that another branch (not cut from the hotfix) carries too.

    A backport branch (develop) is a source of foreign commits through its own line only: a
    hotfix merged into it early, then reviewed further, is not foreign. Any other branch that
    was cut from the hotfix (its fork point was committed on the hotfix, says the reflog) or that
    contains the tip already is not a source. At commit time the tip is the commit being made,
    which no branch contains yet: a hotfix just cut from develop is caught at its first commit.
    """
    own_commits = [commit for commit, *_ in ctx.commits]
    if not own_commits:
        return []
    main_refs = ctx.scope.main.refs
    others = set(ctx.repo.refs_containing(own_commits)) - _own_refs(ctx) - set(main_refs)
    if not others:
        return []
    made_here = _made_on_branch(ctx)
    containing_tip = set(ctx.repo.refs_containing([ctx.scope.head]))
    backport = _backport_refs(ctx)
    reached: dict[str, str] = {}
    for ref in sorted(others):
        if ref in backport:
            carried = ctx.repo.history(Walk((ref,), tuple(main_refs), first_parent=True))
        else:
            if ref in containing_tip and not (ctx.scope.staged and made_here is not None):
                continue  # it merged or branched off the hotfix
            fork = ctx.repo.merge_base(ref, [ctx.scope.head])
            if made_here is not None and fork in made_here:
                continue  # cut from the hotfix: a scratch branch
            carried = ctx.repo.history(Walk((ref,), tuple(main_refs)))
        for commit in own_commits:
            if commit in carried:
                reached.setdefault(commit, ref)
    foreign = [commit for commit in own_commits if commit in reached]
    if not foreign:
        return []
    sources = Counter(short_name(reached[commit]) for commit in foreign)
    subjects = ctx.repo.subjects(foreign[-SHOWN_COMMITS:][::-1])
    shown = "; ".join(f"{sha[:10]} {short_line(subject)}" for sha, subject in subjects.items())
    more = f" and {len(foreign) - SHOWN_COMMITS} more" if len(foreign) > SHOWN_COMMITS else ""
    source_text = ", ".join(f"{name} ({count})" for name, count in sources.most_common())
    commits = "commit that is" if len(foreign) == 1 else "commits that are"
    return [
        Finding(
            f"carries {len(foreign)} {commits} not on {ctx.scope.main.name}, from "
            f"{source_text}: {shown}{more}; a hotfix is cut from {ctx.scope.main.name} and merges "
            "nothing else in",
            ref=ctx.where,
            fix=_clean_branch(ctx, [c for c, *parents in ctx.commits if c not in reached]),
        )
    ]


def _made_on_branch(ctx: Context) -> set[str] | None:
    """Commits made on the checked branch, by its reflog; None when it has no reflog."""
    if ctx.scope.branch is None:
        return None
    entries = ctx.repo.reflog_subjects(local(ctx.scope.branch))
    if not entries:
        return None
    return {sha for sha, message in entries if message.startswith(MADE_HERE)}


def _backport_refs(ctx: Context) -> set[str]:
    """The local and remote-tracking copies of the backport branches (develop)."""
    names = set(ctx.config.backport_branches)
    return {ref for ref in ctx.repo.refs if branch_name(ref) in names}


def _clean_branch(ctx: Context, own: list[str]) -> str | None:
    """Cut a clean branch from main and cherry-pick the branch's own commits, oldest first."""
    picks = [commit[:12] for commit in reversed(own)]
    if not picks:
        return None
    clean = f"{_slug(ctx.scope.branch) if ctx.scope.branch else 'hotfix/fix'}-clean"
    return (
        f"git switch -c {shlex.quote(clean)} {shlex.quote(ctx.scope.main.name)} && "
        f"git cherry-pick {' '.join(picks)}"
    )
