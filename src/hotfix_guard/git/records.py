"""Git queries of the enforcement side (CI, the server, overrides): trailers, files at a revision,
bare repositories and the fetches a shallow CI clone needs.

Part of the git layer (see hotfix_guard.git).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hotfix_guard.errors import UsageError
from hotfix_guard.git.process import GitError
from hotfix_guard.git.refs import local, remote_tracking, tag_name, tag_ref
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.walk import Walk

OVERRIDE_KEY = "Hotfix-Guard-Override"
# Fields of one logged commit: id, author, author date (ISO 8601), override trailer values.
_FIELD = "%x1f"
_RECORD = "%x1e"
_VALUE = "%x1d"


class TrailerRecord(NamedTuple):
    """The Hotfix-Guard-Override trailer values of one commit."""

    sha: str
    author: str
    date: str
    values: tuple[str, ...]


def open_bare(git_dir: Path | str = ".") -> Repository:
    """The repository a server hook runs in: bare, no work tree; `root` is the git dir."""
    result = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"], cwd=git_dir, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise UsageError(
            "not inside a git repository: run hotfix-guard in a clone, or on the server in the "
            "bare repository"
        )
    path = Path(os.fsdecode(result.stdout).strip())
    return Repository(path, path, shallow=False)


def override_trailers(repo: Repository, walk: Walk) -> list[TrailerRecord]:
    """Commits of WALK that carry an override trailer, newest first.

    git's own trailer parser reads the trailers (`%(trailers:key=...)`), so what counts as a
    trailer here is what `git interpret-trailers --parse` says.
    """
    trailer = f"%(trailers:key={OVERRIDE_KEY},valueonly,unfold,separator={_VALUE})"
    output = repo.git(
        "log",
        "--regexp-ignore-case",
        f"--grep=^{OVERRIDE_KEY}:",
        f"--format={_RECORD}%H{_FIELD}%an <%ae>{_FIELD}%aI{_FIELD}{trailer}",
        *walk.log_args(),
    )
    records = []
    for chunk in output.decode(errors="replace").split("\x1e"):
        if not chunk.strip():
            continue
        sha, author, date, values = chunk.rstrip("\n").split("\x1f", 3)
        found = tuple(value.strip() for value in values.split("\x1d") if value.strip())
        if found:
            records.append(TrailerRecord(sha, author, date, found))
    return records


def fetch_branch(repo: Repository, remote: str, branch: str) -> tuple[str, str | None]:
    """Fetch BRANCH of REMOTE into its remote-tracking ref: (that ref, None or git's error)."""
    ref = remote_tracking(remote, branch)
    return ref, _fetch(repo, remote, [f"+{local(branch)}:{ref}"])


def fetch_tag(repo: Repository, remote: str, ref: str) -> str | None:
    """Fetch the tag REF (refs/tags/NAME) of REMOTE as it is there (annotated stays annotated)."""
    assert tag_name(ref) is not None
    return _fetch(repo, remote, [f"+{ref}:{ref}"])


def fetch_commit(repo: Repository, remote: str, commit: str) -> str | None:
    return _fetch(repo, remote, [commit])


def fetch_tags(repo: Repository, remote: str) -> str | None:
    """Every tag of REMOTE as it is there (a CI checkout may hold a tag as lightweight)."""
    return _fetch(repo, remote, [f"+{tag_ref('*')}:{tag_ref('*')}"])


def unshallow(repo: Repository, remote: str) -> str | None:
    """Fetch the rest of a shallow clone's history."""
    return _fetch(repo, remote, [], unshallow=True)


def _fetch(
    repo: Repository, remote: str, refspecs: Sequence[str], *, unshallow: bool = False
) -> str | None:
    """`git fetch` what a shallow CI clone lacks; None on success, else git's last error line."""
    args = ["fetch", "--quiet", "--no-tags", *(["--unshallow"] if unshallow else [])]
    try:
        repo.git(*args, "--", remote, *refspecs)
    except GitError as error:
        lines = error.stderr.splitlines()
        return lines[-1] if lines else f"git fetch exited {error.returncode}"
    return None


def remote_names(repo: Repository) -> list[str]:
    return repo.git("remote").decode(errors="replace").split()
