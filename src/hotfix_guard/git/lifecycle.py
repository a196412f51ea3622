"""Git commands that change the repository, for start and finish (the lifecycle package).

Part of the git layer (see hotfix_guard.git). Every ref move names the value it expects to replace
(`git update-ref REF NEW OLD`), so a ref someone else moved in the meantime is never overwritten.
Merges, commits and tags run with the user's hooks: finish's own commits must pass them. The
commands run with HOTFIX_GUARD_FINISH=<step> in their environment so a hook can tell them apart.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hotfix_guard.git.process import GitError, split_z
from hotfix_guard.git.refs import TAGS, local
from hotfix_guard.git.repository import Repository

ZERO_SHA = "0" * 40
# Set for every git command finish runs: its value is the step.
FINISH_VARIABLE = "HOTFIX_GUARD_FINISH"


@dataclass(frozen=True)
class Outcome:
    """What a git command that may fail for the user's reasons did."""

    ok: bool
    stderr: str


@dataclass(frozen=True)
class Prediction:
    """What `git merge-tree --write-tree` says a merge would give: its tree and conflicted paths."""

    tree: str
    conflicts: tuple[str, ...]


class LifecycleGit:
    """The ref-moving and work-tree commands of start and finish, bound to one Repository."""

    def __init__(self, repo: Repository, step: str = "") -> None:
        self.repo = repo
        self.step = step

    def _run(
        self, args: Sequence[str], stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        self.repo.forget_reads()  # the command may move a ref
        env = dict(os.environ)
        if self.step:
            env[FINISH_VARIABLE] = self.step
        return subprocess.run(
            ["git", *args], cwd=self.repo.root, input=stdin, capture_output=True, env=env
        )

    def _checked(self, args: Sequence[str], stdin: bytes | None = None) -> bytes:
        result = self._run(args, stdin)
        if result.returncode != 0:
            raise GitError(args, result.returncode, result.stderr)
        return result.stdout

    def _outcome(self, args: Sequence[str], stdin: bytes | None = None) -> Outcome:
        result = self._run(args, stdin)
        text = os.fsdecode(result.stdout + result.stderr).strip()
        return Outcome(result.returncode == 0, text)

    # --- reading ---------------------------------------------------------------------------

    def forget_cached_refs(self) -> None:
        """After a command moved refs, the Repository reads them again."""
        self.repo.__dict__.pop("refs", None)

    def remotes(self) -> list[str]:
        return os.fsdecode(self.repo.git("remote")).split()

    def config_section(self, prefix: str) -> dict[str, str]:
        """`git config` keys starting with PREFIX (lowercased by git), with their last value."""
        output = self.repo.try_git("config", "-z", "--get-regexp", f"^{prefix}")
        found: dict[str, str] = {}
        for item in (output or b"").split(b"\0"):
            key, _, value = os.fsdecode(item).partition("\n")
            if key:
                found[key] = value
        return found

    def ahead_behind(self, local: str, upstream: str) -> tuple[int, int]:
        """(commits only LOCAL has, commits only UPSTREAM has)."""
        output = self.repo.git("rev-list", "--left-right", "--count", f"{local}...{upstream}", "--")
        ahead, behind = output.decode().split()
        return int(ahead), int(behind)

    def tracked_changes(self) -> list[str]:
        """Tracked paths with uncommitted changes (staged or not), NUL-safe."""
        output = self.repo.git("--no-optional-locks", "status", "--porcelain=v1", "-z", "-uno")
        items = output.split(b"\0")
        paths, index = [], 0
        while index < len(items):
            entry = items[index]
            index += 1
            if entry:
                paths.append(os.fsdecode(entry[3:]))
                index += 1 if entry[:1] in (b"R", b"C") else 0
        return paths

    def merge_in_progress(self) -> bool:
        """MERGE_HEAD is there: what git itself looks at (git status, git commit)."""
        return (self.repo.git_dir / "MERGE_HEAD").exists()

    def head_branch(self) -> str | None:
        """The full ref HEAD is on now (None: detached), asked of git (no cached value)."""
        result = self._run(["symbolic-ref", "-q", "HEAD"])
        return os.fsdecode(result.stdout).strip() or None

    def index_is_tree(self, tree: str) -> bool:
        """The index holds exactly TREE and the tracked files match the index."""
        index = self._run(["write-tree"])  # fails with unmerged entries: not a finished merge
        if index.returncode != 0 or index.stdout.decode().strip() != tree:
            return False
        return self._run(["diff", "--quiet", "--no-ext-diff"]).returncode == 0

    def index_matches_head(self) -> bool:
        return self._run(["diff", "--cached", "--quiet", "--no-ext-diff"]).returncode == 0

    def forget_merge(self) -> None:
        """Remove MERGE_HEAD and its files, index and work tree as they are."""
        self._checked(["merge", "--quit"])

    def reset_hard(self) -> None:
        self._checked(["reset", "-q", "--hard", "HEAD"])

    def remote_refs(self, remote: str, names: Sequence[str]) -> dict[str, str] | None:
        """Full ref -> object id on REMOTE for the refs NAMES (absent: not there); None when
        the remote cannot be asked."""
        result = self._run(["ls-remote", "--", remote, *names])
        if result.returncode != 0:
            return None
        found = {}
        for line in os.fsdecode(result.stdout).splitlines():
            sha, _, ref = line.partition("\t")
            found[ref] = sha
        return found

    def unmerged_paths(self) -> list[str]:
        return sorted(set(split_z(self.repo.git("diff", "--name-only", "-z", "--diff-filter=U"))))

    def checked_out_elsewhere(self) -> dict[str, Path]:
        """Branch ref -> the other work tree that has it checked out."""
        if not self.repo.has_other_work_trees():
            return {}
        output = os.fsdecode(self.repo.git("worktree", "list", "--porcelain", "-z"))
        found: dict[str, Path] = {}
        path: Path | None = None
        for field in output.split("\0"):
            if field.startswith("worktree "):
                path = Path(field[len("worktree ") :])
            elif (
                field.startswith("branch ")
                and path is not None
                and path.resolve() != self.repo.root.resolve()
            ):
                found[field[len("branch ") :]] = path
        return found

    def predict_merge(self, ours: str, theirs: str) -> Prediction:
        """Tree and conflicts of merging THEIRS into OURS; writes objects only, moves nothing."""
        result = self._run(
            ["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", ours, theirs]
        )
        if result.returncode not in (0, 1):
            raise GitError(["merge-tree", ours, theirs], result.returncode, result.stderr)
        fields = split_z(result.stdout)
        return Prediction(fields[0], tuple(fields[1:]) if result.returncode == 1 else ())

    def commit_tree(self, tree: str, parents: Sequence[str], message: str) -> str:
        """A commit object no ref points at (git gc removes it): how a later merge is predicted."""
        parent_args = [arg for parent in parents for arg in ("-p", parent)]
        return self._checked(["commit-tree", tree, *parent_args, "-m", message]).decode().strip()

    # --- moving refs ---------------------------------------------------------------------------

    def update_ref(self, ref: str, new: str | None, old: str | None, reason: str) -> None:
        """Set REF to NEW (None: delete it) only if it is OLD now (None: it must not exist)."""
        if new is None:
            if old is not None:
                self._checked(["update-ref", "-m", reason, "-d", ref, old])
            return
        self._checked(["update-ref", "-m", reason, ref, new, old or ZERO_SHA])

    def point_head_at(self, head_ref: str | None, commit: str, reason: str) -> None:
        """HEAD back on HEAD_REF (None: detached at COMMIT), index and tracked files as its tree.

        Untracked files are left alone: start and finish refuse to begin with changed tracked
        files, so the tree of the branch is exactly the work tree they found."""
        if head_ref is None:
            self._checked(["update-ref", "--no-deref", "-m", reason, "HEAD", commit])
        else:
            self._checked(["symbolic-ref", "-m", reason, "HEAD", head_ref])
        self._checked(["reset", "-q", "--hard", "HEAD"])

    def switch(self, branch: str) -> Outcome:
        if self.repo.head_file_ref() == local(branch):
            return Outcome(True, "")  # on it already: git switch would change nothing
        return self._outcome(["switch", "-q", "--no-guess", branch])

    def create_and_switch(self, branch: str, start: str) -> Outcome:
        return self._outcome(["switch", "-q", "--no-track", "-c", branch, start])

    def commit_message(self, message: str, *, allow_empty: bool) -> Outcome:
        extra = ["--allow-empty"] if allow_empty else []
        return self._outcome(["commit", "-q", *extra, "-F", "-"], stdin=message.encode())

    def stage(self, paths: Sequence[str]) -> None:
        self._checked(["--literal-pathspecs", "add", "--", *paths])

    def restore(self, paths: Sequence[str]) -> None:
        """PATHS in the index and the work tree as HEAD has them."""
        self._checked(["--literal-pathspecs", "checkout", "HEAD", "--", *paths])

    def commit_staged(self, *, amend: bool) -> Outcome:
        """Commit the index with the message git has (a merge's MERGE_MSG, or the amended one's)."""
        return self._outcome(["commit", "-q", "--no-edit", *(["--amend"] if amend else [])])

    def merge(self, commit: str, message: str, *, conclude: bool = True) -> Outcome:
        """`git merge --no-ff` of COMMIT into the checked-out branch, with MESSAGE; hooks run.
        With CONCLUDE false, a clean merge waits uncommitted (MERGE_HEAD, MERGE_MSG) for
        `git commit`."""
        stop = [] if conclude else ["--no-commit"]
        return self._outcome(
            ["merge", "--no-ff", *stop, "--no-edit", "--no-log", "--no-squash", "-m", message,
             commit]
        )  # fmt: skip

    def merge_abort(self) -> None:
        if self._run(["merge", "--abort"]).returncode != 0:
            self._checked(["reset", "-q", "--merge"])

    def tag_annotated(self, name: str, commit: str, message: str) -> Outcome:
        # verbatim: the trailers and any line a user's commentChar would eat stay in the message.
        return self._outcome(
            ["tag", "-a", "--cleanup=verbatim", "-F", "-", name, commit], stdin=message.encode()
        )

    def fetch(self, remote: str) -> Outcome:
        return self._outcome(["fetch", "--quiet", "--prune", remote])

    def push_atomic(
        self, remote: str, branches: Sequence[str], tags: Sequence[str], deleted: Sequence[str]
    ) -> Outcome:
        """One `git push --atomic` of BRANCHES and TAGS, deleting the branches DELETED on REMOTE:
        the remote takes every ref or none. The pre-push hooks run."""
        refspecs = [f"{local(name)}:{local(name)}" for name in branches]
        refspecs += [f"{TAGS}{name}:{TAGS}{name}" for name in tags]
        refspecs += [f":{local(name)}" for name in deleted]
        return self._outcome(["push", "--atomic", "--porcelain", remote, *refspecs])

    def delete_remote_tracking(self, refs: Mapping[str, str]) -> None:
        for ref, old in refs.items():
            self.update_ref(ref, None, old, "hotfix-guard finish: deleted on the remote")

    def add_trailers(self, message_file: Path, trailers: Sequence[tuple[str, str]]) -> None:
        """Append TRAILERS to the commit message file, skipping a key the message already has."""
        args = [arg for key, value in trailers for arg in ("--trailer", f"{key}: {value}")]
        self._checked(
            [
                "interpret-trailers",
                "--in-place",
                "--if-exists",
                "doNothing",
                *args,
                os.fsdecode(message_file),
            ]
        )

    # --- rollback (lifecycle/rollback.py) ------------------------------------------------------

    def first_parent_line(self, good: str, tip: str) -> list[tuple[str, int]]:
        """(commit, number of parents) of TIP's first-parent line down to GOOD, newest first."""
        output = self._checked(["rev-list", "--first-parent", "--parents", tip, f"^{good}", "--"])
        found = []
        for line in output.decode().splitlines():
            sha, *parents = line.split()
            found.append((sha, len(parents)))
        return found

    def paths_touched(self, good: str, tip: str) -> list[str]:
        """Every path a commit of TIP's first-parent line after GOOD changed (a merge: against
        its first parent), NUL-safe, sorted."""
        output = self._checked(
            ["log", "--first-parent", "-m", "--no-renames", "--name-only", "--format=", "-z",
             tip, f"^{good}", "--"]
        )  # fmt: skip
        return sorted(set(split_z(output)))

    def paths_differing(self, ours: str, theirs: str, paths: Sequence[str]) -> list[str]:
        """Which of PATHS differ between the trees of OURS and THEIRS (literal paths)."""
        if not paths:
            return []
        output = self._checked(
            ["--literal-pathspecs", "diff", "--no-renames", "--name-only", "-z", ours, theirs,
             "--", *paths]
        )  # fmt: skip
        return split_z(output)

    def revert_no_commit(self, commit: str, merge: bool) -> Outcome:
        """`git revert --no-commit` of COMMIT (a merge against its first parent: `-m 1`)."""
        return self._outcome(["revert", "--no-commit", *(["-m", "1"] if merge else []), commit])

    def revert_in_progress(self) -> bool:
        """A file test first, as for MERGE_HEAD: no git process when there is none."""
        if not (self.repo.git_dir / "REVERT_HEAD").exists():
            return False
        return self.repo.try_git("rev-parse", "-q", "--verify", "REVERT_HEAD") is not None
