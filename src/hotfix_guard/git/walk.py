"""Which commits a history query walks, as data; only the git layer turns it into arguments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

# 1973-03-03: below this, git does not read `--since=<number>` as a Unix time.
SMALLEST_UNIX_TIME_GIT_READS = 100_000_000


class Walk(NamedTuple):
    """Commits reachable from `tips` and not from `exclude`, newest first.

    `since` (Unix time) stops at older commits; `first_parent` follows first parents only;
    `merges=False` leaves merge commits out; `limit` keeps the newest N. `exactly` names the
    commits themselves, in that order, with no walk at all. `every_ref` walks from every branch,
    tag and remote-tracking branch (besides `tips`).
    """

    tips: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    since: int | None = None
    first_parent: bool = False
    merges: bool = True
    limit: int | None = None
    exactly: tuple[str, ...] = ()
    every_ref: bool = False

    @classmethod
    def of(cls, commits: Iterable[str], *, merges: bool = True) -> Walk:
        """Exactly COMMITS, in their order."""
        return cls(exactly=tuple(commits), merges=merges)

    def log_args(self) -> list[str]:
        """The revision arguments of `git log` / `git rev-list` (ending with `--`)."""
        options = []
        if self.first_parent:
            options.append("--first-parent")
        if not self.merges:
            options.append("--no-merges")
        if self.since is not None and self.since >= SMALLEST_UNIX_TIME_GIT_READS:
            # git reads a smaller number as a date in another form; a window that starts before
            # 1973 holds everything anyway (callers filter by time too)
            options.append(f"--since={self.since}")
        if self.limit is not None:
            options.append(f"--max-count={self.limit}")
        if self.exactly:
            return [*options, "--no-walk=unsorted", *self.exactly, "--"]
        if self.every_ref:
            options.extend(["--branches", "--tags", "--remotes"])
        return [*options, *self.tips, *(f"^{ref}" for ref in self.exclude), "--"]
