"""Running git: pinned output settings, a clean environment, errors and time limits.

The user's settings must not change what hotfix-guard reads: every git call carries `-c` options
that pin what `git log` and diffs print (signatures, colour, prefixes, context, encoding), and the
variables that reshape diffs (GIT_DIFF_OPTS, GIT_EXTERNAL_DIFF) are left out of its environment.
The rest of the inherited environment is kept on purpose: during `git commit -a` the hook must see
the temporary index that GIT_INDEX_FILE names, and a caller's GIT_DIR / GIT_WORK_TREE name the
repository.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING

from hotfix_guard.git.light import git_command, git_environment

if TYPE_CHECKING:
    from hotfix_guard.git.memo import Answers

# How git ends when its reader stops early: killed by SIGPIPE, or exit 141 where git handles it.
STOPPED_BY_CLOSED_PIPE = (0, -signal.SIGPIPE, 128 + signal.SIGPIPE)
# An object id: 40 hex digits (SHA-1) or 64 (SHA-256).
OBJECT_ID = r"[0-9a-f]{40}(?:[0-9a-f]{24})?"


def is_zero_id(object_id: str) -> bool:
    """The all-zero id git uses for "no object" (a deletion, a new ref), in either format."""
    return len(object_id) in (40, 64) and not object_id.strip("0")


def lines(output: bytes) -> list[bytes]:
    """The lines of git's output: split on "\n" only (a trailing one ends the last line)."""
    return output.removesuffix(b"\n").split(b"\n") if output else []


class GitError(Exception):
    """A git command failed unexpectedly (not a user-fixable condition)."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: bytes) -> None:
        self.returncode = returncode
        self.stderr = os.fsdecode(stderr).strip()
        super().__init__(f"git {' '.join(args)} exited {returncode}: {self.stderr}")

    @property
    def reason(self) -> str:
        """git's own one-line reason: its first `fatal:`/`error:` line, else its last line."""
        messages = self.stderr.split("\n")
        for line in messages:
            if line.startswith(("fatal: ", "error: ")):
                return line.split(": ", 1)[1].strip()
        return messages[-1].strip() if self.stderr else f"exit {self.returncode}"


class GitTimeout(Exception):
    """A git command (a network call) did not finish in time and was stopped."""

    def __init__(self, args: Sequence[str], seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"git {' '.join(args)} did not finish within {seconds:g} s")


def run(
    args: Sequence[str],
    cwd: Path | str | None = None,
    stdin: bytes | None = None,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> bytes:
    """Run `git ARGS` and return its stdout; raise GitError on a non-zero exit.

    With TIMEOUT, git and whatever it started (ssh) run in their own process group, which is
    stopped whole when time runs out (GitTimeout): a helper that kept the pipes open would
    otherwise keep us waiting.
    """
    command = git_command(args)
    environment = git_environment(env)
    if timeout is None:
        result = subprocess.run(
            command, cwd=cwd, input=stdin, capture_output=True, check=False, env=environment
        )
        returncode, stdout, stderr = result.returncode, result.stdout, result.stderr
    else:
        returncode, stdout, stderr = _run_bounded(command, cwd, stdin, environment, timeout, args)
    if returncode != 0:
        raise GitError(args, returncode, stderr)
    return stdout


def _run_bounded(
    command: Sequence[str],
    cwd: Path | str | None,
    stdin: bytes | None,
    env: Mapping[str, str],
    timeout: float,
    args: Sequence[str],
) -> tuple[int, bytes, bytes]:
    with subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=os.name == "posix",
    ) as process:
        try:
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise GitTimeout(args, timeout) from None
        except BaseException:  # Ctrl-C: stop ssh too, then go on unwinding
            _kill_group(process)
            raise
    return process.returncode, stdout, stderr


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass


def try_run(args: Sequence[str], cwd: Path | str | None = None) -> bytes | None:
    """Run `git ARGS`; None instead of an exception when it exits non-zero."""
    try:
        return run(args, cwd=cwd)
    except GitError:
        return None


def split_z(output: bytes) -> list[str]:
    """NUL-separated git output as fsdecoded strings (surrogate escapes keep odd bytes)."""
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def error_file() -> IO[bytes]:
    """An anonymous file for a streaming git's stderr (a pipe nobody reads could fill up and
    stall it): in memory where Linux offers memfd_create, which spares every commit's check
    importing tempfile (shutil, random); a temporary file elsewhere."""
    if hasattr(os, "memfd_create"):
        return open(os.memfd_create("hotfix-guard-git-stderr"), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


@contextmanager
def private_copy(path: str) -> Iterator[str | None]:
    """A copy of PATH in a folder made for it that only we can open, removed on the way out;
    None when PATH does not exist. What tempfile.TemporaryDirectory does, without loading
    tempfile, shutil and random for every commit's check."""
    folder = _private_folder("hotfix-guard-index-")
    copy = os.path.join(folder, os.path.basename(path))
    try:
        try:
            with open(path, "rb") as source, open(copy, "xb") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        except FileNotFoundError:  # PATH's: the copy's folder was just made
            yield None
            return
        yield copy
    finally:
        with suppress(FileNotFoundError):
            os.unlink(copy)
        os.rmdir(folder)


def _private_folder(prefix: str) -> str:
    """A new folder, mode 0700, under TMPDIR (or /tmp); `mkdir` fails rather than reuse one."""
    base = os.environ.get("TMPDIR") or "/tmp"
    for _ in range(100):
        folder = os.path.join(base, prefix + os.urandom(8).hex())
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            continue
        except OSError:  # no usable TMPDIR or /tmp (Windows, a locked-down container)
            import tempfile

            return tempfile.mkdtemp(prefix=prefix)
        return folder
    raise FileExistsError(f"no free name for a temporary folder in {base}")


class GitAccess:
    """Where a repository is and how git runs in it; the query mixins build on this."""

    root: Path
    git_dir: Path
    env: Mapping[str, str] | None
    answers: Answers | None = None  # while remembering()

    def git(self, *args: str, stdin: bytes | None = None, timeout: float | None = None) -> bytes:
        answers = self.answers
        if answers is None:
            return run(args, cwd=self.root, stdin=stdin, env=self.env, timeout=timeout)
        # Another index or GIT_DIR (self.env) is asked afresh: the answers are about this one.
        known = answers.ask(args, stdin) if self.env is None else None
        if known is None:
            known = run(args, cwd=self.root, stdin=stdin, env=self.env, timeout=timeout)
            if self.env is None:
                answers.keep(args, stdin, known)
        return known

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """While inside, a question asked of git again gets the answer git gave, as long as it
        cannot have changed (git/memo.py): for a command that asks the same things in several
        places (finish). A command that may move a ref must go through `git` or call
        `forget_reads`."""
        from hotfix_guard.git.memo import Answers

        saved = self.answers
        self.answers = Answers()
        try:
            yield
        finally:
            self.answers = saved

    def forget_reads(self) -> None:
        """Something may have moved a ref: the remembered reads of refs are stale."""
        if self.answers is not None:
            self.answers.reads.clear()

    def try_git(self, *args: str) -> bytes | None:
        try:
            return self.git(*args)
        except GitError:
            return None

    @contextmanager
    def index_snapshot(self) -> Iterator[None]:
        """While inside, git reads a private copy of the index taken once: a `git add` running
        meanwhile (an IDE) changes the real index between two queries of one check, never what
        the check reads. git replaces the index by renaming a new file over it, so the copy is
        one whole version."""
        saved = self.env
        environ = saved if saved is not None else os.environ
        # No git process to ask: the index is GIT_INDEX_FILE (a commit hook's) or the git dir's.
        index = environ.get("GIT_INDEX_FILE") or os.path.join(self.git_dir, "index")
        index = os.path.join(self.root, index)  # a relative one is relative to the work tree
        with private_copy(index) as copy:
            if copy is None:  # no index yet: nothing staged to race with
                yield
                return
            self.env = {**environ, "GIT_INDEX_FILE": copy}
            try:
                yield
            finally:
                self.env = saved

    def spawn(self, args: Sequence[str], *, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
        """`git ARGS` started with its output as a pipe to read and its errors to STDERR."""
        return subprocess.Popen(
            git_command(args),
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=git_environment(self.env),
        )

    def git_with(self, env: Mapping[str, str], *args: str, stdin: bytes | None = None) -> bytes:
        """`git ARGS` in this repository with ENV (a temporary GIT_INDEX_FILE, say)."""
        return run(args, cwd=self.root, stdin=stdin, env=env)
