"""The tag context: one release tag being checked, what the tag rules read.

- A release tag is one that matches `tag-format`, looks like a final version in another spelling
  (a prefix, then three or four numbers, nothing after: `1.2.3`, `release-1.2.3`), or has a
  hotfix message. Pre-releases (`v1.2.4-rc.1`) and other tags (`deploy-prod`) are left alone.
- A hotfix tag is a release tag whose message starts with `tag-message-prefix`, or that points at
  the tip of a hotfix branch, or at a merge commit that merges one (by its parents or subject).
"""

from __future__ import annotations

from functools import cached_property

from hotfix_guard.config.loader import Config
from hotfix_guard.git.refs import branch_name
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagObject, TagQueries, TagRef
from hotfix_guard.releases.versions import (
    LOOKS_LIKE_A_RELEASE,
    Version,
    parse_version,
)
from hotfix_guard.scope import MainBranch, find_main


class TagContext:
    """One tag being checked, with the repository's release tags computed once and shared."""

    def __init__(
        self,
        repo: Repository,
        config: Config,
        tag: TagRef,
        queries: TagQueries,
        main: MainBranch | None = None,
    ) -> None:
        self.repo = repo
        self.config = config
        self.tag = tag
        self.queries = queries
        self._main = main

    @cached_property
    def main(self) -> MainBranch:
        """main as the caller knows it (the server: after the push), else as the refs say."""
        return self._main or find_main(self.repo, self.config)

    @property
    def name(self) -> str:
        return self.tag.name

    @cached_property
    def tag_object(self) -> TagObject | None:
        return self.queries.tag_object(self.tag.object_id) if self.tag.annotated else None

    @property
    def message(self) -> str | None:
        return self.tag_object.message if self.tag_object else None

    @cached_property
    def version(self) -> Version | None:
        return parse_version(self.name, self.config.tag_format)

    @cached_property
    def loose_version(self) -> Version | None:
        """The numbers of a name that looks like a final release in another spelling."""
        match = LOOKS_LIKE_A_RELEASE.fullmatch(self.name)
        return tuple(int(n) for n in match.group(1).split(".")) if match else None

    @cached_property
    def message_says_hotfix(self) -> bool:
        prefix = self.config.tag_message_prefix.strip()
        message = self.message
        return bool(prefix) and message is not None and message.lower().startswith(prefix.lower())

    @property
    def is_release(self) -> bool:
        """A version in any spelling, or a hotfix message: a deploy marker is left alone."""
        return (
            self.version is not None or self.loose_version is not None or self.message_says_hotfix
        )

    @cached_property
    def hotfix(self) -> str | None:
        """Why this release tag is a hotfix tag, in words for messages; None when it is not."""
        if self.message_says_hotfix:
            return f"its message starts with {self.config.tag_message_prefix.strip()!r}"
        commit = self.tag.commit
        if commit is None:
            return None
        branches = self._hotfix_branch_refs()
        at_tip = [ref for ref, sha in branches.items() if sha == commit]
        if at_tip:
            return f"it points at the tip of {branch_name(at_tip[0]) or at_tip[0]}"
        parents, subject = self.queries.parents_and_subject(commit)
        if len(parents) < 2:
            return None
        named = self._hotfix_branch_named_in(subject)
        if named:
            return f"it points at the merge of {named}"
        merged = set(self.repo.refs_containing(parents[1:])) & set(branches)
        if merged:
            return f"it points at the merge of {branch_name(min(merged)) or min(merged)}"
        return None

    def _hotfix_branch_refs(self) -> dict[str, str]:
        return {
            ref: sha
            for ref, sha in self.repo.refs.items()
            if self.config.is_hotfix_branch(branch_name(ref) or ref)
        }

    def _hotfix_branch_named_in(self, subject: str) -> str | None:
        """`Merge branch 'hotfix/x'`, `Merge pull request #1 from org/hotfix/x`, and the like."""
        for word in subject.split():
            word = word.strip("'\"`,.:;()")
            parts = word.split("/")
            for start in range(len(parts)):
                candidate = "/".join(parts[start:])
                if candidate and self.config.is_hotfix_branch(candidate):
                    return candidate
        return None

    @cached_property
    def release_versions(self) -> dict[str, Version]:
        """Every local tag in tag-format (this one left out) with its version."""
        versions = {}
        for name in self.queries.tags:
            version = parse_version(name, self.config.tag_format)
            if version is not None and name != self.name:
                versions[name] = version
        return versions

    def releases_before(self) -> dict[str, Version]:
        """The release tags on commits before the tagged one: the releases this one follows.

        Release tags on the tagged commit itself are not before it: two tags pushed together on
        one merge (`v1.2.4` and `v1.2.9`) are each judged against the release before that
        commit, as the server judges them (it knows neither until the push is taken)."""
        commit = self.tag.commit
        if commit is None:
            return {}
        reachable = set(self.queries.tags_merged_into(commit)) - set(self.releases_on_commit())
        return {name: v for name, v in self.release_versions.items() if name in reachable}

    def releases_on_commit(self) -> list[str]:
        """The other release tags in tag-format on the tagged commit."""
        commit, tags = self.tag.commit, self.queries.tags
        return sorted(
            name
            for name in self.release_versions
            if commit is not None and name in tags and tags[name].commit == commit
        )
