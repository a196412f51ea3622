"""branch-name and branch-base: is this a hotfix branch, properly named and cut from main?"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from hotfix_guard.config.bounded import REGEX_SECONDS, RegexTimeout, fullmatch_within
from hotfix_guard.engine.context import Context
from hotfix_guard.errors import UsageError
from hotfix_guard.git.refs import HEADS, branch_name, local, remote_of, short_name
from hotfix_guard.git.walk import Walk
from hotfix_guard.report.findings import Finding, short_line

if TYPE_CHECKING:
    from hotfix_guard.config.loader import Config

SHOWN_COMMITS = 3


class Named(Protocol):
    """What branch-name reads: a hotfix branch's Context, or only the name of a branch that is
    no hotfix branch (engine/stages.py runs the rule on those that are one but for case)."""

    @property
    def config(self) -> Config: ...

    @property
    def branch(self) -> str | None: ...


def check_branch_name(ctx: Named) -> list[Finding]:
    branch = ctx.branch
    regex = ctx.config.branch_name_regex
    if branch is None:
        return []
    if not ctx.config.is_hotfix_branch(branch):
        return _case_only(branch, ctx.config)
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


def _case_only(branch: str, config: Config) -> list[Finding]:
    """A branch that is a hotfix branch only when case is ignored (`Hotfix/fix-login`).

    git refs are case-sensitive, so it is not one, yet it was meant to be: passing it silently
    would let a hotfix skip every check. It is a branch-name error, reported where the check
    would otherwise say "not a hotfix branch".
    """
    pattern = config.case_only_pattern(branch)
    if pattern is None:
        return []
    # The pattern's literal start in its own case (`hotfix/` of `hotfix/*`) names the branch.
    literal = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
    rename = f"git branch -m {shlex.quote(branch)} {shlex.quote(literal + branch[len(literal) :])}"
    return [
        Finding(
            f"{branch!r} matches branch-patterns ({pattern!r}) only when case is ignored, so no "
            f"hotfix check ran; rename it: {rename}",
            ref=branch,
            fix=rename,
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
    main_refs, main_name = _trusted_main(ctx)
    if main_refs == ctx.scope.main.refs:
        lines: Sequence[Sequence[str]] = ctx.commits
    else:  # below the merge base with the local main too: its commits nobody released
        lines = ctx.repo.commits_with_parents(ctx.scope.head, main_refs)
    own_commits = _candidates(ctx, lines)
    if not own_commits:
        return []
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
            f"carries {len(foreign)} {commits} not on {main_name}, from "
            f"{source_text}: {shown}{more}; a hotfix is cut from {main_name} and merges "
            "nothing else in",
            ref=ctx.where,
            fix=_clean_branch(ctx, [c for c, *_ in lines if c not in reached], main_name),
        )
    ]


def _candidates(ctx: Context, lines: Sequence[Sequence[str]]) -> list[str]:
    """The branch's commits that could have come from another branch, newest first.

    Not the tip (unless a commit is being made on it): a backport branch that contains it got it
    from the hotfix (a fast-forward, or the fix merged there first and released from there).
    Not a commit the reflog says was made on the branch. Not a merge whose merged-in parents
    are all on main: `Merge branch 'master' into develop` or a release merged back into develop
    brings main's own work, not develop's.
    """
    own = {commit for commit, *_ in lines}
    made_here = _made_on_branch(ctx) or set()
    return [
        commit
        for commit, *parents in lines
        if (commit != ctx.scope.head or ctx.scope.staged)
        and commit not in made_here
        and not (len(parents) > 1 and all(parent not in own for parent in parents[1:]))
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


def _trusted_main(ctx: Context) -> tuple[tuple[str, ...], str]:
    """The copies of main branch-base measures against, and their name: the remote-tracking
    ones when the local main has commits they lack. A local main fast-forwarded to develop by
    mistake carries commits nobody released; a hotfix cut from it must not count them as main's.
    """
    copies = ctx.scope.main.refs
    remote = tuple(ref for ref in copies if remote_of(ref) is not None)
    local_copy = [ref for ref in copies if ref.startswith(HEADS)]
    if not remote or not local_copy:
        return copies, ctx.scope.main.name
    tips = ctx.repo.refs
    if tips.get(local_copy[0]) in {tips.get(ref) for ref in remote}:
        return copies, ctx.scope.main.name  # the usual case, without a git process
    if not ctx.repo.commits_with_parents(local_copy[0], remote):
        return copies, ctx.scope.main.name
    return remote, short_name(remote[0])


def _clean_branch(ctx: Context, own: list[str], main_name: str) -> str | None:
    """Cut a clean branch from main and cherry-pick the branch's own commits, oldest first."""
    picks = [commit[:12] for commit in reversed(own)]
    if not picks:
        return None
    clean = f"{_slug(ctx.scope.branch) if ctx.scope.branch else 'hotfix/fix'}-clean"
    return (
        f"git switch -c {shlex.quote(clean)} {shlex.quote(main_name)} && "
        f"git cherry-pick {' '.join(picks)}"
    )
