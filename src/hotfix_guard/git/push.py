"""Git queries of push time: tags, other work trees, the files a command changed.

Part of the git layer (see hotfix_guard.git): the only other module that runs git.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from hotfix_guard.errors import UsageError
from hotfix_guard.git import GitError, Repository, split_z

# Variables that point git at one repository; commands run in another work tree must not see them.
_KEPT_GIT_VARIABLES = frozenset(
    {
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CONFIG_COUNT",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_ASKPASS",
        "GIT_TERMINAL_PROMPT",
    }
)


def environment_for_other_work_tree(environ: dict[str, str]) -> dict[str, str]:
    """ENVIRON without the GIT_* variables that tie git to the repository of the calling hook."""
    return {
        name: value
        for name, value in environ.items()
        if not name.startswith("GIT_")
        or name in _KEPT_GIT_VARIABLES
        or name.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))
    }


def run_in_work_tree(work_tree: Path, args: Sequence[str]) -> bytes:
    """`git ARGS` in another work tree, with no inherited GIT_DIR or GIT_INDEX_FILE."""
    result = subprocess.run(
        ["git", *args],
        cwd=work_tree,
        capture_output=True,
        check=False,
        env=environment_for_other_work_tree(dict(os.environ)),
    )
    if result.returncode != 0:
        raise GitError(args, result.returncode, result.stderr)
    return result.stdout


@dataclass(frozen=True)
class TagRef:
    """One tag: the object it names, whether that is a tag object, and the commit it reaches."""

    name: str
    object_id: str
    annotated: bool
    commit: str | None


@dataclass(frozen=True)
class TagObject:
    """What an annotated tag object says (signature left out)."""

    target: str
    message: str


def tracked_changes(work_tree: Path, *, untracked: bool) -> list[str]:
    """Paths `git status` reports as changed (and untracked ones too when asked), NUL-safe."""
    output = run_in_work_tree(
        work_tree,
        [
            "--no-optional-locks",
            "status",
            "--porcelain=v1",
            "-z",
            f"--untracked-files={'normal' if untracked else 'no'}",
        ],
    )
    items = output.split(b"\0")
    paths = []
    index = 0
    while index < len(items):
        entry = items[index]
        index += 1
        if not entry:
            continue
        paths.append(os.fsdecode(entry[3:]))
        if entry[:1] in (b"R", b"C"):
            index += 1  # the entry's original path follows
    return paths


class PushQueries:
    """The queries of the push-time checks, bound to one Repository."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def hooks_dir(self) -> Path:
        """Where git looks for hooks: core.hooksPath or the common git dir's hooks/."""
        output = os.fsdecode(self.repo.git("rev-parse", "--git-path", "hooks")).strip()
        return self.repo.root / output

    def is_tracked(self, path: Path) -> bool:
        return (
            self.repo.try_git(
                "--literal-pathspecs", "ls-files", "--error-unmatch", "--", os.fsdecode(path)
            )
            is not None
        )

    def tree_and_common_dir(self, commit: str) -> tuple[str, Path]:
        """COMMIT's tree id and the common git dir, in one call (the remembered-pass check)."""
        output = self.repo.git("rev-parse", "--git-common-dir", f"{commit}^{{tree}}")
        common_dir, tree = os.fsdecode(output).rstrip("\n").rsplit("\n", 1)
        return tree, self.repo.root / common_dir

    def head_commit(self) -> str | None:
        return self.repo.resolve_commit("HEAD")

    def object_type(self, object_id: str) -> str | None:
        output = self.repo.try_git("cat-file", "-t", object_id)
        return output.decode().strip() if output else None

    @cached_property
    def tags(self) -> dict[str, TagRef]:
        """Every local tag by short name."""
        output = self.repo.git(
            "for-each-ref",
            "--format=%(refname:strip=2)%00%(objectname)%00%(objecttype)"
            "%00%(*objectname)%00%(*objecttype)",
            "refs/tags",
        )
        tags = {}
        for line in output.splitlines():
            name, object_id, kind, target, target_kind = os.fsdecode(line).split("\0")
            if kind == "commit":
                commit: str | None = object_id
            elif kind == "tag" and target_kind == "commit":
                commit = target
            elif kind == "tag":  # a tag of a tag: let git peel it
                commit = self.repo.resolve_commit(object_id)
            else:
                commit = None
            tags[name] = TagRef(name, object_id, kind == "tag", commit)
        return tags

    def tag_ref(self, name: str, object_id: str) -> TagRef:
        """The tag NAME as pushed: OBJECT_ID may differ from (or lack) a local ref of that name."""
        known = self.tags.get(name)
        if known is not None and known.object_id == object_id:
            return known
        kind = self.object_type(object_id)
        commit = self.repo.resolve_commit(object_id) if kind in ("tag", "commit") else None
        return TagRef(name, object_id, kind == "tag", commit)

    def tag_object(self, object_id: str) -> TagObject:
        raw = os.fsdecode(self.repo.git("cat-file", "tag", object_id))
        header, _, message = raw.partition("\n\n")
        target = next(line.split()[1] for line in header.splitlines() if line.startswith("object "))
        for marker in ("-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----"):
            message = message.split(marker, 1)[0]
        return TagObject(target, message.strip())

    @cached_property
    def tag_times(self) -> dict[str, int]:
        """Tag -> when it was made (Unix): the tagger date, or a lightweight tag's commit date."""
        output = self.repo.git(
            "for-each-ref", "--format=%(refname:strip=2)%00%(creatordate:unix)", "refs/tags"
        )
        times = {}
        for line in output.splitlines():
            name, _, when = os.fsdecode(line).partition("\0")
            if when.isdigit():
                times[name] = int(when)
        return times

    def files_under(self, commit: str, directory: str) -> dict[str, bytes]:
        """The files below DIRECTORY at COMMIT (path -> content), read in one cat-file batch."""
        listed = self.repo.try_git(
            "--literal-pathspecs", "ls-tree", "-r", "-z", "--name-only", commit, "--", directory
        )
        paths = split_z(listed) if listed else []
        return self.repo.files_at(commit, paths) if paths else {}

    def tags_merged_into(self, commit: str) -> list[str]:
        """Tags whose commit is reachable from COMMIT."""
        output = self.repo.git(
            "for-each-ref", "--format=%(refname:strip=2)", f"--merged={commit}", "refs/tags"
        )
        return [os.fsdecode(line) for line in output.splitlines()]

    def parents_and_subject(self, commit: str) -> tuple[list[str], str]:
        output = self.repo.git("log", "-1", "--format=%P%x00%s", commit, "--")
        parents, _, subject = os.fsdecode(output).rstrip("\n").partition("\0")
        return parents.split(), subject

    def remote_tag_names(self, remote: str) -> set[str]:
        """Tag names REMOTE has (`git ls-remote --tags --refs`)."""
        try:
            output = self.repo.git("ls-remote", "--tags", "--refs", "--", remote)
        except GitError as error:
            detail = error.stderr.splitlines()[-1] if error.stderr else f"exit {error.returncode}"
            raise UsageError(
                f"cannot list the tags of remote {remote!r} ({detail}): name the tags to check "
                "(hotfix-guard check-tag v1.2.4) or pass --remote NAME"
            ) from None
        names = set()
        for line in output.splitlines():
            ref = os.fsdecode(line).split("\t", 1)[1]
            names.add(ref.removeprefix("refs/tags/"))
        return names

    def add_worktree(self, path: Path, commit: str) -> None:
        # No hooks: a post-checkout hook has no business running in a throwaway checkout.
        self.repo.git(
            "-c", "core.hooksPath=/dev/null", "worktree", "add", "--quiet", "--detach",
            os.fsdecode(path), commit,
        )  # fmt: skip

    def remove_worktree(self, path: Path) -> None:
        if self.repo.try_git("worktree", "remove", "--force", os.fsdecode(path)) is None:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
            self.repo.try_git("worktree", "prune")

    def save_and_restore(self, paths: Sequence[str]) -> str | None:
        """Keep the changes to PATHS in a stash commit (no ref), then reset them to HEAD.

        Returns the stash commit (`git stash apply <id>` brings the changes back), or None.
        """
        saved = self.repo.git("stash", "create").decode().strip() or None
        self.repo.git(
            "--literal-pathspecs",
            "restore",
            "--source=HEAD",
            "--staged",
            "--worktree",
            "--",
            *paths,
        )
        return saved
