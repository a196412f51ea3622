"""The state file of a finish in progress: everything --continue and --abort need.

It lives in the work tree's own git dir (`git rev-parse --git-dir`; each linked work tree has its
own), so two work trees finishing two hotfixes never share one. It is written before the first ref
moves and after every step, atomically (a temporary file renamed over it), so an interrupt at any
point leaves either the previous or the next state, never half of one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from hotfix_guard.errors import UsageError

STATE_FORMAT = 1
STATE_FILE = "hotfix-guard-finish.json"


@dataclass(frozen=True)
class FinishState:
    """A finish: what it will do (the plan) and what it has done (`done`, the steps completed)."""

    hotfix: str  # the branch name
    hotfix_tip: str  # the commit merged: later commits on the branch are not part of this finish
    description: str
    trailers: tuple[tuple[str, str], ...]
    main: str
    backports: tuple[str, ...]
    tag: str
    remote: str | None
    push: bool
    keep: bool
    head_ref: str | None  # where HEAD was (None: detached at head_commit)
    head_commit: str
    # Every ref finish may move, with its value before (None: it did not exist).
    before: dict[str, str | None]
    # Remote-tracking refs of the hotfix branch deleted on the remote with the push.
    delete_remote: dict[str, str] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    current: str | None = None
    merged: str | None = None  # main's merge commit, once made
    # The version files (versions/): the version finish bumps them to ("": no bump), and what
    # it did about them (reported in the summary).
    version: str = ""
    version_files: tuple[str, ...] = ()
    version_notes: tuple[str, ...] = ()

    @property
    def next_step(self) -> str | None:
        return next((step for step in self.steps if step not in self.done), None)

    def position(self, step: str) -> str:
        return f"step {self.steps.index(step) + 1} of {len(self.steps)}, {step}"

    def started(self, step: str) -> FinishState:
        return replace(self, current=step)

    def finished(self, step: str, **changes: Any) -> FinishState:
        return replace(self, done=(*self.done, step), current=None, **changes)


def state_path(git_dir: Path) -> Path:
    return git_dir / STATE_FILE


def load(git_dir: Path) -> FinishState | None:
    path = state_path(git_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: unreadable finish state ({error}): remove it by hand") from None
    if data.pop("format", None) != STATE_FORMAT:
        raise UsageError(
            f"{path}: written by another hotfix-guard version: finish it with that one"
        )
    data["trailers"] = tuple(tuple(pair) for pair in data["trailers"])
    for key in ("backports", "steps", "done", "version_files", "version_notes"):
        if key in data:
            data[key] = tuple(data[key])
    return FinishState(**data)


def save(git_dir: Path, state: FinishState) -> FinishState:
    path = state_path(git_dir)
    temporary = path.with_name(f"{STATE_FILE}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"format": STATE_FORMAT, **asdict(state)}, indent=1) + "\n")
    os.replace(temporary, path)
    return state


def remove(git_dir: Path) -> None:
    state_path(git_dir).unlink(missing_ok=True)
