"""The read-only context every rule receives; expensive answers are computed once and shared."""

from __future__ import annotations

from functools import cached_property

from hotfix_guard.config import Config
from hotfix_guard.diff import Change, build_change
from hotfix_guard.git import Repository
from hotfix_guard.hunks import FilePatch, needs_lines, parse_file_patches, too_big_to_read
from hotfix_guard.scope import Scope


class Context:
    """Config, repository and the hotfix's scope, with the parsed change built on first use."""

    def __init__(self, repo: Repository, config: Config, scope: Scope) -> None:
        self.repo = repo
        self.config = config
        self.scope = scope

    @property
    def head(self) -> str | None:
        """The tip to diff against: None means the staged index (commit time)."""
        return None if self.scope.staged else self.scope.head

    @property
    def where(self) -> str:
        """Where whole-branch findings point: the branch, or the tip when no branch is known."""
        return self.scope.branch or self.scope.head[:12]

    @cached_property
    def change(self) -> Change:
        return build_change(self.repo, self.config, self.scope.base, self.head)

    @cached_property
    def commits(self) -> list[tuple[str, ...]]:
        """The branch's own commits (each followed by its parents), newest first."""
        return self.repo.commits_with_parents(self.scope.head, self.scope.main.refs)

    @cached_property
    def patch(self) -> bytes:
        """The unified diff of the whole change, for rules that read hunks."""
        return self.repo.patch(self.scope.base, self.head)

    @cached_property
    def file_patches(self) -> list[FilePatch]:
        """The hunks of the code files the line rules read, parsed once for all of them."""
        files = self.change.files
        if not any(needs_lines(file) for file in files) or too_big_to_read(files):
            return []  # no patch needed: renames, tests or excluded files only, or far too big
        return parse_file_patches(self.patch, self.change.files)
