"""The state file of a finish in progress: everything --continue and --abort need.

It lives in the work tree's own git dir (`git rev-parse --git-dir`; each linked work tree has its
own), so two work trees finishing two hotfixes never share one. It is written before the first ref
moves and after every step, atomically (a temporary file renamed over it), so an interrupt at any
point leaves either the previous or the next state, never half of one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields, replace
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
    # Every ref finish may move, with its value when finish was planned (None: did not exist).
    before: dict[str, str | None]
    # Remote-tracking refs of the hotfix branch deleted on the remote with the push.
    delete_remote: dict[str, str] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    current: str | None = None
    merged: str | None = None  # main's merge commit, once made
    # The transaction's journal (see transaction.py): a ref's value just before a step moved it,
    # saved before the move, and what the step wrote.
    moved_from: dict[str, str | None] = field(default_factory=dict)
    wrote: dict[str, str | None] = field(default_factory=dict)
    # The version files (versions/): the version finish bumps them to ("": no bump), and what
    # it did about them (reported in the summary).
    version: str = ""
    version_files: tuple[str, ...] = ()
    version_notes: tuple[str, ...] = ()
    changelog: str = ""  # the changelog that gets the hotfix's entry ("": none)

    @property
    def next_step(self) -> str | None:
        return next((step for step in self.steps if step not in self.done), None)

    def position(self, step: str) -> str:
        return f"step {self.steps.index(step) + 1} of {len(self.steps)}, {step}"

    def started(self, step: str, moved_from: dict[str, str | None]) -> FinishState:
        return replace(self, current=step, moved_from=moved_from)

    def finished(self, step: str, **changes: Any) -> FinishState:
        return replace(self, done=(*self.done, step), current=None, **changes)


FIELDS = tuple(item.name for item in fields(FinishState))


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
    if not isinstance(data, dict) or data.pop("format", None) != STATE_FORMAT:
        raise UsageError(
            f"{path}: written by another hotfix-guard version: finish it with that one"
        )
    problem = _malformed(data)
    if problem:
        raise UsageError(
            f"{path}: damaged finish state ({problem}): nothing can be resumed or undone from it; "
            "look at the refs by hand (git log --all --oneline -5) and remove the file"
        )
    data["trailers"] = tuple(tuple(pair) for pair in data["trailers"])
    for key in _LISTS:
        if key in data:
            data[key] = tuple(data[key])
    return FinishState(**data)


_TEXT = ("hotfix", "hotfix_tip", "description", "main", "tag", "head_commit")
_OPTIONAL_TEXT = ("remote", "head_ref", "current", "merged", "version", "changelog")
_FLAGS = ("push", "keep")
_LISTS = ("backports", "steps", "done", "version_files", "version_notes")
_MAPS = ("before", "delete_remote", "moved_from", "wrote")
_REQUIRED = (*_TEXT, "remote", "head_ref", *_FLAGS, "before", "trailers")


def _malformed(data: dict[str, Any]) -> str | None:
    """What is wrong with DATA as FinishState fields, or None."""
    known = {*_TEXT, *_OPTIONAL_TEXT, *_FLAGS, *_LISTS, *_MAPS, "trailers"}
    missing = [key for key in _REQUIRED if key not in data]
    if missing or set(data) - known:
        return (
            f"missing {', '.join(missing)}"
            if missing
            else f"unknown {sorted(set(data) - known)[0]}"
        )
    checks = [
        *((key, isinstance(data[key], str)) for key in _TEXT),
        *((key, data.get(key) is None or isinstance(data[key], str)) for key in _OPTIONAL_TEXT),
        *((key, isinstance(data[key], bool)) for key in _FLAGS),
        *((key, _strings(data.get(key, []))) for key in _LISTS),
        *((key, _string_map(data.get(key, {}))) for key in _MAPS),
        ("trailers", _pairs(data["trailers"])),
    ]
    wrong = next((f"{key} has the wrong type" for key, ok in checks if not ok), None)
    if wrong:
        return wrong
    steps = set(data.get("steps", []))
    running = {data["current"]} if data.get("current") else set()
    if not steps or not set(data.get("done", [])) | running <= steps:
        return "its steps do not hold the steps done"
    return None


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _string_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(item, str) or item is None for item in value.values()
    )


def _pairs(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(pair, list) and len(pair) == 2 and _strings(pair) for pair in value
    )


def save(git_dir: Path, state: FinishState) -> FinishState:
    # The fields as they are (strings, tuples, flat dicts: JSON as they stand); asdict's deep
    # copy of each would cost more than the write, twice a step.
    fields = {name: getattr(state, name) for name in FIELDS}
    write_atomically(state_path(git_dir), {"format": STATE_FORMAT, **fields})
    return state


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """DATA as JSON at PATH, through a temporary file renamed over it: an interrupt leaves the
    old state or the new one, never half of one (also rollback's state, lifecycle/rollback.py)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(temporary, path)


def remove(git_dir: Path) -> None:
    state_path(git_dir).unlink(missing_ok=True)
