"""The read-only context every rule receives; expensive answers are computed once and shared.

How rules that read hunks stay affordable on any diff size:

- `change` comes from numbers only (`--raw --numstat`, no patch): counts, limits and the biggest
  files are always complete, whatever the size.
- `analysis_limited` is True when the change is far over the limits (`FAR_OVER_FACTOR` times
  max-files or max-lines): no detail can change its verdict. Copies are then not looked for, and
  `file_sections` hands out hunks for at most `analysis_line_budget` changed lines: the first
  wanted files in path order, until the next one would not fit.
- `file_sections(chosen)` streams the patch from git and yields `(FileChange, section)` for the
  files `analysis_files(wanted)` chose, in the change's order; the Nth `diff --git` section is the
  Nth file of the change, so paths come from the change model, never from the (quoted) patch
  headers. Only one section is held at a time, and git stops as soon as the last chosen section
  is read. A section too long to hold comes as None.
- `hunks` (the noise rules' parsed hunks, and how much of what they wanted was read) is built
  from `file_sections` once for every rule, so it obeys the budget. A change beyond
  hunks.MAX_CHANGE_LINES is not read at all (the noise rules say so).
- What was not read is a fact the context records (`hunks_read()`, `change.copies_skipped`);
  saying so to the user is engine/coverage.py's, once per check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property, wraps
from typing import NamedTuple

from hotfix_guard.config.loader import Config
from hotfix_guard.engine.context.rollback import Rollback, find_rollback
from hotfix_guard.engine.diff import FAR_OVER_FACTOR, Change, FileChange, build_change
from hotfix_guard.engine.hunks import (
    SECTIONS_OF_STATUS,
    FilePatch,
    needs_lines,
    parse_section,
    too_big_to_read,
)
from hotfix_guard.engine.request import Request
from hotfix_guard.git.commits import BranchCommit
from hotfix_guard.git.refs import short_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.record import IncidentRecord, record_of_commits
from hotfix_guard.overrides.trailers import Override, OverrideValue, parse_all
from hotfix_guard.report.findings import INFO, Finding
from hotfix_guard.scope import Scope

SECTION_START = b"diff --git "


class FoundOverrides(NamedTuple):
    """The hotfix's overrides: the valid ones and the `override` findings for the rest."""

    valid: tuple[Override, ...]
    problems: tuple[Finding, ...]


# Memory bounds of the hunk analysis, per file: a patch line or a file's patch longer than these
# (minified code, a data blob on one line) is not read. The numbers count, the hunks do not.
MAX_LINE_BYTES = 64 * 1024
MAX_SECTION_BYTES = 8 * 2**20


class AnalysisCoverage(NamedTuple):
    """How much of what the hunk-reading rules wanted they were given."""

    files: int
    lines: int
    wanted_files: int
    wanted_lines: int

    @property
    def complete(self) -> bool:
        return self.files == self.wanted_files


class Hunks(NamedTuple):
    """What the line rules read of the change: the parsed hunks of the files within the budget,
    how much of what they wanted that was, and the files whose patch was too long to hold."""

    patches: list[FilePatch]
    coverage: AnalysisCoverage
    unread: tuple[str, ...]


class Context:
    """Config, repository and the hotfix's scope, with the parsed change built on first use."""

    def __init__(self, repo: Repository, request: Request | Config, scope: Scope) -> None:
        self.repo = repo
        # A bare Config is the work tree's (tests, the demo): the request decides everything else.
        self.request = request if isinstance(request, Request) else Request(request)
        self.config = self.request.config
        self.scope = scope
        # The context of a rollback's rest (see rest_of_rollback): its reverts are already set
        # aside, so it looks for none.
        self.judging_rest = False

    @property
    def head(self) -> str | None:
        """The tip to diff against: None means the staged index (commit time)."""
        return None if self.scope.staged else self.scope.head

    @property
    def branch(self) -> str | None:
        """The checked branch; None for a commit named by hand."""
        return self.scope.branch

    @property
    def where(self) -> str:
        """Where whole-branch findings point: the branch, or the tip when no branch is known."""
        return self.scope.branch or self.scope.head[:12]

    @cached_property
    def change(self) -> Change:
        return build_change(
            self.repo, self.config, self.scope.base, self.head, self.request.attributes_at
        )

    @cached_property
    def branch_commits(self) -> list[BranchCommit]:
        """The branch's own commits, newest first, with their parents and trailers."""
        return self.repo.branch_commits(self.scope.head, self.scope.main.refs)

    @cached_property
    def commits(self) -> list[tuple[str, ...]]:
        """The branch's own commits (each followed by its parents), newest first."""
        return [(commit.sha, *commit.parents) for commit in self.branch_commits]

    @cached_property
    def rollback(self) -> Rollback | None:
        """The commits that revert commits on main, and what only they change (rollback.py).

        The staged index is compared with main's commits only when the change is over the
        limits: that costs a patch of the index, which a commit within them need not pay.
        """
        if self.judging_rest:
            return None
        change = self.change
        max_files, max_lines = self.limits
        over = len(change.counted) > max_files or change.changed_code_lines > max_lines
        return find_rollback(self, with_staged=over)

    @cached_property
    def rest_of_rollback(self) -> Context | None:
        """The change after a leading run of reverts, for the rules to judge instead of the
        whole (shared by them all); None when there is no such run."""
        rollback = self.rollback
        if rollback is None or rollback.whole or rollback.rest_base is None:
            return None
        scope = self.scope._replace(base=rollback.rest_base)
        rest = Context(self.repo, self.request, scope)
        rest.judging_rest = True
        return rest

    def without_rolled_back(self, findings: list[Finding]) -> list[Finding]:
        """FINDINGS but those about files only reverting commits change: a rollback's lines
        are not the noise rules' business. Asked only when there is a finding, so a clean
        hotfix pays nothing for the rollback query."""
        if not any(f.path is not None and f.severity != INFO for f in findings):
            return findings
        rollback = self.rollback
        if rollback is None:
            return findings
        return [
            f
            for f in findings
            if f.path is None or not (rollback.whole or f.path in rollback.paths)
        ]

    @cached_property
    def incident(self) -> IncidentRecord:
        """The incident record the branch's commits carry (severity, incident, detected)."""
        return record_of_commits([commit.trailers for commit in self.branch_commits])

    @cached_property
    def limits(self) -> tuple[int, int]:
        """(max-files, max-lines) for this hotfix: its severity's table's, else the global ones."""
        policies = self.config.severity.values()
        if not any(policy.max_files or policy.max_lines for policy in policies):
            return self.config.max_files, self.config.max_lines  # no table sets limits: no query
        if self.incident.mitigation == "feature-flag":
            return self.config.tightest_limits()  # a flag flip: the smallest any table allows
        return self.config.limits(self.incident.valid_severity)

    @cached_property
    def overrides(self) -> FoundOverrides:
        """Override trailers of the hotfix's own commits (newest first), then the extra ones.

        Its own commits are its first-parent line down to main: a branch merged into the hotfix
        (develop, another hotfix) brings its commits, never its overrides."""
        from hotfix_guard.git.records import override_trailers
        from hotfix_guard.git.walk import Walk

        values: list[OverrideValue] = list(self.request.extra_overrides)
        tip = self.scope.own_tip or self.scope.head
        walk = Walk(tips=(tip,), exclude=self.scope.main.refs, first_parent=True)
        records = override_trailers(self.repo, walk)
        borrowed = self._borrowed([record.sha for record in records], tip) if records else {}
        for record in records:
            if record.sha not in borrowed:
                values.extend(
                    (value, "commit", record.sha, record.author, record.date)
                    for value in record.values
                )
        valid, problems = parse_all(values)
        ignored = [
            Finding(
                f"the Hotfix-Guard-Override trailer of commit {sha[:12]} does not count: that "
                f"commit is {short_name(ref)}'s, and an override counts only from the hotfix's "
                "own commits",
                ref=self.where,
                severity=INFO,
                rule="override",
            )
            for sha, ref in borrowed.items()
        ]
        return FoundOverrides(tuple(valid), (*problems, *ignored))

    def _borrowed(self, commits: list[str], tip: str) -> dict[str, str]:
        """COMMITS that another branch carries but not TIP: that branch's, not the hotfix's (the
        hotfix was cut from it: develop, another hotfix), with the branch. Overrides in them
        would let a hotfix borrow another's, branch-base included."""
        from hotfix_guard.git.refs import branch_name

        own = {self.scope.branch, self.scope.main.name}
        others = set(self.repo.refs_containing(commits)) - set(self.repo.refs_containing([tip]))
        found: dict[str, str] = {}
        for ref in sorted(other for other in others if branch_name(other) not in own):
            if not self._source_of_commits(ref, tip):
                continue
            for commit in commits:
                if commit not in found and self.repo.is_ancestor(commit, ref):
                    found[commit] = ref
        return found

    def _source_of_commits(self, ref: str, tip: str) -> bool:
        """Whether REF's commits are its own, not the hotfix's: a backport or hotfix branch
        always (a hotfix cut from develop or from another hotfix), another branch unless it is
        behind the tip (a backup or scratch branch cut from the hotfix itself)."""
        from hotfix_guard.git.refs import branch_name

        name = branch_name(ref) or ref
        if name in self.config.backport_branches or self.config.is_hotfix_branch(name):
            return True
        return not self.repo.is_ancestor(ref, tip)

    @cached_property
    def hunks(self) -> Hunks | None:
        """The hunks of the code files the line rules read, parsed once for all of them; None
        when no patch is needed: renames, tests or excluded files only, or far too big."""
        if not any(needs_lines(file) for file in self.change.files) or self.unread_lines:
            return None
        chosen, coverage = self.analysis_files(needs_lines)
        patches: list[FilePatch] = []
        unread: list[str] = []
        for file, section in self.file_sections(chosen):
            if section is None:
                unread.append(file.path)
            else:
                patches.append(FilePatch(file, parse_section(section)))
        return Hunks(patches, coverage, tuple(unread))

    @property
    def file_patches(self) -> list[FilePatch]:
        hunks = self.hunks
        return [] if hunks is None else hunks.patches

    def hunks_read(self) -> Hunks | None:
        """The hunks, when a rule has read them; never reads them itself."""
        return self.__dict__.get("hunks")

    @cached_property
    def unread_lines(self) -> int | None:
        """The changed lines the line rules would read, when there are more than they read."""
        return too_big_to_read(self.change.files)

    # --- bounded, streamed hunk analysis----------------------------------------------------

    @cached_property
    def analysis_limited(self) -> bool:
        """True when the change is far over the limits: detailed analysis is bounded."""
        return self.change.far_over_limits(self.config)

    @property
    def analysis_line_budget(self) -> int | None:
        """Changed lines `file_sections` hands out at most; None when unlimited."""
        return FAR_OVER_FACTOR * self.config.max_lines if self.analysis_limited else None

    def analysis_files(
        self, wanted: Callable[[FileChange], bool]
    ) -> tuple[list[int], AnalysisCoverage]:
        """Indexes (in the change) of the wanted files the analysis reads, within the budget,
        and how much of what is wanted they are."""
        budget = self.analysis_line_budget
        chosen: list[int] = []
        used = 0
        for index, file in enumerate(self.change.files):
            if not wanted(file):
                continue
            if budget is not None and used + file.lines > budget:
                break
            chosen.append(index)
            used += file.lines
        wanted_files = [f for f in self.change.files if wanted(f)]
        return chosen, AnalysisCoverage(
            files=len(chosen),
            lines=used,
            wanted_files=len(wanted_files),
            wanted_lines=sum(f.lines for f in wanted_files),
        )

    def file_sections(self, chosen: list[int]) -> Iterator[tuple[FileChange, bytes | None]]:
        """`(file, its patch section)` for the CHOSEN files (indexes in the change, ascending),
        streamed; the section is None when it is too long to hold (minified code, data).

        A chosen file must have exactly one section (not a type change or an unmerged path).
        """
        if not chosen:
            return
        files = self.change.files
        # The file each `diff --git` section of the patch belongs to, in order.
        owners = [
            index
            for index, file in enumerate(files)
            for _ in range(SECTIONS_OF_STATUS.get(file.status, 1))
        ]
        keep = set(chosen)
        last = chosen[-1]
        number = -1  # of the section being read
        section: list[bytes] = []
        size = 0
        with self.repo.patch_stream(
            self.scope.base, self.head, find_copies=not self.change.copies_skipped
        ) as stream:
            for line in stream:
                if line.startswith(SECTION_START):
                    if number >= 0 and owners[number] in keep:
                        yield files[owners[number]], _held(section, size)
                        if owners[number] == last:
                            return
                    number += 1
                    if number >= len(owners):
                        break
                    section, size = [], 0
                if number >= 0 and owners[number] in keep and size <= MAX_SECTION_BYTES:
                    size += len(line)
                    if len(line) > MAX_LINE_BYTES or size > MAX_SECTION_BYTES:
                        # minified code, data: no noise rule can read it, and it costs memory
                        size = MAX_SECTION_BYTES + 1
                        section = []
                    else:
                        section.append(line)
        if number != len(owners) - 1:
            raise RuntimeError(
                f"the patch has {number + 1} file sections but the change has {len(owners)}"
            )
        yield files[owners[number]], _held(section, size)  # the last section is the last chosen


def _held(section: list[bytes], size: int) -> bytes | None:
    """A streamed section's bytes; None when it grew past what is held (MAX_SECTION_BYTES)."""
    return b"".join(section) if size <= MAX_SECTION_BYTES else None


def judging_the_rest(
    check: Callable[[Context], list[Finding]],
) -> Callable[[Context], list[Finding]]:
    """CHECK, judging only what follows a leading run of reverts when it finds something.

    A rollback with lint and test fix-ups after it: the fix-ups are checked, the reverted
    renames and moves are not (rollback.py). Asked only when CHECK blocks something.
    """

    @wraps(check)
    def judged(ctx: Context) -> list[Finding]:
        findings = check(ctx)
        if not any(f.severity != INFO for f in findings):
            return findings
        rest = ctx.rest_of_rollback
        return findings if rest is None else check(rest)

    return judged
