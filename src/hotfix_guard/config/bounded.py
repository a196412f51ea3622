"""A user's regular expression, matched within a time limit.

Python's `re` cannot be interrupted (no signal reaches it, it holds the GIL), and a pattern such as
`hotfix/(a+)+` takes exponential time on a name that almost matches. A pattern that repeats
something that itself repeats is therefore matched in a forked child that is killed when time is
up; every other pattern (no such shape, no such risk) is matched directly.
"""

from __future__ import annotations

import os
import re
from typing import Any

REGEX_SECONDS = 2.0


class RegexTimeout(Exception):
    """The match did not finish in time."""


def fullmatch_within(pattern: str, text: str, seconds: float = REGEX_SECONDS) -> bool:
    """re.fullmatch(PATTERN, TEXT) is not None, or RegexTimeout after SECONDS."""
    if os.name != "posix" or not has_nested_repetition(pattern):
        return re.fullmatch(pattern, text) is not None
    import select
    import signal

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running any cleanup of the parent's
        try:
            os.write(writer, b"1" if re.fullmatch(pattern, text) else b"0")
        finally:
            os._exit(0)
    os.close(writer)
    try:
        ready, _, _ = select.select([reader], [], [], seconds)
        answer = os.read(reader, 1) if ready else b""
    finally:
        os.close(reader)
        if not answer:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not answer:
        raise RegexTimeout(f"matching {pattern!r} against {text!r} took more than {seconds:g} s")
    return answer == b"1"


def has_nested_repetition(pattern: str) -> bool:
    """Whether PATTERN repeats something that itself repeats ((a+)+, (\\w+\\s?)*): the shape
    of catastrophic backtracking (not every such pattern backtracks, but only these can)."""
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python before 3.11
        import sre_parse
    return _repeats_inside(sre_parse.parse(pattern), inside=False)


REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def _repeats_inside(items: Any, inside: bool) -> bool:
    for op, av in items:
        name = str(op)
        if name in REPEATS:
            high, body = av[1], av[2]
            if high > 1 and (inside or _repeats_inside(body, inside=True)):
                return True
            if high <= 1 and _repeats_inside(body, inside):
                return True
        elif any(_repeats_inside(part, inside) for part in _parts(name, av)):
            return True
    return False


def _parts(name: str, av: Any) -> list[Any]:
    """The sub-patterns of one parsed item that is not a repetition."""
    if name == "SUBPATTERN":
        return [av[-1]]
    if name == "BRANCH":
        return list(av[1])
    if name == "ATOMIC_GROUP":
        return [av]
    if name in ("ASSERT", "ASSERT_NOT"):
        return [av[1]]
    return []
