"""The metrics report as text for a terminal, JSON for other tools, and CSV (one row a hotfix)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hotfix_guard.incident.clocks import span
from hotfix_guard.metrics.history import Hotfix
from hotfix_guard.metrics.stats import (
    FailureRate,
    Group,
    Metrics,
    Spread,
    failure_rate_band,
    postmortem_verdict,
    response_seconds,
    restore_band,
    restore_seconds,
)
from hotfix_guard.report.findings import short_line

# Each figure's name as the report says it, with its unit.
RESPONSE = "response time (detection to branch cut)"
RESTORE = "time to restore (detection to hotfix tag)"


def duration(seconds: float | None) -> str:
    return "-" if seconds is None else span(timedelta(seconds=seconds))


def share(part: int, whole: int) -> str:
    return "-" if not whole else f"{100 * part / whole:.0f}% ({part} of {whole})"


def iso(moment: int | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- text ----------------------------------------------------------------------------------------


def render_text(metrics: Metrics, repositories: list[str]) -> str:
    overall = metrics.overall
    where = ", ".join(short_line(name, 60) for name in repositories)
    lines = [
        f"hotfix-guard metrics: {overall.hotfixes} hotfix{'es' if overall.hotfixes != 1 else ''}"
        f" in {where}{_window(metrics)}, by {metrics.window.period}",
        "",
        *_summary_lines(metrics),
    ]
    if metrics.by_severity:
        lines += ["", "By severity:", *_table(metrics.by_severity, "severity")]
    if metrics.by_period:
        lines += [
            "",
            f"By {metrics.window.period}:",
            *_table(metrics.by_period, metrics.window.period),
        ]
    lines += [f"note: {note}" for note in metrics.notes]
    return "\n".join(lines)


def _window(metrics: Metrics) -> str:
    since = metrics.window.since.date().isoformat() if metrics.window.since else None
    until = metrics.window.until.date().isoformat() if metrics.window.until else None
    if since and until:
        return f" from {since} until {until}"
    return f" since {since}" if since else f" until {until}" if until else ""


def _summary_lines(metrics: Metrics) -> list[str]:
    overall = metrics.overall
    mitigations = ", ".join(
        f"{name} {count}" for name, count in sorted(overall.mitigations.items())
    )
    rate = metrics.failure_rate_overall
    lines = [
        f"Hotfixes: {overall.hotfixes}" + (f" ({mitigations})" if mitigations else ""),
        f"Response time (detection to branch cut): {_spread(overall.response)}",
    ]
    if metrics.fallback_detection:
        lines.append(
            f"  {metrics.fallback_detection} hotfix(es) carry no Detected trailer: their detection"
            " is taken as their first commit, so their response time is not measured"
        )
    band = restore_band(overall.restore.median)
    lines += [
        f"Time to restore (detection to hotfix tag): {_spread(overall.restore)}"
        + (f"; DORA band: {band}" if band else ""),
        f"Change failure rate: {_rate(rate)}",
    ]
    for branch, lag in sorted(metrics.backport_lag.items()):
        missing = metrics.backports_missing.get(branch, ())
        shown = ", ".join(short_line(name, 60) for name in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        lines.append(
            f"Backport lag to {short_line(branch, 60)}: median {duration(lag.median)}, max "
            f"{duration(lag.maximum)}; still missing: {len(missing)}"
            + (f" ({shown}{more})" if missing else "")
        )
    overdue = ", ".join(short_line(name, 60) for name in metrics.postmortems_overdue[:10])
    lines.append(
        f"Postmortems on time: {share(overall.postmortems_on_time, overall.postmortems_due)}"
        + (f"; overdue now: {overdue}" if overdue else "")
    )
    lines.append(
        f"Size: median {_number(overall.median_files)} files, {_number(overall.median_lines)} lines"
    )
    for rule, reasons in metrics.overrides.items():
        shown = "; ".join(short_line(reason, 80) for reason in reasons[:3])
        lines.append(f"Overridden: {rule} {len(reasons)}x ({shown})")
    return lines


def _spread(figures: Spread) -> str:
    if not figures.count:
        return "no hotfix measured"
    within = (
        f"; within target {share(figures.within_target, figures.with_target)}"
        if figures.with_target
        else ""
    )
    return (
        f"median {duration(figures.median)}, p90 {duration(figures.p90)}, max "
        f"{duration(figures.maximum)} ({figures.count} measured){within}"
    )


def _rate(rate: FailureRate) -> str:
    if rate.rate is None:
        return "no release"
    return (
        f"{100 * rate.rate:.1f}% ({rate.failed} of {rate.releases} releases followed by a hotfix "
        f"release); DORA band: {failure_rate_band(rate.rate)}"
    )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _table(groups: tuple[Group, ...], title: str) -> list[str]:
    header = (title, "hotfixes", "response median/p90/max", "restore median/p90/max", "postmortems")
    rows = [header] + [
        (
            group.key,
            str(group.hotfixes),
            _triple(group.response),
            _triple(group.restore),
            share(group.postmortems_on_time, group.postmortems_due),
        )
        for group in groups
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return [
        "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        for row in rows
    ]


def _triple(figures: Spread) -> str:
    if not figures.count:
        return "-"
    return " / ".join(duration(value) for value in (figures.median, figures.p90, figures.maximum))


# --- JSON ----------------------------------------------------------------------------------------


def as_data(metrics: Metrics, repositories: list[str]) -> dict[str, Any]:
    """The whole report as plain data: what JSON prints and what the HTML's tables show."""
    now = int(metrics.window.now.timestamp())
    return {
        "generated": iso(now),
        "since": metrics.window.since.isoformat() if metrics.window.since else None,
        "until": metrics.window.until.isoformat() if metrics.window.until else None,
        "period": metrics.window.period,
        "repositories": repositories,
        "summary": _group_data(metrics.overall),
        "by_severity": [_group_data(group) for group in metrics.by_severity],
        "by_period": [_group_data(group) for group in metrics.by_period],
        "change_failure_rate": {
            "overall": _rate_data(metrics.failure_rate_overall),
            "by_period": [_rate_data(rate) for rate in metrics.failure_rates],
        },
        "restore_band": restore_band(metrics.overall.restore.median),
        "backport_lag": {
            branch: {
                **_spread_data(lag),
                "missing": list(metrics.backports_missing.get(branch, ())),
            }
            for branch, lag in sorted(metrics.backport_lag.items())
        },
        "postmortems": {
            "due": metrics.overall.postmortems_due,
            "on_time": metrics.overall.postmortems_on_time,
            "share": metrics.overall.postmortem_share,
            "overdue": list(metrics.postmortems_overdue),
        },
        "overrides": {rule: list(reasons) for rule, reasons in metrics.overrides.items()},
        "detection_from_first_commit": metrics.fallback_detection,
        "hotfixes": [hotfix_row(hotfix, now) for hotfix in metrics.hotfixes],
        "notes": list(metrics.notes),
    }


def render_json(metrics: Metrics, repositories: list[str]) -> str:
    return json.dumps(as_data(metrics, repositories), indent=2, ensure_ascii=False)


def _spread_data(figures: Spread) -> dict[str, Any]:
    return {
        "count": figures.count,
        "median_seconds": figures.median,
        "p90_seconds": figures.p90,
        "max_seconds": figures.maximum,
        "within_target": figures.within_target,
        "with_target": figures.with_target,
        "share_within_target": figures.share_within,
    }


def _group_data(group: Group) -> dict[str, Any]:
    return {
        "key": group.key,
        "hotfixes": group.hotfixes,
        "mitigations": group.mitigations,
        "response": _spread_data(group.response),
        "restore": _spread_data(group.restore),
        "postmortems_due": group.postmortems_due,
        "postmortems_on_time": group.postmortems_on_time,
        "postmortem_share": group.postmortem_share,
        "median_files": group.median_files,
        "median_lines": group.median_lines,
    }


def _rate_data(rate: FailureRate) -> dict[str, Any]:
    return {
        "period": rate.period,
        "releases": rate.releases,
        "failed": rate.failed,
        "rate": rate.rate,
        "band": failure_rate_band(rate.rate),
    }


def hotfix_row(hotfix: Hotfix, now: int) -> dict[str, Any]:
    """One hotfix as a flat row (JSON and CSV)."""
    response, restore = response_seconds(hotfix), restore_seconds(hotfix)
    return {
        "repository": hotfix.repository,
        "name": hotfix.name,
        "tag": hotfix.tag,
        "branch": hotfix.branch,
        "commit": hotfix.commit,
        "severity": hotfix.severity,
        "mitigation": hotfix.mitigation,
        "detected": iso(hotfix.detected),
        "detected_from": hotfix.detected_from,
        "responded": iso(hotfix.responded),
        "restored": iso(hotfix.restored),
        "restored_from": hotfix.restored_from,
        "response_seconds": response,
        "restore_seconds": restore,
        "respond_target_seconds": hotfix.respond_target,
        "restore_target_seconds": hotfix.restore_target,
        "files": hotfix.files,
        "lines": hotfix.lines,
        "backports": {branch: iso(arrived) for branch, arrived in sorted(hotfix.backports.items())},
        "postmortem": hotfix.postmortem.path if hotfix.postmortem else None,
        "postmortem_committed": hotfix.postmortem.committed if hotfix.postmortem else None,
        "postmortem_verdict": postmortem_verdict(hotfix, now),
        "overrides": [f"{rule}: {reason}" for rule, reason in hotfix.overrides],
    }


# --- CSV -----------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula: a crafted branch name
# must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_csv(metrics: Metrics) -> str:
    now = int(metrics.window.now.timestamp())
    rows = [hotfix_row(hotfix, now) for hotfix in metrics.hotfixes]
    branches = sorted({branch for hotfix in metrics.hotfixes for branch in hotfix.backports})
    columns = [key for key in (rows[0] if rows else hotfix_row(_EMPTY, now)) if key != "backports"]
    header = [*columns, *(f"backported_to_{branch}" for branch in branches)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        cells = [_cell(row[key]) for key in columns]
        cells += [_cell(row["backports"].get(branch)) for branch in branches]
        writer.writerow(cells)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


_EMPTY = Hotfix("", "", None, None, "", None, "hotfix", 0, "", 0, None, "open", 0, 0)
