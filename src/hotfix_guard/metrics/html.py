"""The metrics report as one self-contained HTML file: inline SVG plots, inline CSS, no script,
no font files, nothing fetched, so it opens offline and can be mailed or archived as it is.

The plots are drawn with matplotlib (the optional `report` extra): it is the maintained standard
for static plots in Python, writes SVG itself (no browser runtime, no JavaScript), and keeps text
as text (`svg.fonttype = none`), so titles stay searchable and the page stays small. Only this
module imports it; no hook does.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from html import escape
from typing import TYPE_CHECKING, Any

from hotfix_guard.errors import UsageError
from hotfix_guard.metrics.history import Hotfix
from hotfix_guard.metrics.render import as_data, duration, share
from hotfix_guard.metrics.stats import (
    UNKNOWN_SEVERITY,
    Metrics,
    period_of,
    postmortem_verdict,
    restore_seconds,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SEVERITY_COLOURS = {
    "P0": "#b2182b",
    "P1": "#ef8a62",
    "P2": "#e0b000",
    "P3": "#4393c3",
    UNKNOWN_SEVERITY: "#888888",
}
VERDICT_COLOURS = {"on time": "#1a9850", "late": "#fdae61", "overdue": "#d73027"}
HOUR = 3600.0
# No RDF block in the SVG: no date (the same history gives the same page), no address.
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}

Table = tuple[Sequence[str], Sequence[Sequence[str]]]


def render_html(metrics: Metrics, repositories: list[str]) -> str:
    plt = _pyplot()
    data = as_data(metrics, repositories)
    sections = [
        _section(
            plt, "Time to restore per hotfix", _restore_plot(metrics), _restore_table(metrics)
        ),
        _section(plt, "Hotfixes per period by severity", *_counts(metrics)),
        _section(plt, "Change failure rate per period", *_failure_rate(metrics)),
        _section(plt, "Backport lag", *_backport_lag(metrics)),
        _section(plt, "Postmortem compliance", *_postmortems(metrics)),
    ]
    title = f"hotfix-guard metrics: {', '.join(repositories)}"
    summary = "".join(f"<li>{escape(line)}</li>" for line in _summary(data))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="meta">Generated {escape(data["generated"])}, '
        f'by {escape(metrics.window.period)}.</p><ul class="summary">{summary}</ul>'
        f"{''.join(sections)}</body></html>\n"
    )


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError(
            "the HTML report needs matplotlib: pip install 'hotfix-guard[report]' "
            "(or use --format text, json or csv)"
        ) from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {"svg.fonttype": "none", "svg.hashsalt": "hotfix-guard", "font.size": 10}
    )
    import matplotlib.pyplot as plt

    return plt


def _summary(data: dict[str, Any]) -> list[str]:
    summary = data["summary"]
    rate = data["change_failure_rate"]["overall"]
    lines = [
        f"Hotfixes: {summary['hotfixes']}",
        f"Time to restore, median: {duration(summary['restore']['median_seconds'])}"
        f" (DORA band: {data['restore_band'] or '-'})",
        f"Response time, median: {duration(summary['response']['median_seconds'])}"
        f" ({summary['response']['count']} measured)",
        f"Change failure rate: {share(rate['failed'], rate['releases'])}"
        f" (DORA band: {rate['band'] or '-'})",
        f"Postmortems on time: {share(summary['postmortems_on_time'], summary['postmortems_due'])}",
    ]
    if data["detection_from_first_commit"]:
        lines.append(
            f"{data['detection_from_first_commit']} hotfix(es) carry no Detected trailer: their "
            "detection is their first commit"
        )
    return lines


def _section(plt: Any, title: str, draw: Callable[[Axes], None], table: Table) -> str:
    figure: Figure = plt.figure(figsize=(8, 3.6))
    axes = figure.add_subplot()
    draw(axes)
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # the XML prologue and doctype have no place inside HTML
    header, rows = table
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f'<section><h2>{escape(title)}</h2><figure class="plot" data-title="{escape(title)}">'
        f"{svg}</figure><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</section>"
    )


def _empty(axes: Axes, what: str) -> None:
    axes.text(0.5, 0.5, f"no {what} in this window", ha="center", va="center")


def _date(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, timezone.utc)


def _restore_plot(metrics: Metrics) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        from matplotlib import dates, ticker

        restored = [h for h in metrics.hotfixes if h.restored is not None]
        if not restored:
            _empty(axes, "restored hotfix")
            return
        for severity, colour in SEVERITY_COLOURS.items():
            chosen = [h for h in restored if (h.severity or UNKNOWN_SEVERITY) == severity]
            if chosen:
                axes.scatter(
                    dates.date2num([_date(h.restored or 0) for h in chosen]),  # type: ignore[no-untyped-call]
                    [max(restore_seconds(h) or 0, 60) / HOUR for h in chosen],
                    s=14,
                    color=colour,
                    label=severity if severity != UNKNOWN_SEVERITY else "no severity",
                )
        targets = sorted(
            {
                (h.severity or UNKNOWN_SEVERITY, h.restore_target)
                for h in restored
                if h.restore_target
            }
        )
        for severity, target in targets:
            axes.axhline(
                target / HOUR,
                color=SEVERITY_COLOURS.get(severity, "#888"),
                linestyle="--",
                linewidth=1,
                label=f"{severity} target {duration(target)}",
            )
        if not targets:
            axes.axhline(24, color="#555", linestyle=":", linewidth=1, label="1 day (DORA high)")
        hours = [max(restore_seconds(h) or 0, 60) / HOUR for h in restored]
        if max(hours) / min(hours) > 50:  # minutes and weeks on one axis: a log scale
            axes.set_yscale("log")
            axes.yaxis.set_major_formatter(ticker.FuncFormatter(lambda value, _: f"{value:g}"))
            axes.yaxis.set_minor_formatter(ticker.NullFormatter())
        else:
            axes.set_ylim(bottom=0)
        # matplotlib's date helpers carry no type hints
        locator = dates.AutoDateLocator()  # type: ignore[no-untyped-call]
        concise = dates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(concise)
        axes.set_xlabel("restored (UTC date)")
        axes.set_ylabel(f"time to restore (hours{', log' if axes.get_yscale() == 'log' else ''})")
        axes.legend(fontsize=8, loc="upper left")

    return draw


def _restore_table(metrics: Metrics) -> Table:
    rows = [
        (
            h.name,
            h.severity or UNKNOWN_SEVERITY,
            _date(h.restored).strftime("%Y-%m-%d %H:%M") if h.restored else "-",
            duration(restore_seconds(h)),
            duration(h.restore_target),
        )
        for h in metrics.hotfixes
        if h.restored is not None
    ]
    return (("hotfix", "severity", "restored (UTC)", "time to restore", "target"), rows)


def _counts(metrics: Metrics) -> tuple[Callable[[Axes], None], Table]:
    return _stacked_by_period(
        metrics,
        lambda hotfix: hotfix.severity or UNKNOWN_SEVERITY,
        SEVERITY_COLOURS,
        "hotfixes (count)",
        "hotfix",
    )


def _stacked_by_period(
    metrics: Metrics,
    kind: Callable[[Hotfix], str],
    colours: dict[str, str],
    ylabel: str,
    nothing: str,
) -> tuple[Callable[[Axes], None], Table]:
    """Bars per period, stacked by the KIND of each hotfix (the kinds COLOURS names), and the
    counts as a table with a total column."""
    periods = [group.key for group in metrics.by_period]
    tally = Counter(
        (kind(h), period_of(h.restored or h.detected, metrics.window.period))
        for h in metrics.hotfixes
    )
    counts = {
        name: [tally[name, period] for period in periods]
        for name in colours
        if any(tally[name, period] for period in periods)
    }

    def draw(axes: Axes) -> None:
        if not counts:
            _empty(axes, nothing)
            return
        bottom = [0] * len(periods)
        for name, values in counts.items():
            axes.bar(periods, values, bottom=bottom, color=colours[name], label=name)
            bottom = [a + b for a, b in zip(bottom, values)]
        axes.set_xlabel(metrics.window.period)
        axes.set_ylabel(ylabel)
        axes.legend(fontsize=8)
        _thin_ticks(axes, periods)

    rows = [
        (
            period,
            *(str(values[index]) for values in counts.values()),
            str(sum(values[index] for values in counts.values())),
        )
        for index, period in enumerate(periods)
    ]
    return draw, ((metrics.window.period, *counts, "total"), rows)


def _failure_rate(metrics: Metrics) -> tuple[Callable[[Axes], None], Table]:
    rates = [rate for rate in metrics.failure_rates if rate.rate is not None]

    def draw(axes: Axes) -> None:
        if not rates:
            _empty(axes, "release")
            return
        axes.bar(
            [r.period for r in rates],
            [100 * (r.rate or 0) for r in rates],
            color="#4393c3",
            label="releases followed by a hotfix release",
        )
        axes.axhline(15, color="#d73027", linestyle=":", linewidth=1, label="15% (DORA medium)")
        axes.set_xlabel(metrics.window.period)
        axes.set_ylabel("change failure rate (%)")
        axes.set_ylim(0, 100)
        axes.legend(fontsize=8)
        _thin_ticks(axes, [r.period for r in rates])

    rows = [
        (r.period, str(r.releases), str(r.failed), f"{100 * (r.rate or 0):.1f}%") for r in rates
    ]
    return draw, ((metrics.window.period, "releases", "followed by a hotfix", "rate"), rows)


def _backport_lag(metrics: Metrics) -> tuple[Callable[[Axes], None], Table]:
    lags: dict[str, list[float]] = {}
    for h in metrics.hotfixes:
        for branch, arrived in sorted(h.backports.items()):
            if arrived is not None and h.restored is not None:
                lags.setdefault(branch, []).append(max(0, arrived - h.restored) / HOUR)

    def draw(axes: Axes) -> None:
        from matplotlib import ticker

        if not any(lags.values()):
            _empty(axes, "backport")
            return
        axes.hist(list(lags.values()), bins=20, label=list(lags), stacked=True)
        axes.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        axes.set_xlabel("backport lag (hours from the hotfix tag)")
        axes.set_ylabel("hotfixes (count)")
        axes.legend(fontsize=8)

    rows = [
        (
            branch,
            str(lag.count),
            duration(lag.median),
            duration(lag.maximum),
            str(len(metrics.backports_missing.get(branch, ()))),
        )
        for branch, lag in sorted(metrics.backport_lag.items())
    ]
    return draw, (("branch", "backported", "median lag", "max lag", "still missing"), rows)


def _postmortems(metrics: Metrics) -> tuple[Callable[[Axes], None], Table]:
    now = int(metrics.window.now.timestamp())
    return _stacked_by_period(
        metrics,
        lambda hotfix: postmortem_verdict(hotfix, now),
        VERDICT_COLOURS,
        "postmortems due (count)",
        "postmortem due",
    )


def _thin_ticks(axes: Axes, labels: Sequence[str]) -> None:
    """At most about twelve period labels, turned so they stay readable; whole counts only."""
    from matplotlib import ticker

    axes.yaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    step = max(1, len(labels) // 12)
    axes.set_xticks(range(0, len(labels), step))
    axes.set_xticklabels(labels[::step], rotation=45, ha="right", fontsize=8)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:60em;
color:#222;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
.meta{color:#666}.summary li{margin:.2em 0}
figure.plot{margin:1em 0}figure.plot svg{width:100%;height:auto}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0;display:block;max-height:24em;
overflow:auto}
th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left}th{background:#f4f4f4}
"""
