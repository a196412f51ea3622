"""Metrics test builders: a repository whose commits carry given dates, and a hotfix history."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.support.repos import Repo, make_repo

# Every time in the history below counts from this moment.
T = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)


CONFIG = """\
[tool.hotfix-guard]
[tool.hotfix-guard.severity.P0]
respond-within = "30m"
restore-within = "2h"
[tool.hotfix-guard.severity.P1]
respond-within = "1h"
restore-within = "3h"
"""


def trailers(severity: str, detected: datetime, *more: str) -> str:
    lines = [f"Severity: {severity}", "Incident: INC-1", f"Detected: {detected:%Y-%m-%dT%H:%M:%SZ}"]
    return "\n".join([*lines, *more])


class DatedRepo(Repo):
    """A repository whose commits and tags are made at chosen times."""

    def at(self, when: datetime) -> DatedRepo:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
        os.environ["GIT_AUTHOR_DATE"] = os.environ["GIT_COMMITTER_DATE"] = stamp
        return self


def build_history(path: Path) -> DatedRepo:
    """Three hotfixes on two release lines, a feature release, and an open incident.

    - v1.0.1 (P1): detected T, cut T+30m, tagged T+2h, backported T+5h, postmortem T+10h;
      one of its commits overrides diff-size.
    - v1.0.2: plain git-flow, no trailers: first commit T+1d, tagged T+1d+4h; never backported,
      no postmortem.
    - v1.1.0: a release from develop, T+3d.
    - v1.1.1 (P0, rollback): detected T+35d-1h, cut T+35d, tagged T+35d+2h; its postmortem is
      only in the work tree, written T+35d+5h.
    - hotfix/open (P1): detected T+40d-2h, cut T+40d, not merged.
    """
    repo = DatedRepo(make_repo(path).path)
    repo.at(T - timedelta(days=10)).commit(
        "initial", {"pyproject.toml": CONFIG, "app/login.py": "def login():\n    return 1\n"}
    )
    repo.tag("v1.0.0", "Release 1.0.0")
    repo.branch("develop")
    repo.at(T - timedelta(days=9)).commit("feature", {"app/feature.py": "FEATURE = 1\n"})

    repo.switch("main")
    repo.branch("hotfix/login")
    repo.at(T + timedelta(minutes=30)).commit(f"Start hotfix login\n\n{trailers('P1', T)}")
    repo.at(T + timedelta(hours=1)).commit(
        "Fix login\n\n"
        + trailers("P1", T, "Hotfix-Guard-Override: diff-size: big generated fixture"),
        {"app/login.py": "def login():\n    return 2\n"},
    )
    repo.switch("main")
    repo.at(T + timedelta(hours=2)).merge("hotfix/login", "--no-ff")
    repo.tag("v1.0.1", f"Hotfix: login\n\n{trailers('P1', T)}")
    repo.switch("develop")
    repo.at(T + timedelta(hours=5)).merge("v1.0.1", "--no-ff")
    repo.switch("main")
    repo.at(T + timedelta(hours=10)).commit(
        "Postmortem of v1.0.1", {"docs/postmortems/2026-01-15-v1.0.1.md": "# v1.0.1\n"}
    )

    repo.branch("hotfix/1.0.2")
    repo.at(T + timedelta(days=1)).commit("Fix crash", {"app/crash.py": "x = 1\ny = 2\n"})
    repo.switch("main")
    repo.at(T + timedelta(days=1, hours=4)).merge("hotfix/1.0.2", "--no-ff")
    repo.tag("v1.0.2", "v1.0.2")

    repo.branch("release/1.1.0", "develop")
    repo.switch("main")
    repo.at(T + timedelta(days=3)).merge("release/1.1.0", "--no-ff")
    repo.tag("v1.1.0", "Release 1.1.0")

    detected = T + timedelta(days=35, hours=-1)
    repo.branch("hotfix/rollback-to-v1.0.2")
    repo.at(T + timedelta(days=35)).commit(
        f"Roll back\n\n{trailers('P0', detected, 'Mitigation: rollback')}",
        {"app/feature.py": "FEATURE = 0\n"},
    )
    repo.switch("main")
    repo.at(T + timedelta(days=35, hours=2)).merge("hotfix/rollback-to-v1.0.2", "--no-ff")
    repo.tag("v1.1.1", "Hotfix: roll back to v1.0.2")

    repo.branch("hotfix/open")
    repo.at(T + timedelta(days=40)).commit(
        f"Start\n\n{trailers('P1', T + timedelta(days=40, hours=-2))}"
    )
    repo.switch("main")
    draft = repo.write("docs/postmortems/2026-02-v1.1.1.md", "# Postmortem of v1.1.1\n")
    written = (T + timedelta(days=35, hours=5)).timestamp()
    os.utime(draft, (written, written))
    return repo
