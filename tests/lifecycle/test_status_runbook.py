"""status-message in the runbook's wording (the default): the initial alert, the update and the
resolution, filled from git, with the runbook's placeholders where git knows nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.incident import base_history, hand_made_hotfix
from tests.support.repos import Repo


def message(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["status-message", *args])
    return result.exit_code, result.output


def started(*options: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["start", "Fix card payments", "--severity", "P1", "--detected", "2026-11-28T20:50:00Z",
         *options],
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_the_three_messages_exactly(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    started("--service", "checkout", "--impact", "Card payments fail for EU customers")
    assert message("investigating", "--time", "2026-11-28T21:00:00Z") == (
        0,
        "🚨 [P1] Investigating issues with checkout\n"
        "\n"
        "Impact: Card payments fail for EU customers\n"
        "Status: Investigating\n"
        "ETA: Unknown\n"
        "\n"
        "Updates to follow.\n",
    )
    update = message(
        "identified", "--time", "2026-11-28T21:30:00Z", "--eta", "30 minutes",
        "--impact", "Card payments fail for 20% of EU customers",
    )  # fmt: skip
    assert update == (
        0,
        "🔄 [P1] Update on checkout issue\n"
        "\n"
        "Status: Root cause identified, fix in progress\n"
        "Impact: Card payments fail for 20% of EU customers\n"
        "ETA: 30 minutes\n"
        "\n"
        "Next update in 20 minutes.\n",
    )
    # Past the first two hours of a P1, updates are hourly.
    code, output = message("monitoring", "--time", "2026-11-28T23:00:00Z")
    assert (code, output.splitlines()[2], output.splitlines()[-1]) == (
        0,
        "Status: Fix deployed, monitoring the results",
        "Next update in 60 minutes.",
    )
    repo.switch("main")
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, record="Severity: P1\nService: checkout\n"
                     "Detected: 2026-11-28T20:50:00Z")  # fmt: skip
    assert message("resolved", "--time", "2026-11-28T22:20:00Z") == (
        0,
        "✅ [P1] Resolved: checkout issue\n"
        "\n"
        "Duration: 1 hour 25 minutes\n"
        "Resolution: Fix the login timeout\n"
        "\n"
        "Postmortem to follow within 48 hours.\n",
    )


def test_what_git_cannot_fill_stays_a_placeholder(repo: Repo) -> None:
    repo.branch("hotfix/fix-search")
    repo.commit("Fix search\n\nSeverity: P3", {"app/search.py": "OK = 1\n"})
    assert message("investigating", "--time", "2026-11-28T21:00:00Z")[1] == (
        "🚨 [P3] Investigating issues with [service]\n"
        "\n"
        "Impact: [Brief description]\n"
        "Status: Investigating\n"
        "ETA: Unknown\n"
        "\n"
        "Updates to follow.\n"
    )
    assert message("identified", "--time", "2026-11-28T21:00:00Z")[1] == (
        "🔄 [P3] Update on [service] issue\n"
        "\n"
        "Status: Root cause identified, fix in progress\n"
        "Impact: [Updated impact]\n"
        "ETA: [Time estimate]\n"
        "\n"
        "Next update in [X] minutes.\n"
    )
    # Not tagged yet: git knows neither how long it took nor what resolved it.
    assert message("resolved", "--time", "2026-11-28T21:00:00Z")[1] == (
        "✅ [P3] Resolved: [service] issue\n"
        "\n"
        "Duration: [X hours Y minutes]\n"
        "Resolution: [Brief description]\n"
        "\n"
        "Postmortem to follow within 48 hours.\n"
    )
    repo.git("commit", "-q", "--amend", "-m", "Fix search\n\nSeverity: P9")
    assert message("resolved")[1].splitlines()[0] == "✅ [P?] Resolved: [service] issue"


def test_markdown_json_and_templates_from_the_config(repo: Repo) -> None:
    started("--service", "checkout")
    code, markdown = message("investigating", "--format", "markdown", "--time",
                             "2026-11-28T21:00:00Z")  # fmt: skip
    assert (code, markdown) == (
        0,
        "**🚨 [P1] Investigating issues with checkout**\n"
        "\n"
        "Impact: \\[Brief description\\]  \n"
        "Status: Investigating  \n"
        "ETA: Unknown\n"
        "\n"
        "Updates to follow.\n",
    )
    code, output = message("investigating", "--format", "json", "--time", "2026-11-28T21:00:00Z")
    found = json.loads(output)
    assert (found["wording"], found["service"], found["status"]) == (
        "runbook", "checkout", "investigating"
    )  # fmt: skip
    assert found["body"].splitlines()[0] == "🚨 [P1] Investigating issues with checkout"
    assert found["next_update_at"] == "2026-11-28T21:20:00Z"
    repo.write(
        ".hotfix-guard.toml",
        'postmortem-due = "24h"\n[status-message]\n'
        'resolved = "{service} is back after {duration}. Postmortem within {postmortem_due}."\n',
    )
    assert message("resolved")[1] == (
        "checkout is back after [X hours Y minutes]. Postmortem within 24 hours.\n"
    )


def test_hostile_values_stay_text(repo: Repo) -> None:
    started("--service", "<script>x</script>")
    code, markdown = message("investigating", "--format", "markdown",
                             "--impact", "[x](javascript:alert(1))")  # fmt: skip
    assert code == 0
    assert markdown.splitlines()[0] == (
        "**🚨 [P1] Investigating issues with &lt;script&gt;x&lt;/script&gt;**"
    )
    assert markdown.splitlines()[2] == "Impact: \\[x\\](javascript:alert(1))  "
    code, text = message("investigating", "--impact", "two\nlines \x1b[31mred")
    assert (code, text.splitlines()[2]) == (0, "Impact: two lines \\x1b[31mred")


def test_an_unknown_wording_is_one_line_and_exit_2(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", 'status-wording = "slack"\n')
    assert message("investigating") == (
        2,
        "hotfix-guard: .hotfix-guard.toml: status-wording = 'slack' is invalid: expected "
        "'runbook' or 'statuspage'\n",
    )
