"""status: open and recently merged hotfixes: incident, clock, size, tests and progress."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hotfix_guard.lifecycle import common
from tests.support.incident import at
from tests.support.lifecycle import hotfix, invoke, released
from tests.support.repos import Repo

__all__ = ["hotfix", "released"]  # fixtures

NOW = datetime(2026, 11, 28, 23, 10, tzinfo=timezone.utc)


def test_status_shows_open_and_merged_hotfixes(
    hotfix: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("finish", "--push").exit_code == 0
    merge = hotfix.git("rev-parse", "main")
    at(monkeypatch, "2026-11-28T21:20:00Z")  # start's commit: the first response
    result = invoke("start", "Fix signup", "--severity", "P0", "--incident", "INC-43",
                    "--detected", "2026-11-28T21:00:00Z")  # fmt: skip
    assert result.exit_code == 0, result.output
    hotfix.commit("Fix signup", {"app/signup.py": "OK = 1\nREADY = 2\n"})
    monkeypatch.setattr(common, "now", lambda: NOW)
    text = invoke("status")
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[:11] == [
        "hotfix/fix-signup [open] P0, INC-43",
        "  response clock: 20m; target for P0: 15m, missed by 5m",
        "  restore clock: running for 2h 10m; no target for P0 (set restore-within)",
        "  size 1/20 files, 2/400 lines; tests no test-commands; pushed no",
        "  version files: none found",
        "hotfix/fix-login-timeout [merged] P1, INC-42",
        "  response clock: " + lines[6].split(": ", 1)[1],
        "  restore clock: " + lines[7].split(": ", 1)[1],
        "  size 1/20 files, 2/400 lines; tests no test-commands; pushed yes",
        "  version files: none found",
        f"  merged {merge[:12]}; tag v1.2.4; backports: develop merge; postmortem due "
        + lines[10].rsplit(" ", 1)[1],
    ]
    found = json.loads(invoke("status", "--format", "json").output)["hotfixes"]
    # The merged one's clock ran from the fixed detection time to the real merge: not asserted.
    assert [(item["branch"], item["state"]) for item in found] == [
        ("hotfix/fix-signup", "open"),
        ("hotfix/fix-login-timeout", "merged"),
    ]
    assert found[0]["response"] == {
        "measures": "detection to the first response in git",
        "started": "2026-11-28T21:00:00Z",
        "stopped": "2026-11-28T21:20:00Z",
        "running": False,
        "minutes": 20,
        "target_minutes": 15,
        "met": False,
        "overdue": True,
        "verdict": "20m; target for P0: 15m, missed by 5m",
    }
    assert found[0]["restore"]["running"] is True and found[0]["restore"]["minutes"] == 130
    assert found[1]["tag"] == "v1.2.4" and found[1]["backports"] == {"develop": "merge"}
    hotfix.commit("Postmortem", {"docs/postmortems/v1.2.4.md": "# v1.2.4\n"})
    again = json.loads(invoke("status", "--format", "json").output)["hotfixes"]
    assert again[1]["postmortem"] == "present"


def test_status_with_nothing_to_show(repo: Repo) -> None:
    result = invoke("status")
    assert result.exit_code == 0
    assert result.output == "No open hotfix and none merged in the last 30 days.\n"
