"""The HTML metrics report as a person sees it: opened in a real headless Chromium (Debian's), with
no console error and no network request, every plot drawn with its title, and tables that hold the
JSON's numbers. A screenshot of the whole page is kept as a test artifact.

Never skipped: .ci/run installs Chromium when it is missing, and without it this test fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.metrics.render import duration
from tests.support.metrics import DatedRepo, build_history

ARTIFACTS = Path(os.environ.get("HOTFIX_GUARD_ARTIFACTS", Path(__file__).parents[2] / "artifacts"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PLOT_TITLES = [
    "Time to restore per hotfix",
    "Hotfixes per period by severity",
    "Change failure rate per period",
    "Backport lag",
    "Postmortem compliance",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is missing: apt-get install chromium (.ci/run does this)"
    return found


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, Any]]:
    monkeypatch.setenv("GIT_AUTHOR_DATE", "")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "")
    history: DatedRepo = build_history(tmp_path / "history")
    monkeypatch.chdir(history.path)
    page = tmp_path / "metrics.html"
    runner = CliRunner()
    made = runner.invoke(cli, ["metrics", "--format", "html", "--output", str(page)])
    assert made.exit_code == 0, made.output
    data = runner.invoke(cli, ["metrics", "--format", "json"])
    return page, json.loads(data.output)


def test_the_report_in_a_real_browser(report: tuple[Path, dict[str, Any]]) -> None:
    from playwright.sync_api import sync_playwright

    page_path, data = report
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                problems.append(f"{message.type}: {message.text}")
                if message.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "metrics-report.png"), full_page=True)
        plots = page.eval_on_selector_all(
            "figure.plot",
            """figures => figures.map(f => {
                const box = f.querySelector('svg').getBoundingClientRect();
                return {title: f.dataset.title, text: f.textContent,
                        width: box.width, height: box.height};
            })""",
        )
        tables = page.eval_on_selector_all(
            "section table",
            "tables => tables.map(t => [...t.rows].map(r => [...r.cells].map(c => c.textContent)))",
        )
        browser.close()

    assert requests == [page_path.as_uri()]
    assert problems == []
    assert [plot["title"] for plot in plots] == PLOT_TITLES
    for plot in plots:
        assert plot["width"] > 300 and plot["height"] > 100, plot["title"]
        assert plot["title"] in plot["text"]  # the title is drawn in the plot, as text
    restore, counts, rates, lags, postmortems = tables
    restored = [row for row in data["hotfixes"] if row["restored"]]
    assert [row[0] for row in restore[1:]] == [row["name"] for row in restored]
    assert [row[3] for row in restore[1:]] == [duration(row["restore_seconds"]) for row in restored]
    assert [row[-1] for row in counts[1:]] == [str(g["hotfixes"]) for g in data["by_period"]]
    assert [row[:3] for row in rates[1:]] == [
        [r["period"], str(r["releases"]), str(r["failed"])]
        for r in data["change_failure_rate"]["by_period"]
    ]
    develop = data["backport_lag"]["develop"]
    assert lags[1] == [
        "develop",
        str(develop["count"]),
        duration(develop["median_seconds"]),
        duration(develop["max_seconds"]),
        str(len(develop["missing"])),
    ]
    on_time = sum(int(row[1]) for row in postmortems[1:])
    assert on_time == data["postmortems"]["on_time"]


def test_the_page_holds_nothing_that_fetches(report: tuple[Path, dict[str, Any]]) -> None:
    text = report[0].read_text()
    for marker in ("<script", "<link", "<img", "<iframe", "@import", "src="):
        assert marker not in text
    assert re.findall(r"url\((?!#)", text) == []  # url(#clip) names a part of the page itself
    # addresses appear only as XML namespace names, which nothing fetches
    assert set(re.findall(r"https?://[^\s\"']*", text)) == {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
