"""status-message in Statuspage's wording (`status-wording = "statuspage"`): its states and
wording, impact from severity, the next update. The runbook's default wording:
test_status_runbook.py."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.incident import base_history, hand_made_hotfix
from tests.support.repos import Repo

STATUSPAGE = 'status-wording = "statuspage"\n'


@pytest.fixture(autouse=True)
def statuspage_wording(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", STATUSPAGE)


def message(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["status-message", *args])
    return result.exit_code, result.output


def on_the_branch(repo: Repo, record: str) -> None:
    repo.branch("hotfix/fix-login-timeout")
    repo.commit(f"Raise the timeout\n\n{record}", {"app/main.py": "x = 1\n"})


def test_investigating_from_the_hotfix_branch_in_the_first_two_hours_of_a_p1(repo: Repo) -> None:
    on_the_branch(repo, "Severity: P1\nIncident: INC-42\nDetected: 2026-11-28T20:50:00Z")
    assert message("investigating", "--time", "2026-11-28T21:00:00Z") == (
        0,
        "Fix login timeout\n"
        "Investigating - We are currently investigating this issue.\n"
        "Impact: major (P1). Incident: INC-42. Posted: 2026-11-28 21:00 UTC. "
        "Next update by 21:20 UTC.\n",
    )


def test_after_two_hours_a_p0_is_updated_every_hour(repo: Repo) -> None:
    on_the_branch(repo, "Severity: P0\nDetected: 2026-11-28T20:50:00Z")
    code, output = message("identified", "--time", "2026-11-28T22:50:00Z")
    assert code == 0
    assert output.splitlines()[1:] == [
        "Identified - The issue has been identified and a fix is being implemented.",
        "Impact: critical (P0). Posted: 2026-11-28 22:50 UTC. Next update by 23:50 UTC.",
    ]
    code, output = message("identified", "--time", "2026-11-28T22:49:00Z")
    assert code == 0
    assert output.splitlines()[2].endswith("Next update by 23:09 UTC.")


@pytest.mark.parametrize(
    ("record", "facts"),
    [
        ("Severity: P2", "Impact: minor (P2). Posted: 2026-11-28 23:30 UTC. Next update by "
         "2026-11-29 00:30 UTC."),
        ("Severity: P3", "Impact: none (P3). Posted: 2026-11-28 23:30 UTC. Next update when "
         "the status changes."),
        ("Incident: https://status.example.com/x", "Incident: https://status.example.com/x. "
         "Posted: 2026-11-28 23:30 UTC. Next update by 2026-11-29 00:30 UTC."),
    ],
)  # fmt: skip
def test_other_severities_and_no_severity(repo: Repo, record: str, facts: str) -> None:
    on_the_branch(repo, record)
    code, output = message("monitoring", "--time", "2026-11-28T23:30:00Z")
    assert code == 0
    assert output.splitlines()[2] == facts


def test_resolved_from_the_latest_hotfix_tag_as_markdown_and_json(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, description="Réparer la connexion")
    assert message("resolved", "--format", "markdown", "--time", "2026-11-28T22:20:00Z") == (
        0,
        "### Réparer la connexion\n"
        "\n"
        "**Resolved** - This incident has been resolved.\n"
        "\n"
        "_Impact: major (P1). Incident: INC-42. Posted: 2026-11-28 22:20 UTC._\n",
    )
    code, output = message("resolved", "--format", "json", "--time", "2026-11-28T22:20:00Z")
    assert code == 0
    assert json.loads(output) == {
        "name": "Réparer la connexion",
        "wording": "statuspage",
        "service": None,
        "status": "resolved",
        "body": "This incident has been resolved.",
        "impact": "major",
        "severity": "P1",
        "incident": "INC-42",
        "source": "v1.2.4",
        "created_at": "2026-11-28T22:20:00Z",
        "next_update_at": None,
    }


def test_templates_come_from_the_config(repo: Repo) -> None:
    repo.write(
        ".hotfix-guard.toml",
        STATUSPAGE + "[status-message]\n"
        'investigating = "{title}: we are on it ({impact} impact, {incident})."\n',
    )
    on_the_branch(repo, "Severity: P1\nIncident: INC-7")
    code, output = message("investigating", "--time", "2026-11-28T21:00:00Z")
    assert output.splitlines()[1] == (
        "Investigating - Fix login timeout: we are on it (major impact, INC-7)."
    )
    code, output = message("resolved", "--time", "2026-11-28T21:00:00Z")
    assert code == 0
    assert output.splitlines()[1] == "Resolved - This incident has been resolved."


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[status-message]\ninvestigating = "{owner} is on it"\n',
         "templates naming only {title}, {severity}, {impact}, {incident}, {tag}, {branch}, "
         "{service}, {impact_text}, {eta}, {status}, {next_update}, {duration}, {resolution}, "
         "{postmortem_due}, not {owner}"),
        ('[status-message]\nfixed = "done"\n',
         "a table whose keys are investigating, identified, monitoring, resolved, not 'fixed'"),
        ('[status-message]\ninvestigating = "{title:{title}}"\n',
         "a plain format after {title: (no nested fields)"),
        ('[status-message]\ninvestigating = "{ti{{tle}"\n',
         "a template str.format reads (unexpected '{' in field name; write a literal brace as {{)"),
        ('[status-message]\ninvestigating = "{impact:>{incident}}"\n',
         "a plain format after {impact: (no nested fields)"),
        ('[status-message]\ninvestigating = "{title:>99999999{severity}}"\n',
         "a plain format after {title: (no nested fields)"),
        ('[status-message]\ninvestigating = "{title:>99999999}"\n',
         "a width of at most 200 in {title:>99999999}"),
        ('[status-message]\ninvestigating = "{title:d}"\n',
         "a format a text takes in {title:d} (Unknown format code 'd' for object of type 'str')"),
        ('[status-message]\ninvestigating = "{title!x}"\n',
         "a conversion !r, !s or !a after {title, not !x"),
        ('[status-message]\ninvestigating = "{title.upper}"\n',
         "templates naming only {title}, {severity}, {impact}, {incident}, {tag}, {branch}, "
         "{service}, {impact_text}, {eta}, {status}, {next_update}, {duration}, {resolution}, "
         "{postmortem_due}, not {title.upper}"),
    ],
)  # fmt: skip
def test_a_bad_template_is_one_line_and_exit_2(repo: Repo, toml: str, expected: str) -> None:
    repo.write(".hotfix-guard.toml", toml)
    code, output = message("investigating")
    assert code == 2
    assert output.startswith("hotfix-guard: .hotfix-guard.toml: status-message = ")
    assert output.rstrip("\n").endswith(f"is invalid: expected {expected}")


def test_no_incident_and_a_bad_time_are_one_line_and_exit_2(repo: Repo) -> None:
    assert message("investigating") == (
        2,
        "hotfix-guard: no current incident: check out the hotfix branch, or tag the hotfix "
        '(git tag -a v1.2.4 -m "Hotfix: ...")\n',
    )
    assert message("investigating", "--time", "soon") == (
        2,
        "hotfix-guard: 'soon' is not a time: use ISO 8601 in UTC, e.g. 2026-11-28T22:40:00Z, "
        "or 'now'\n",
    )


def test_a_detached_head_speaks_for_the_latest_hotfix_tag(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch)
    repo.git("switch", "-q", "--detach", "v1.2.3")
    repo.write(".hotfix-guard.toml", STATUSPAGE)
    code, output = message("identified", "--time", "2026-11-28T21:00:00Z")
    assert code == 0
    assert output.splitlines()[:2] == [
        "Fix the login timeout",
        "Identified - The issue has been identified and a fix is being implemented.",
    ]
