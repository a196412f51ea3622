"""Hotfixes made by hand with plain git, at fixed times: trailers in the messages, `merge --no-ff`,
`tag -a`, a backport merge into develop."""

from __future__ import annotations

import pytest

from tests.support.repos import Repo

RECORD = "Severity: P1\nIncident: INC-42\nDetected: 2026-11-28T20:50:00Z"


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """Every commit and tag made from now on is dated WHEN (author and committer)."""
    monkeypatch.setenv("GIT_AUTHOR_DATE", when)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)


def base_history(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """main at 2026-11-20 10:00 (the `repo` fixture's first commit is undated: replace it)."""
    at(monkeypatch, "2026-11-20T10:00:00Z")
    repo.git("commit", "-q", "--amend", "--no-edit", "--reset-author")
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.git("branch", "develop")


def hand_made_hotfix(
    repo: Repo,
    monkeypatch: pytest.MonkeyPatch,
    *,
    name: str = "hotfix/fix-login-timeout",
    tag: str = "v1.2.4",
    description: str = "Fix the login timeout",
    record: str = RECORD,
    day: str = "2026-11-28",
    times: tuple[str, str, str, str] = ("21:05", "21:40", "22:10", "22:15"),
    backport_at: str | None = "23:00",
    value: int = 2,
) -> None:
    """Two commits on NAME, merged --no-ff into main, tagged, and backported into develop."""
    trailers = f"\n\n{record}" if record else ""
    repo.branch(name, "main")
    at(monkeypatch, f"{day}T{times[0]}:00Z")
    repo.commit(
        f"Raise the login timeout{trailers}",
        {"app/main.py": f"def main():\n    return {value}\n"},
    )
    at(monkeypatch, f"{day}T{times[1]}:00Z")
    repo.commit(f"Test the login timeout{trailers}", {f"tests/test_{value}.py": "x = 1\n"})
    repo.switch("main")
    at(monkeypatch, f"{day}T{times[2]}:00Z")
    repo.git("merge", "-q", "--no-ff", "-m", f"Merge branch '{name}'{trailers}", name)
    at(monkeypatch, f"{day}T{times[3]}:00Z")
    repo.tag(tag, f"Hotfix: {description}{trailers}")
    if backport_at is not None:
        repo.switch("develop")
        at(monkeypatch, f"{day}T{backport_at}:00Z")
        repo.git("merge", "-q", "--no-ff", "-m", f"Merge tag '{tag}' into develop", tag)
        repo.switch("main")
