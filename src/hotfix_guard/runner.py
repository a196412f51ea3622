"""Run the enabled rules on one context and collect a Report."""

from __future__ import annotations

from collections.abc import Iterable

from hotfix_guard.context import Context
from hotfix_guard.report import ERROR, INFO, WARNING, Finding, Report
from hotfix_guard.rules import RULES, Rule

SEVERITY_OF_LEVEL = {"error": ERROR, "warn": WARNING}


def selected_rules(ctx: Context, names: Iterable[str] | None, subject: str) -> list[Rule]:
    """The rules about SUBJECT that are not off, limited to NAMES when given."""
    wanted = set(names) if names else None
    return [
        rule
        for rule in RULES
        if rule.subject == subject
        and (wanted is None or rule.name in wanted)
        and ctx.config.level(rule.name) != "off"
    ]


def run_rules(ctx: Context, rules: Iterable[Rule], subject: str) -> Report:
    findings: list[Finding] = []
    hints: list[str] = []
    for rule in rules:
        severity = SEVERITY_OF_LEVEL[ctx.config.level(rule.name)]
        found = [f if f.severity == INFO else f.with_severity(severity) for f in rule.check(ctx)]
        if any(f.severity != INFO for f in found):
            hints.append(rule.fix)
        findings.extend(found)
    # Says so when the change was too big for every detail to be looked at (issue 6).
    findings.extend(ctx.analysis_findings())
    return Report(subject=subject, findings=tuple(findings), hints=tuple(hints))
