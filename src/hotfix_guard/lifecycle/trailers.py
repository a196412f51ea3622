"""The hotfix-trailers hook (prepare-commit-msg): the incident's trailers in every hotfix commit.

The record comes from the commits already on the branch (the first one is `start`'s). A trailer
whose key the message already has is left as it is (`--if-exists doNothing`), so an amend, a
rebase, a cherry-pick or a merge whose message carries the trailers never gets them twice.

A message with nothing written yet (plain `git commit`, before the editor opens) gets nothing: the
trailers alone would make a commit whose subject is `Severity: P1` when the user quits the editor
meaning to abort. The same hook at commit-msg, after the editor, adds them then; a message left
empty still aborts the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hotfix_guard.config.loader import Config
from hotfix_guard.git.lifecycle import LifecycleGit
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.record import IncidentRecord
from hotfix_guard.lifecycle.common import hotfix_record, open_lifecycle
from hotfix_guard.scope import current_branch


def branch_trailers(repo: Repository, config: Config) -> IncidentRecord | None:
    """The record of the checked-out hotfix branch; None on any other branch or detached HEAD."""
    branch = current_branch(repo)
    if branch is None or not config.is_hotfix_branch(branch):
        return None
    if repo.resolve_commit("HEAD") is None:
        return None
    return hotfix_record(repo, config, "HEAD")


def add_trailers(repo: Repository, config: Config, message_file: Path) -> list[tuple[str, str]]:
    """Add the branch's trailers the message lacks; return the ones added."""
    record = branch_trailers(repo, config)
    if record is None:
        return []
    wanted = record.trailers()
    text = message_file.read_bytes()
    if not has_content(text):
        return []
    present = {key.lower() for key, _ in repo.message_trailers(text)}
    missing = [(key, value) for key, value in wanted if key.lower() not in present]
    if missing:
        LifecycleGit(repo).add_trailers(message_file, missing)
    return missing


def message_hook(args: Sequence[str]) -> int | None:
    """`hotfix-guard trailers MESSAGE_FILE [GIT'S ARGS]` as the message hooks run it, without
    click (every commit of a hotfix branch runs it twice); None for any other form (printing the
    trailers, help, a folder named): click's to parse and refuse."""
    if len(args) < 2 or args[0] != "trailers" or any(arg.startswith("-") for arg in args[1:]):
        return None
    message_file = Path(args[1])
    if message_file.is_dir():
        return None
    repo, config = open_lifecycle()
    add_trailers(repo, config, message_file)
    return 0


def has_content(message: bytes) -> bool:
    """Whether MESSAGE has a line git keeps (not blank, not a `#` comment) before any scissors."""
    for line in message.decode(errors="replace").splitlines():
        if line.startswith("# ") and ">8" in line:
            break
        if line.strip() and not line.startswith("#"):
            return True
    return False
