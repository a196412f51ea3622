"""Run the enabled rules on one context and collect a Report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from hotfix_guard.config import Config
from hotfix_guard.report import ERROR, INFO, WARNING, Finding, Report, Severity
from hotfix_guard.rules import RULES, Rule

SEVERITY_OF_LEVEL: dict[str, Severity] = {"error": ERROR, "warn": WARNING}


class RuleContext(Protocol):
    """What the runner needs of a context (Context, releases.TagContext)."""

    @property
    def config(self) -> Config: ...


def selected_rules(ctx: RuleContext, names: Iterable[str] | None, subject: str) -> list[Rule[Any]]:
    """The rules about SUBJECT that are not off, limited to NAMES when given."""
    wanted = set(names) if names else None
    return [
        rule
        for rule in RULES
        if rule.subject == subject
        and (wanted is None or rule.name in wanted)
        and ctx.config.level(rule.name) != "off"
    ]


def run_rules(ctx: RuleContext, rules: Iterable[Rule[Any]], subject: str) -> Report:
    findings: list[Finding] = []
    hints: list[str] = []
    for rule in rules:
        severity = SEVERITY_OF_LEVEL[ctx.config.level(rule.name)]
        # The level sets how serious a problem is; a reminder (WARNING) or a fact (INFO) stays so.
        found = [f.with_severity(severity) if f.severity == ERROR else f for f in rule.check(ctx)]
        if any(f.severity != INFO for f in found):
            hints.append(rule.fix)
        findings.extend(found)
    return Report(subject=subject, findings=tuple(findings), hints=tuple(hints))
