"""assess: recent releases, what changed since the last known good one by component, suspects
first, with the reverts and hotfixes already on that line. Read-only."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from hotfix_guard.cli import cli
from tests.support.incident import at
from tests.support.repos import Repo


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def history(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """v1.2.2; Ana's API change and Bo's web change, v1.3.0; a hotfix merged and tagged v1.3.1;
    a revert of Bo's change, not released."""
    at(monkeypatch, "2026-11-20T10:00:00Z")
    repo.git("commit", "-q", "--amend", "--no-edit", "--reset-author")
    repo.tag("v1.2.2", "Release 1.2.2")
    at(monkeypatch, "2026-11-25T09:00:00Z")
    shas = {"api": repo.commit("Cache sessions", {"api/session.py": "CACHE = True\n"})}
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Bo")
    shas["web"] = repo.commit("New login form", {"web/login.js": "form()\n", "README": "x\n"})
    at(monkeypatch, "2026-11-26T09:00:00Z")
    repo.tag("v1.3.0", "Release 1.3.0")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Cy")
    repo.branch("hotfix/session-timeout")
    at(monkeypatch, "2026-11-27T09:00:00Z")
    shas["fix"] = repo.commit("Shorter session cache", {"api/session.py": "CACHE = False\n"})
    repo.switch("main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge branch 'hotfix/session-timeout'",
             "hotfix/session-timeout")  # fmt: skip
    shas["merge"] = repo.head()
    at(monkeypatch, "2026-11-27T09:30:00Z")
    repo.tag("v1.3.1", "Hotfix: Shorter session cache")
    at(monkeypatch, "2026-11-28T09:00:00Z")
    repo.git("revert", "--no-edit", shas["web"])
    shas["revert"] = repo.head()
    return shas


def test_assess_lists_releases_changes_components_reverts_and_hotfixes(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = history(repo, monkeypatch)
    result = invoke("assess", "--detected", "2026-11-26T12:00:00Z")
    assert result.exit_code == 0, result.output
    v122, v130, v131 = (repo.git("rev-parse", f"{tag}^{{}}")[:12] for tag in
                        ("v1.2.2", "v1.3.0", "v1.3.1"))  # fmt: skip
    s = {name: sha[:12] for name, sha in shas.items()}
    assert result.output == (
        "Recent releases on main (newest first):\n"
        f"  v1.3.1  2026-11-27 09:30 UTC  {v131}\n"
        f"  v1.3.0  2026-11-26 09:00 UTC  {v130}  <- last before detection\n"
        f"  v1.2.2  2026-11-20 10:00 UTC  {v122}  <- last known good\n"
        "\n"
        f"Changes since v1.2.2 (5 commits to main at {s['revert']}):\n"
        f'  {s["revert"]} 2026-11-28 09:00 Cy: Revert "New login form" [revert, unreleased]\n'
        f"  {s['merge']} 2026-11-27 09:00 Cy: Merge branch 'hotfix/session-timeout' "
        "[hotfix, v1.3.1]\n"
        f"  {s['fix']} 2026-11-27 09:00 Cy: Shorter session cache [v1.3.1]\n"
        f"  {s['web']} 2026-11-25 09:00 Bo: New login form [v1.3.0]\n"
        f"  {s['api']} 2026-11-25 09:00 Test Author: Cache sessions [v1.3.0]\n"
        "\n"
        "Files by component:\n"
        "  (top level) (1): README\n"
        "  api/ (1): api/session.py\n"
        "  web/ (1): web/login.js\n"
        f'Reverts already on this line: {s["revert"]} Revert "New login form"\n'
        f"Hotfixes already on this line: {s['merge']} Merge branch 'hotfix/session-timeout'\n"
    )


def test_narrowing_puts_suspects_first_and_codeowners_name_components(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    shas = history(repo, monkeypatch)
    repo.commit("Owners", {"CODEOWNERS": "* @core\nweb/ @frontend  # the web team\n"})
    result = invoke("assess", "--path", "@frontend", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["last_known_good"] == "v1.3.0"  # the release before the newest
    assert found["last_before_detection"] is None
    assert [(c["subject"], c["suspect"]) for c in found["changes"]] == [
        ('Revert "New login form"', True),
        ("Owners", False),
        ("Merge branch 'hotfix/session-timeout'", False),
        ("Shorter session cache", False),
    ]
    assert found["components"] == {
        "@core": ["CODEOWNERS", "README", "api/session.py"],
        "@frontend": ["web/login.js"],
    }
    wide = json.loads(invoke("assess", "--good", "v1.2.2", "--path", "api/*.py",
                             "--format", "json").output)  # fmt: skip
    # The hotfix merge counts too: against main before it, it brought the fix's file.
    assert [c["commit"] for c in wide["changes"] if c["suspect"]] == [
        shas["merge"], shas["fix"], shas["api"]
    ]  # fmt: skip
    assert [r["tag"] for r in wide["releases"]] == ["v1.3.1", "v1.3.0", "v1.2.2"]
    recent = json.loads(invoke("assess", "--since", "2026-11-26T00:00:00Z", "--format",
                               "json").output)  # fmt: skip
    assert [r["tag"] for r in recent["releases"]] == ["v1.3.1", "v1.3.0"]


def test_start_prints_the_summary_and_assess_refuses_what_it_cannot_read(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("assess").stderr == (
        "hotfix-guard: main has no release tag: assess starts from the releases\n"
    )
    history(repo, monkeypatch)
    assert invoke("assess", "--good", "v0.1").stderr == (
        "hotfix-guard: --good v0.1: not a release tag on main (the newest: v1.3.1, v1.3.0, "
        "v1.2.2)\n"
    )
    assert invoke("assess", "--path", "web/{").exit_code == 2
    before = repo.git("for-each-ref")
    assert invoke("assess").exit_code == 0 and repo.git("for-each-ref") == before  # read-only
    started = invoke("start", "Login broken", "--severity", "P1", "--detected",
                     "2026-11-26T12:00:00Z")  # fmt: skip
    assert started.exit_code == 0, started.output
    assert (
        "Assess: newest release v1.3.1 (2026-11-27 09:30 UTC); 5 commit(s) on main since v1.2.2, "
        "1 revert(s), 1 hotfix(es): hotfix-guard assess\n"
    ) in started.output
    after = repo.git("for-each-ref").splitlines()
    assert [line for line in after if "hotfix/login-broken" not in line] == before.splitlines()
