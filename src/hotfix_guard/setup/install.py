"""`hotfix-guard install`: the native git hooks (hooks/ in the repository), chained, reversible.

Where a hook goes: `git rev-parse --git-path hooks` (core.hooksPath, else the common git dir's
hooks/, shared by every worktree). What was there keeps running:
- nothing: ours is installed as `<type>`;
- pre-commit's script: ours is installed as `<type>.legacy`, which pre-commit runs first (its
  own way of chaining an older hook); a `<type>.legacy` already there is kept as below;
- any other hook: it is renamed to `<type>.hotfix-guard-saved` (the rename keeps its bytes, mode
  and symlink-ness) and ours runs it first, with the same arguments and stdin.
`--uninstall` removes ours and renames the saved hook back to where ours was.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hotfix_guard.errors import UsageError
from hotfix_guard.git.hooks import (
    MARKER,
    SAVED_SUFFIX,
    Placement,
    hooks_dir,
    is_pre_commit_script,
)
from hotfix_guard.git.repository import Repository

HOOK_TYPES = ("pre-commit", "pre-push")
# The incident trailers (lifecycle/trailers.py): installed when asked for by --hook-type.
MESSAGE_HOOK_TYPES = ("prepare-commit-msg", "commit-msg")

_WHAT = {
    "pre-commit": "checks the staged change of a hotfix branch",
    "pre-push": "checks every pushed hotfix branch (with its tests) and every pushed tag",
    "prepare-commit-msg": "adds the incident's trailers to each hotfix commit, never twice",
    "commit-msg": "adds the incident's trailers to a message written in the editor",
}


def hook_command(hook_type: str) -> str:
    """What the hook runs: the trailers for the message hooks, else the checks of the stage."""
    return "trailers" if hook_type in MESSAGE_HOOK_TYPES else f"hook --stage {hook_type}"


def script_text(hook_type: str, python: str = "") -> str:
    """The hook script; hooks/<type> in the repository is this with no python (PATH is used)."""
    reads_refs = hook_type == "pre-push"
    stdin = '"$refs_file"' if reads_refs else "/dev/null"
    lines = [
        "#!/bin/sh",
        f"# hotfix-guard {hook_type} hook: {_WHAT[hook_type]}.",
        "# Install: hotfix-guard install    Remove: hotfix-guard install --uninstall",
        f"{MARKER} {hook_type}",
        f"HOTFIX_GUARD_PYTHON={shlex.quote(python)}",
        "",
        f'saved="$(dirname "$0")/{hook_type}{SAVED_SUFFIX}"',
        "status=0",
    ]
    if reads_refs:
        lines += [
            "# git writes the pushed refs to stdin once; both hooks need them.",
            'refs_file="$(mktemp)" || exit 1',
            # dash skips the EXIT trap when a signal ends it: remove the file on those too.
            "trap 'rm -f \"$refs_file\"' EXIT",
            "trap 'rm -f \"$refs_file\"; trap - EXIT; exit 130' INT",
            "trap 'rm -f \"$refs_file\"; trap - EXIT; exit 143' TERM",
            "trap 'rm -f \"$refs_file\"; trap - EXIT; exit 129' HUP",
            'cat > "$refs_file"',
        ]
    lines += [
        'if [ -x "$saved" ]; then',
        f'    "$saved" "$@" < {stdin} || status=$?',
        "fi",
        'if [ -n "$HOTFIX_GUARD_PYTHON" ] && [ -x "$HOTFIX_GUARD_PYTHON" ]; then',
        f'    "$HOTFIX_GUARD_PYTHON" -m hotfix_guard {hook_command(hook_type)} "$@" < {stdin}'
        " || status=$?",
        "elif command -v hotfix-guard > /dev/null 2>&1; then",
        f'    hotfix-guard {hook_command(hook_type)} "$@" < {stdin} || status=$?',
        "else",
        "    echo 'hotfix-guard: not found; install it (pipx install git+<url of your hotfix-guard"
        " repository>, or pipx install <path to a clone>) or remove this hook (hotfix-guard"
        " install --uninstall)' >&2",
        "    exit 1",
        "fi",
        'exit "$status"',
    ]
    return "\n".join(lines) + "\n"


def usable_hooks_dir(repo: Repository) -> Path:
    """The hooks folder, or a UsageError when core.hooksPath names something that is not one."""
    directory = hooks_dir(repo)
    if os.path.lexists(directory) and not directory.is_dir():
        raise UsageError(
            f"core.hooksPath is {directory}, which is not a folder, so git runs no hooks from "
            "it: point core.hooksPath at a folder or unset it (git config --unset core.hooksPath)"
            ", then install again"
        )
    return directory


def default_hook_types(repo: Repository) -> tuple[str, ...]:
    """pre-push always; pre-commit too unless pre-commit (the framework) runs that stage."""
    directory = hooks_dir(repo)
    if is_pre_commit_script(directory / "pre-commit"):
        return ("pre-push",)
    return HOOK_TYPES


def uninstall_default(repo: Repository) -> tuple[str, ...]:
    """The check hooks, and the message hooks where they are installed."""
    directory = hooks_dir(repo)
    installed = (
        hook_type
        for hook_type in MESSAGE_HOOK_TYPES
        if Placement(hook_type, directory).installed_at() is not None
    )
    return (*HOOK_TYPES, *installed)


@dataclass(frozen=True)
class Plan:
    """What installing one hook will do: keep the hook at TARGET as SAVED (if any), write ours."""

    place: Placement
    target: Path
    keep: bool
    done: str


def install_all(repo: Repository, hook_types: Sequence[str], python: str) -> list[str]:
    """Install our hooks of HOOK_TYPES; everything is checked before the first file is written,
    so a refusal leaves the hooks folder as it was. One line per hook saying what was done."""
    directory = usable_hooks_dir(repo)
    plans = [plan(repo, Placement(hook_type, directory)) for hook_type in hook_types]
    _require_writable(directory)
    done: list[str] = []
    for planned in plans:
        try:
            planned.place.hooks_dir.mkdir(parents=True, exist_ok=True)
            if planned.keep:
                os.rename(planned.target, planned.place.saved)
            _write(planned.target, script_text(planned.place.hook_type, python))
        except OSError as error:
            so_far = f"; done before it: {'; '.join(done)}" if done else "; nothing was changed"
            raise UsageError(
                f"cannot install the {planned.place.hook_type} hook at {planned.target} "
                f"({error.strerror or error}){so_far}"
            ) from None
        done.append(planned.done)
    return done


def _require_writable(directory: Path) -> None:
    """The hooks folder (or the folder it will be made in) can be written: else refuse before
    writing anything (a read-only .git: a shared or mounted repository)."""
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        why = "not a folder" if not existing.is_dir() else "not writable"
        raise UsageError(
            f"cannot install hooks: {existing} is {why}; nothing was changed (ask whoever owns "
            "the repository, or set core.hooksPath to a folder you can write)"
        )


def plan(repo: Repository, place: Placement) -> Plan:
    """How to install our hook at PLACE, or a UsageError saying why not (nothing written)."""
    hook_type = place.hook_type
    _refuse_tracked(repo, place)
    current = place.installed_at()
    if current is not None:
        done = f"{hook_type}: already installed at {current}, brought up to date"
        return Plan(place, current, keep=False, done=done)
    if os.path.lexists(place.saved):
        raise UsageError(
            f"{place.saved} is left from an earlier install, but hotfix-guard's {hook_type} hook "
            f"is not installed: put it back (mv {_quoted(place.saved)} {_quoted(place.hook)}) "
            "or delete it, then run hotfix-guard install again"
        )
    if is_pre_commit_script(place.hook):
        target = place.legacy
        done = (
            f"{hook_type}: pre-commit manages {place.hook}; installed {target}, which "
            "pre-commit runs before its own hooks"
        )
    else:
        target = place.hook
        done = f"{hook_type}: installed {target}"
    keep = os.path.lexists(target)
    if keep:
        if not (target.is_file() or target.is_symlink()):
            raise UsageError(f"{target} is not a file: move it away, then install again")
        done += f"; the hook that was there is kept as {place.saved} and runs before it"
    return Plan(place, target, keep=keep, done=done)


def _quoted(path: Path) -> str:
    return shlex.quote(os.fsdecode(path))


def uninstall(repo: Repository, hook_type: str) -> str:
    place = Placement(hook_type, usable_hooks_dir(repo))
    current = place.installed_at()
    if current is None:
        if os.path.lexists(place.saved):
            raise UsageError(
                f"hotfix-guard's {hook_type} hook is not installed, but the hook it replaced is "
                f"kept at {place.saved}: move it back yourself "
                f"(mv {_quoted(place.saved)} {_quoted(place.hook)})"
            )
        return f"{hook_type}: not installed, nothing to do"
    _refuse_tracked(repo, place)
    os.remove(current)
    if os.path.lexists(place.saved):
        os.rename(place.saved, current)
        return f"{hook_type}: removed {current} and put back the hook that was there"
    return f"{hook_type}: removed {current}"


def _refuse_tracked(repo: Repository, place: Placement) -> None:
    """Hooks kept in the repository (core.hooksPath = .githooks) are the team's files, not ours."""
    for path in (place.hook, place.legacy):
        if path.is_relative_to(repo.root) and repo.is_tracked(path):
            raise UsageError(
                f"{path} is tracked in the repository (core.hooksPath): installing would change "
                f"it; add this line to it instead: hotfix-guard {hook_command(place.hook_type)} "
                '"$@"'
            )


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    mode = path.stat().st_mode
    path.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
