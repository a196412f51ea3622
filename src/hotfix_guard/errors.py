"""The exceptions for problems the user must fix, and the one boundary that maps every failure to
an exit status: 1 a command that stopped and says why (its own lines), 2 the user's mistake (one
line), 3 the unforeseen (one line and a report file), 130 interrupted. Commands raise; only the
boundary prints and exits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

STOPPED = 1
USAGE = 2
UNFORESEEN = 3
INTERRUPTED = 130
# The reader of our output went away (`hotfix-guard status | head -1`): quiet, as a tool killed by
# SIGPIPE (128 + 13), which is what the shell reports for `git log | head -1` too.
CLOSED_PIPE = 141


class UsageError(Exception):
    """A usage, configuration or repository problem, with a message that says how to fix it."""


class CommandStopped(Exception):
    """A command stopped before it was done (finish: its checks failed, or a step did), having
    kept everything; its message says why and what next, in as many lines as that takes."""


# GitLab shows a server hook's refusal in its UI only from lines that start with this.
GITLAB_HOOK_PREFIX = "GL-HOOK-ERR: "


def line_prefix(command: str) -> str:
    """GL-HOOK-ERR: for the server hook under GitLab (it sets GL_ID and GL_PROTOCOL)."""
    under_gitlab = bool(os.environ.get("GL_ID") or os.environ.get("GL_PROTOCOL"))
    return GITLAB_HOOK_PREFIX if command == "pre-receive" and under_gitlab else ""


@contextmanager
def error_boundary(command: str) -> Iterator[None]:
    """Turn what escapes COMMAND into one line on stderr and its exit status (SystemExit)."""
    try:
        yield
    except CommandStopped as stop:
        text = f"{stop}\n"
        sys.stderr.write(text.encode("utf-8", "replace").decode("utf-8"))
        sys.stderr.flush()
        raise SystemExit(STOPPED) from None
    except UsageError as error:
        _say(str(error), line_prefix(command))
        raise SystemExit(USAGE) from None
    except FileNotFoundError as error:
        if error.filename != "git":
            raise_unforeseen(command, error)
        _say(
            "git was not found on PATH: install git (2.38 or newer) or fix PATH",
            line_prefix(command),
        )
        raise SystemExit(USAGE) from None
    except KeyboardInterrupt:
        _say("interrupted", line_prefix(command))
        raise SystemExit(INTERRUPTED) from None
    except BrokenPipeError as error:
        if not _stdout_closed():
            raise_unforeseen(command, error)  # a pipe to a child process, not our reader
        raise SystemExit(CLOSED_PIPE) from None
    except Exception as error:  # the unforeseen: one line here, the traceback in the report
        if type(error).__module__.startswith("click."):
            raise  # click's own usage errors and exits: click reports them
        raise_unforeseen(command, error)


def _stdout_closed() -> bool:
    """stdout is a pipe whose reader is gone (poll says POLLERR). Then stdout is pointed at
    /dev/null, so the interpreter's final flush does not complain on the way out."""
    import select

    try:
        descriptor = sys.stdout.fileno()
        poller = select.poll()
        poller.register(descriptor, select.POLLOUT)
        broken = any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False
    if broken:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, descriptor)
        os.close(devnull)
    return broken


def raise_unforeseen(command: str, error: Exception) -> NoReturn:
    where = write_report(command)
    _say(
        f"unexpected failure in `hotfix-guard {command}`: {type(error).__name__}: "
        f"{_first_line(error)}; full report: {where}",
        line_prefix(command),
    )
    raise SystemExit(UNFORESEEN) from None


def _say(message: str, prefix: str = "") -> None:
    # The message may carry bytes from git that the terminal's encoding cannot show.
    line = f"{prefix}hotfix-guard: {message}\n"
    sys.stderr.write(line.encode("utf-8", "replace").decode("utf-8"))
    sys.stderr.flush()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else "(no message)"
    return line if len(line) <= 300 else f"{line[:300]}..."


def report_path() -> str:
    """Where crash reports go: the user's cache directory (never the repository)."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "hotfix-guard", "crash.log")


def write_report(command: str) -> str:
    """Write the traceback being handled, the command line and versions; return the path."""
    import platform
    import time
    import traceback

    from hotfix_guard import __version__

    text = (
        f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n"
        f"command: hotfix-guard {command}\n"
        f"argv: {sys.argv!r}\n"
        f"cwd: {os.getcwd()!r}\n"
        f"hotfix-guard {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        "\n"
        f"{traceback.format_exc()}"
    )
    try:
        return _write_private(text)
    except OSError:
        return "(no writable place for the report)"


def _write_private(text: str) -> str:
    """TEXT in the user's cache folder (mode 0600, never through a symlink), else in a new file
    of the shared temp folder that only we can open (mkstemp: unique name, created exclusively):
    a name planted there by another user is never written through."""
    import tempfile

    data = text.encode("utf-8", "backslashreplace")
    path = report_path()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags, 0o600)
    except OSError:
        descriptor, path = tempfile.mkstemp(prefix="hotfix-guard-crash-", suffix=".log")
    try:
        os.write(descriptor, data)
    finally:
        os.close(descriptor)
    return path
