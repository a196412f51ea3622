"""The numbers of the metrics report, computed from the hotfix facts: pure functions, no git.

Percentiles are nearest-rank (p90 of 10 values is the 9th smallest), so every figure is a time
one hotfix really took. The DORA bands are those of the 2023 State of DevOps report: change failure
rate elite <= 5 %, high <= 10 %, medium <= 15 %, low above; recovery time elite < 1 hour, high
< 1 day, medium < 1 week, low above.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from hotfix_guard.config.loader import SEVERITIES
from hotfix_guard.metrics.history import Hotfix, Release

UNKNOWN_SEVERITY = "none"
PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Spread:
    """Median, p90 and maximum of some durations (seconds), and the share within target."""

    count: int
    median: float | None
    p90: float | None
    maximum: float | None
    within_target: int = 0
    with_target: int = 0

    @property
    def share_within(self) -> float | None:
        return self.within_target / self.with_target if self.with_target else None


@dataclass(frozen=True)
class Group:
    """The figures of one period, one severity, or everything."""

    key: str
    hotfixes: int
    mitigations: dict[str, int]
    response: Spread
    restore: Spread
    postmortems_due: int
    postmortems_on_time: int
    median_files: float | None
    median_lines: float | None

    @property
    def postmortem_share(self) -> float | None:
        return self.postmortems_on_time / self.postmortems_due if self.postmortems_due else None


@dataclass(frozen=True)
class FailureRate:
    """Change failure rate of one period: releases a hotfix release followed, of all releases."""

    period: str
    releases: int
    failed: int

    @property
    def rate(self) -> float | None:
        return self.failed / self.releases if self.releases else None


@dataclass(frozen=True)
class Window:
    """Which hotfixes a report counts (restored from SINCE, before UNTIL), grouped by PERIOD,
    judged at NOW (what is overdue)."""

    now: datetime
    since: datetime | None = None
    until: datetime | None = None
    period: str = "month"

    def holds(self, moment: int) -> bool:
        return (self.since is None or moment >= self.since.timestamp()) and (
            self.until is None or moment < self.until.timestamp()
        )


@dataclass(frozen=True)
class Metrics:
    window: Window
    hotfixes: tuple[Hotfix, ...]
    overall: Group
    by_period: tuple[Group, ...]
    by_severity: tuple[Group, ...]
    failure_rates: tuple[FailureRate, ...]
    failure_rate_overall: FailureRate
    backport_lag: dict[str, Spread]
    backports_missing: dict[str, tuple[str, ...]]
    postmortems_overdue: tuple[str, ...]
    overrides: dict[str, tuple[str, ...]]  # rule -> reasons
    fallback_detection: int  # hotfixes whose detection is their first commit
    notes: tuple[str, ...] = field(default_factory=tuple)


def spread(values: Iterable[float], within: Sequence[bool | None] = ()) -> Spread:
    ordered = sorted(values)
    if not ordered:
        return Spread(0, None, None, None)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p90 = ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]
    judged = [verdict for verdict in within if verdict is not None]
    return Spread(len(ordered), median, p90, ordered[-1], sum(judged), len(judged))


def period_of(moment: int, period: str) -> str:
    when = datetime.fromtimestamp(moment, timezone.utc)
    if period == "year":
        return f"{when.year}"
    if period == "quarter":
        return f"{when.year}-Q{(when.month - 1) // 3 + 1}"
    return f"{when.year}-{when.month:02d}"


def response_seconds(hotfix: Hotfix) -> float | None:
    """Detection to the branch cut; not measured where detection is the first commit itself."""
    if hotfix.detected_from != "trailer":
        return None
    return max(0, hotfix.responded - hotfix.detected)


def restore_seconds(hotfix: Hotfix) -> float | None:
    return None if hotfix.restored is None else max(0, hotfix.restored - hotfix.detected)


def compute(
    hotfixes: Sequence[Hotfix],
    releases: Sequence[Release],
    window: Window,
    notes: tuple[str, ...] = (),
) -> Metrics:
    chosen = tuple(
        sorted(
            (h for h in hotfixes if window.holds(_when(h))),
            key=lambda h: (_when(h), h.repository, h.name),
        )
    )
    kept_rates = failure_rates(releases, window.period, lambda r: window.holds(r.tagged))
    overall_rate = FailureRate(
        "all", sum(rate.releases for rate in kept_rates), sum(rate.failed for rate in kept_rates)
    )
    moment = int(window.now.timestamp())
    return Metrics(
        window=window,
        hotfixes=chosen,
        overall=group("all", chosen, moment),
        by_period=tuple(
            group(key, members, moment)
            for key, members in _grouped(chosen, lambda h: period_of(_when(h), window.period))
        ),
        by_severity=tuple(
            group(key, members, moment)
            for key, members in _grouped(chosen, lambda h: h.severity or UNKNOWN_SEVERITY)
        ),
        failure_rates=kept_rates,
        failure_rate_overall=overall_rate,
        backport_lag=_backport_lag(chosen),
        backports_missing=_backports_missing(chosen),
        postmortems_overdue=tuple(
            h.name for h in chosen if postmortem_verdict(h, moment) == "overdue"
        ),
        overrides=_overrides(chosen),
        fallback_detection=sum(1 for h in chosen if h.detected_from != "trailer"),
        notes=notes,
    )


def group(key: str, members: Sequence[Hotfix], now: int) -> Group:
    responses = [(response_seconds(h), h) for h in members]
    restores = [(restore_seconds(h), h) for h in members]
    verdicts = [postmortem_verdict(h, now) for h in members]
    return Group(
        key=key,
        hotfixes=len(members),
        mitigations=dict(Counter(h.mitigation for h in members)),
        response=spread(
            [s for s, _ in responses if s is not None],
            [_within(s, h.respond_target) for s, h in responses if s is not None],
        ),
        restore=spread(
            [s for s, _ in restores if s is not None],
            [_within(s, h.restore_target) for s, h in restores if s is not None],
        ),
        postmortems_due=sum(1 for v in verdicts if v in ("on time", "late", "overdue")),
        postmortems_on_time=sum(1 for v in verdicts if v == "on time"),
        median_files=spread(h.files for h in members if h.restored is not None).median,
        median_lines=spread(h.lines for h in members if h.restored is not None).median,
    )


def postmortem_verdict(hotfix: Hotfix, now: int) -> str:
    """ "on time", "late" (written after it was due), "overdue" (due, none), "not due", "open"."""
    if hotfix.restored is None:
        return "open"
    due = hotfix.restored + hotfix.postmortem_due
    if hotfix.postmortem is not None:
        return "on time" if hotfix.postmortem.written <= due else "late"
    return "overdue" if now >= due else "not due"


def failure_rates(
    releases: Sequence[Release], period: str, counted: Callable[[Release], bool] = bool
) -> tuple[FailureRate, ...]:
    """Per period of the release: how many releases there were (of those COUNTED), and how many of
    them the next release on the same line (same major and minor) was a hotfix release after."""
    lines: dict[tuple[int, ...], list[Release]] = {}
    for release in sorted(releases, key=lambda r: (r.version, r.tagged)):
        lines.setdefault(release.version[:2], []).append(release)
    counts: dict[str, list[int]] = {}
    for line in lines.values():
        for release, following in zip(line, [*line[1:], None]):
            if not counted(release):
                continue
            tally = counts.setdefault(period_of(release.tagged, period), [0, 0])
            tally[0] += 1
            tally[1] += following is not None and following.hotfix
    return tuple(FailureRate(key, total, failed) for key, (total, failed) in sorted(counts.items()))


def failure_rate_band(rate: float | None) -> str | None:
    if rate is None:
        return None
    for limit, band in ((0.05, "elite"), (0.10, "high"), (0.15, "medium")):
        if rate <= limit:
            return band
    return "low"


def restore_band(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    for limit, band in ((3600, "elite"), (86400, "high"), (7 * 86400, "medium")):
        if seconds < limit:
            return band
    return "low"


def _when(hotfix: Hotfix) -> int:
    """When a hotfix counts: its restore, or its detection while it is open."""
    return hotfix.restored if hotfix.restored is not None else hotfix.detected


def _grouped(
    hotfixes: Sequence[Hotfix], key: Callable[[Hotfix], str]
) -> list[tuple[str, list[Hotfix]]]:
    groups: dict[str, list[Hotfix]] = {}
    for hotfix in hotfixes:
        groups.setdefault(key(hotfix), []).append(hotfix)
    order = {name: index for index, name in enumerate((*SEVERITIES, UNKNOWN_SEVERITY))}
    return sorted(groups.items(), key=lambda item: (order.get(item[0], -1), item[0]))


def _within(seconds: float, target: int | None) -> bool | None:
    return None if target is None else seconds <= target


def _backport_lag(hotfixes: Sequence[Hotfix]) -> dict[str, Spread]:
    lags: dict[str, list[float]] = {}
    for hotfix in hotfixes:
        for branch, arrived in hotfix.backports.items():
            lags.setdefault(branch, [])
            if arrived is not None and hotfix.restored is not None:
                lags[branch].append(max(0, arrived - hotfix.restored))
    return {branch: spread(values) for branch, values in lags.items()}


def _backports_missing(hotfixes: Sequence[Hotfix]) -> dict[str, tuple[str, ...]]:
    missing: dict[str, list[str]] = {}
    for hotfix in hotfixes:
        for branch, arrived in hotfix.backports.items():
            if arrived is None and hotfix.restored is not None:
                missing.setdefault(branch, []).append(hotfix.name)
    return {branch: tuple(names) for branch, names in missing.items()}


def _overrides(hotfixes: Sequence[Hotfix]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for hotfix in hotfixes:
        for rule, reason in hotfix.overrides:
            found.setdefault(rule, []).append(f"{hotfix.name}: {reason}")
    return {rule: tuple(reasons) for rule, reasons in sorted(found.items())}
