"""The git layer: every git query hotfix-guard makes lives in this package.

`Repository` is one work tree (or bare repository) and its queries, by concept: refs here,
commits and history in commits.py, changes in changes.py, how git is run in process.py. Tags are
in tags.py, other work trees in worktree.py and scratch.py, the ref moves of start and finish in
lifecycle.py, GitPython's view of history for the incident timeline in history.py.

Plumbing commands run as subprocesses with machine-readable output (`-z` wherever paths appear), so
paths with spaces, newlines or non-UTF-8 bytes survive; paths are decoded with `os.fsdecode`
(surrogate escapes) and encoded back the same way. Output is split on "\n" and NUL only, never with
str.splitlines (which also splits on U+2028, U+0085 and other characters a subject or path holds).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path

from hotfix_guard.errors import UsageError
from hotfix_guard.git.commits import CommitQueries
from hotfix_guard.git.process import (
    GitError,
    lines,
    run,
    split_z,
)


class Repository(CommitQueries):
    """A work tree and the git queries made about it; answers that cannot change are cached."""

    def __init__(
        self, root: Path, git_dir: Path, shallow: bool, env: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.git_dir = git_dir
        self.shallow = shallow
        # Set when the caller named the repository with GIT_DIR: the same one, as absolute paths.
        self.env = env
        # (HEAD's full ref or None when detached, HEAD's commit), when the caller already asked
        # git (the fast path's probe): saves a process for each.
        self.known_head: tuple[str | None, str] | None = None

    @classmethod
    def discover(cls, cwd: Path | str | None = None) -> Repository:
        try:
            output = run(
                ["rev-parse", "--is-shallow-repository", "--show-toplevel", "--absolute-git-dir"],
                cwd=cwd,
            )
        except GitError:
            raise UsageError(
                "not inside a git work tree: run hotfix-guard from a clone of your repository"
            ) from None
        shallow, _, places = os.fsdecode(output).partition("\n")
        places = places.removesuffix("\n")
        if places.count("\n") == 1:
            root, git_dir = places.split("\n")
        else:  # a path holds a line break: ask for the git dir alone to tell them apart
            git_dir = os.fsdecode(run(["rev-parse", "--absolute-git-dir"], cwd=cwd))[:-1]
            root = places[: -len(git_dir) - 1]
        env = None
        if "GIT_DIR" in os.environ:
            # A relative GIT_DIR means another place once git runs from the work tree's root.
            env = {**os.environ, "GIT_DIR": git_dir, "GIT_WORK_TREE": root}
        return cls(Path(root), Path(git_dir), shallow == "true", env)

    # --- refs --------------------------------------------------------------------------------

    def symbolic_head(self) -> str | None:
        """The full ref HEAD points at (even on an unborn branch), or None when detached."""
        if self.known_head is not None:
            return self.known_head[0]
        output = self.try_git("symbolic-ref", "-q", "HEAD")
        return os.fsdecode(output).strip() if output else None

    @cached_property
    def refs(self) -> dict[str, str]:
        """Branches and remote-tracking branches, full name -> commit id; symbolic refs left out."""
        output = self.git(
            "for-each-ref",
            "--format=%(refname)%00%(objectname)%00%(symref)",
            "refs/heads",
            "refs/remotes",
        )
        refs = {}
        for line in lines(output):
            name, sha, symref = os.fsdecode(line).split("\0")
            if not symref:
                refs[name] = sha
        return refs

    def forget_refs(self) -> None:
        """Read the refs afresh next time (after a fetch added some)."""
        self.__dict__.pop("refs", None)

    def files_at(self, rev: str, paths: Sequence[str]) -> dict[str, bytes]:
        """The contents of the files (blobs) PATHS at commit REV, in one process; absent ones left
        out. A path that is a directory there raises UsageError: it cannot be a file we read."""
        commit = self.resolve_commit(rev)
        if commit is None:
            raise UsageError(f"cannot read the configuration of {rev!r}: no such commit")
        requests = b"".join(f"{commit}:{path}\n".encode() for path in paths)
        output = self.git("cat-file", "--batch", stdin=requests)
        found: dict[str, bytes] = {}
        for path in paths:
            header, _, output = output.partition(b"\n")
            fields = header.split()
            if fields[-1] == b"missing":
                continue
            kind, size = fields[1].decode(), int(fields[2])
            if kind != "blob":
                raise UsageError(f"{path} at {commit[:12]} is a {kind}, not a file: remove it")
            found[path] = output[:size]
            output = output[size + 1 :]  # the content, then a line break
        return found

    def hooks_dir(self) -> Path:
        """Where git looks for hooks: core.hooksPath or the common git dir's hooks/."""
        output = os.fsdecode(self.git("rev-parse", "--git-path", "hooks")).strip()
        return self.root / output

    def is_tracked(self, path: Path) -> bool:
        return (
            self.try_git(
                "--literal-pathspecs", "ls-files", "--error-unmatch", "--", os.fsdecode(path)
            )
            is not None
        )

    def tree_and_common_dir(self, commit: str) -> tuple[str, Path]:
        """COMMIT's tree id and the common git dir, in one call (the remembered-pass check)."""
        output = self.git("rev-parse", "--git-common-dir", f"{commit}^{{tree}}")
        common_dir, tree = os.fsdecode(output).rstrip("\n").rsplit("\n", 1)
        return tree, self.root / common_dir

    def head_file_ref(self) -> str | None:
        """The branch ref the git dir's HEAD file names (`ref: refs/heads/x`), read without a git
        process; None when it is detached, unreadable, or kept elsewhere (reftable)."""
        try:
            text = (self.git_dir / "HEAD").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        ref = text.removeprefix("ref: ").rstrip("\n")
        return ref if text.startswith("ref: refs/heads/") and ref != "refs/heads/.invalid" else None

    def has_other_work_trees(self) -> bool:
        """Whether this clone may have another work tree, told from the git dir's files without a
        git process: a linked work tree's git dir names the common one (`commondir`); the main
        one lists its linked ones in `worktrees/`. True when unsure (GIT_COMMON_DIR is set)."""
        environ = self.env if self.env is not None else os.environ
        return (
            "GIT_COMMON_DIR" in environ
            or (self.git_dir / "commondir").exists()
            or (self.git_dir / "worktrees").exists()
        )

    def files_under(self, commit: str, directory: str) -> dict[str, bytes]:
        """The files below DIRECTORY at COMMIT (path -> content), read in one cat-file batch."""
        listed = self.try_git(
            "--literal-pathspecs", "ls-tree", "-r", "-z", "--name-only", commit, "--", directory
        )
        paths = split_z(listed) if listed else []
        return self.files_at(commit, paths) if paths else {}

    def remote_head(self, remote: str = "origin") -> str | None:
        """The full ref refs/remotes/REMOTE/HEAD points at, if the clone recorded it."""
        output = self.try_git("symbolic-ref", "-q", f"refs/remotes/{remote}/HEAD")
        return os.fsdecode(output).strip() if output else None

    def resolve_commit(self, rev: str) -> str | None:
        if self.known_head is not None and rev in ("HEAD", self.known_head[1]):
            return self.known_head[1]  # HEAD, or its commit id (a push of the checked-out tip)
        output = self.try_git(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
        )
        return output.decode().strip() if output else None

    def merge_head(self) -> str | None:
        """The commit being merged while a merge waits to be concluded (MERGE_HEAD), else None.
        A file test first: most commits are not merges and pay no git process for this."""
        if not (self.git_dir / "MERGE_HEAD").exists():
            return None
        return self.resolve_commit("MERGE_HEAD")

    def resolve_object(self, rev: str) -> str | None:
        output = self.try_git("rev-parse", "--verify", "--quiet", "--end-of-options", rev)
        return output.decode().strip() if output else None

    def merge_base(self, commit: str, others: Sequence[str]) -> str | None:
        """The best common ancestor of COMMIT and the union of OTHERS (`git merge-base A B C`)."""
        output = self.try_git("merge-base", commit, *others)
        return output.decode().strip() if output else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.try_git("merge-base", "--is-ancestor", ancestor, descendant) is not None

    def refs_containing(self, commits: Iterable[str]) -> list[str]:
        """Branches and remote-tracking branches that contain at least one of `commits`."""
        contains = [f"--contains={commit}" for commit in commits]
        if not contains:
            return []
        output = self.git(
            "for-each-ref", "--format=%(refname)", *contains, "refs/heads", "refs/remotes"
        )
        return [os.fsdecode(line) for line in lines(output)]
