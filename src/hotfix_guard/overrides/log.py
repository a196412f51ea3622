"""The server's record of push-option overrides, in the bare repository.

A push option leaves no trace in git, so the server writes one: a JSON line per override it
honoured in `<git dir>/hotfix-guard/overrides.jsonl`. A file, not a ref or a note, because
pre-receive runs in git's quarantine, where updating a ref is refused and every object written
is thrown away with a refused push; a file in the git dir survives, is append-only, needs no
lock for single-line appends, and is backed up with the repository (GitLab's backups copy the
whole repository directory). Trailer overrides need no record: they are in the commits.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from hotfix_guard.errors import UsageError

LOG_NAME = os.path.join("hotfix-guard", "overrides.jsonl")
# Who pushed, as the hosting software says: GitLab, then an HTTP server, then the account.
PUSHER_VARIABLES = ("GL_USERNAME", "GL_ID", "REMOTE_USER", "USER", "LOGNAME")


@dataclass(frozen=True)
class PushRecord:
    """One override a push option gave and the server honoured."""

    date: str  # ISO 8601 UTC
    pusher: str
    refs: tuple[str, ...]  # `<ref> <old>..<new>` of the push
    rules: tuple[str, ...]
    reason: str
    findings: tuple[str, ...]  # the overridden findings, as text lines


def pusher(environ: Mapping[str, str]) -> str:
    for name in PUSHER_VARIABLES:
        if environ.get(name):
            return environ[name]
    return "unknown"


def log_path(git_dir: Path) -> Path:
    return git_dir / LOG_NAME


def append(git_dir: Path, records: Sequence[PushRecord]) -> None:
    if not records:
        return
    path = log_path(git_dir)
    lines = "".join(json.dumps(asdict(record), ensure_ascii=False) + "\n" for record in records)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # One write() of the whole batch with O_APPEND: concurrent pushes do not interleave lines.
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, lines.encode("utf-8"))
        finally:
            os.close(descriptor)
    except OSError as error:
        # Fail closed: an override the server cannot record leaves no trace, so it is not given.
        raise UsageError(
            f"cannot record the override in {path} ({error.strerror or error}): the push is "
            "refused; the server's admin must make that path a writable file"
        ) from None


def read(git_dir: Path) -> list[PushRecord]:
    """Every record of the log, oldest first; a damaged line is skipped, never fatal."""
    path = log_path(git_dir)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return []
    except OSError as error:
        raise UsageError(
            f"cannot read the server's override log {path}: {error.strerror}"
        ) from None
    records = []
    for line in text.splitlines():
        try:
            data = json.loads(line)
            _utc(data["date"])  # a damaged date: the line is skipped like any damage
            records.append(
                PushRecord(
                    date=str(data["date"]),
                    pusher=str(data["pusher"]),
                    refs=tuple(data["refs"]),
                    rules=tuple(data["rules"]),
                    reason=str(data["reason"]),
                    findings=tuple(data.get("findings", ())),
                )
            )
        except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
            continue
    return records


def _utc(date: str) -> datetime:
    """An ISO 8601 date with its zone, in UTC; ValueError (or OverflowError) when it is not."""
    moment = datetime.fromisoformat(date.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(date)
    return moment.astimezone(timezone.utc)
