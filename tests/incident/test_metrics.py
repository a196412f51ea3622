"""`hotfix-guard metrics` on built histories whose answers are known, edges included: no hotfix,
a hotfix with no trailers, an open incident, a postmortem only in the work tree, two release lines.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.metrics.history import Hotfix
from hotfix_guard.metrics.render import render_csv
from hotfix_guard.metrics.stats import Window, compute, failure_rate_band, restore_band, spread
from tests.support.metrics import DatedRepo, T, build_history
from tests.support.repos import Repo, make_repo

HOUR = 3600


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DatedRepo:
    monkeypatch.setenv("GIT_AUTHOR_DATE", "")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "")
    built = build_history(tmp_path / "history")
    monkeypatch.chdir(built.path)
    return built


def metrics(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["metrics", *args])
    return result.exit_code, result.output


def metrics_json(*args: str) -> dict:  # type: ignore[type-arg]
    code, output = metrics("--format", "json", *args)
    assert code == 0, output
    return json.loads(output)  # type: ignore[no-any-return]


def test_every_figure_of_a_known_history(history: DatedRepo) -> None:
    data = metrics_json()
    summary = data["summary"]
    assert summary["hotfixes"] == 4
    assert summary["mitigations"] == {"hotfix": 3, "rollback": 1}
    # response: v1.0.1 30m, v1.1.1 1h, open 2h; v1.0.2 has no Detected trailer
    assert summary["response"] == {
        "count": 3,
        "median_seconds": HOUR,
        "p90_seconds": 2 * HOUR,
        "max_seconds": 2 * HOUR,
        "within_target": 1,
        "with_target": 3,
        "share_within_target": pytest.approx(1 / 3),
    }
    restore = summary["restore"]
    # v1.0.1 2h of P1's 3h, v1.1.1 3h of P0's 2h; v1.0.2 has no severity, so no target
    assert [restore[key] for key in ("count", "median_seconds", "max_seconds")] == [
        3,
        3 * HOUR,
        4 * HOUR,
    ]
    assert (restore["within_target"], restore["with_target"]) == (1, 2)
    assert data["detection_from_first_commit"] == 1
    assert data["change_failure_rate"]["overall"] == {
        "period": "all",
        "releases": 5,
        "failed": 3,
        "rate": 0.6,
        "band": "low",
    }
    assert [
        (r["period"], r["releases"], r["failed"]) for r in data["change_failure_rate"]["by_period"]
    ] == [("2026-01", 4, 3), ("2026-02", 1, 0)]
    assert data["backport_lag"]["develop"]["median_seconds"] == 3 * HOUR
    assert data["backport_lag"]["develop"]["missing"] == ["v1.0.2", "v1.1.1"]
    assert data["postmortems"] == {
        "due": 3,
        "on_time": 2,
        "share": pytest.approx(2 / 3),
        "overdue": ["v1.0.2"],
    }
    assert data["overrides"] == {"diff-size": ["v1.0.1: big generated fixture"]}


def test_each_hotfix_row(history: DatedRepo) -> None:
    rows = {row["name"]: row for row in metrics_json()["hotfixes"]}
    assert list(rows) == ["v1.0.1", "v1.0.2", "v1.1.1", "hotfix/open"]
    login = rows["v1.0.1"]
    assert (login["severity"], login["detected_from"], login["restored_from"]) == (
        "P1",
        "trailer",
        "tag",
    )
    assert (login["response_seconds"], login["restore_seconds"]) == (HOUR / 2, 2 * HOUR)
    assert (login["files"], login["lines"]) == (1, 2)
    assert login["backports"] == {"develop": "2026-01-15T15:00:00Z"}
    assert (login["postmortem"], login["postmortem_verdict"]) == (
        "docs/postmortems/2026-01-15-v1.0.1.md",
        "on time",
    )
    plain = rows["v1.0.2"]
    assert (plain["severity"], plain["detected_from"], plain["response_seconds"]) == (
        None,
        "first commit",
        None,
    )
    assert plain["restore_seconds"] == 4 * HOUR
    assert plain["postmortem_verdict"] == "overdue"
    rollback = rows["v1.1.1"]
    assert (rollback["mitigation"], rollback["postmortem_committed"]) == ("rollback", False)
    assert rollback["postmortem_verdict"] == "on time"
    opened = rows["hotfix/open"]
    assert (opened["restored"], opened["restored_from"], opened["response_seconds"]) == (
        None,
        "open",
        2 * HOUR,
    )
    assert opened["postmortem_verdict"] == "open"


def test_by_severity_and_period(history: DatedRepo) -> None:
    data = metrics_json()
    assert [(g["key"], g["hotfixes"]) for g in data["by_severity"]] == [
        ("P0", 1),
        ("P1", 2),
        ("none", 1),
    ]
    assert [(g["key"], g["hotfixes"]) for g in data["by_period"]] == [
        ("2026-01", 2),
        ("2026-02", 2),
    ]


def test_since_and_until_choose_the_window(history: DatedRepo) -> None:
    data = metrics_json("--since", "2026-02-01", "--until", "2026-02-20T00:00:00Z")
    assert [row["name"] for row in data["hotfixes"]] == ["v1.1.1"]
    assert data["change_failure_rate"]["overall"]["releases"] == 1


def test_the_text_summary(history: DatedRepo) -> None:
    code, output = metrics("--period", "year")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "hotfix-guard metrics: 4 hotfixes in history, by year"
    assert lines[2:6] == [
        "Hotfixes: 4 (hotfix 3, rollback 1)",
        "Response time (detection to branch cut): median 1h, p90 2h, max 2h (3 measured); "
        "within target 33% (1 of 3)",
        "  1 hotfix(es) carry no Detected trailer: their detection is taken as their first "
        "commit, so their response time is not measured",
        "Time to restore (detection to hotfix tag): median 3h, p90 4h, max 4h (3 measured); "
        "within target 50% (1 of 2); DORA band: high",
    ]
    assert "Change failure rate: 60.0% (3 of 5 releases followed by a hotfix release); " in output
    assert "Backport lag to develop: median 3h, max 3h; still missing: 2 (v1.0.2, v1.1.1)" in lines
    assert "Postmortems on time: 67% (2 of 3); overdue now: v1.0.2" in lines
    assert "Overridden: diff-size 1x (v1.0.1: big generated fixture)" in lines


def test_csv_has_a_row_per_hotfix(history: DatedRepo) -> None:
    code, output = metrics("--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [row["name"] for row in rows] == ["v1.0.1", "v1.0.2", "v1.1.1", "hotfix/open"]
    assert rows[0]["backported_to_develop"] == "2026-01-15T15:00:00Z"
    assert rows[0]["overrides"] == "diff-size: big generated fixture"


def test_csv_keeps_a_crafted_name_as_text() -> None:
    crafted = Hotfix(
        "r", '=HYPERLINK("x")', None, None, "c", None, "hotfix", 0, "trailer", 0, 10, "merge", 1, 1
    )
    report = compute([crafted], [], Window(now=T))
    row = next(csv.DictReader(io.StringIO(render_csv(report))))
    assert row["name"] == '\'=HYPERLINK("x")'


def test_a_repository_without_hotfixes(repo: Repo) -> None:
    repo.tag("v1.0.0", "Release 1.0.0")
    data = metrics_json()
    assert data["summary"]["hotfixes"] == 0
    assert data["change_failure_rate"]["overall"] == {
        "period": "all",
        "releases": 1,
        "failed": 0,
        "rate": 0.0,
        "band": "elite",
    }
    code, output = metrics()
    assert code == 0
    assert output.splitlines()[0] == "hotfix-guard metrics: 0 hotfixes in repo, by month"
    assert "Response time (detection to branch cut): no hotfix measured" in output


def test_several_repositories_at_once(history: DatedRepo, tmp_path: Path) -> None:
    other = make_repo(tmp_path / "other")
    other.commit("initial")
    data = metrics_json(str(history.path), str(other.path))
    assert data["repositories"] == [str(history.path), str(other.path)]
    assert data["summary"]["hotfixes"] == 4


def test_bad_input_is_one_line_and_exit_2(history: DatedRepo, tmp_path: Path) -> None:
    assert metrics("--since", "yesterday") == (
        2,
        "hotfix-guard: 'yesterday' is not a time: use ISO 8601 in UTC, e.g. "
        "2026-11-28T22:40:00Z, or 'now'\n",
    )
    blocked = tmp_path / "nowhere" / "report.json"
    code, output = metrics("--format", "json", "--output", str(blocked))
    assert code == 2
    assert output.startswith(f"hotfix-guard: cannot write the report to {blocked}: ")


def test_metrics_is_read_only(history: DatedRepo) -> None:
    before = history.git("for-each-ref"), history.git("status", "--porcelain")
    assert metrics()[0] == 0
    assert (history.git("for-each-ref"), history.git("status", "--porcelain")) == before


def test_figures_and_bands() -> None:
    assert spread([5, 1, 3, 2, 4, 6, 7, 8, 9, 10]).p90 == 9
    assert spread([1, 2]).median == 1.5
    assert [failure_rate_band(r) for r in (0.05, 0.1, 0.15, 0.16)] == [
        "elite",
        "high",
        "medium",
        "low",
    ]
    assert [restore_band(s) for s in (3599, 3600, 86400, 7 * 86400)] == [
        "elite",
        "high",
        "medium",
        "low",
    ]


def test_no_hook_imports_the_report_libraries(repo: Repo) -> None:
    """The commit and push hooks never pay for matplotlib or the metrics package."""
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    probe = (
        "import sys\n"
        "from hotfix_guard.__main__ import main\n"
        "sys.argv = ['hotfix-guard', 'hook']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('matplotlib', 'hotfix_guard.metrics')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "[]", result.stderr


def test_progress_is_told_as_each_repository_is_read(history: DatedRepo, tmp_path: Path) -> None:
    from hotfix_guard.metrics.collect import read_all

    other = make_repo(tmp_path / "other")
    other.commit("initial")
    progress = io.StringIO()
    facts = read_all([str(history.path), str(other.path)], progress)
    assert [len(fact.hotfixes) for fact in facts] == [4, 0]
    told = progress.getvalue().split("\r")[1:]
    assert len(told) == 2
    assert told[0].startswith("metrics: 1/2 repositories read (")
    assert told[1].startswith("metrics: 2/2 repositories read (")
    assert progress.getvalue().endswith("\n")
