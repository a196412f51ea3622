"""Run the enabled rules on one context and collect a Report."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from hotfix_guard.catalog import RULES, Rule, Subject, load_check
from hotfix_guard.config.loader import Config
from hotfix_guard.report.findings import ERROR, INFO, WARNING, Finding, Report, Severity

SEVERITY_OF_LEVEL: dict[str, Severity] = {"error": ERROR, "warn": WARNING}


class RuleContext(Protocol):
    """What the runner needs of a context (Context, releases.TagContext)."""

    @property
    def config(self) -> Config: ...


def selected_rules(ctx: RuleContext, names: Iterable[str] | None, subject: Subject) -> list[Rule]:
    """The rules about SUBJECT that are not off, limited to NAMES when given."""
    wanted = set(names) if names else None
    return [
        rule
        for rule in RULES
        if rule.subject == subject
        and (wanted is None or rule.name in wanted)
        and ctx.config.level(rule.name) != "off"
    ]


def run_rules(ctx: Any, rules: Iterable[Rule], subject: str) -> Report:
    """Each rule's findings, stamped with its name and the configured level, and its fix hint."""
    findings: list[Finding] = []
    hints: list[str] = []
    for rule in rules:
        severity = SEVERITY_OF_LEVEL[ctx.config.level(rule.name)]
        found = [_stamped(finding, rule.name, severity) for finding in load_check(rule)(ctx)]
        problems = [f for f in found if f.severity != INFO]
        if problems:
            # One line per rule: the concrete step its findings carry, else the catalog's hint.
            concrete = list(dict.fromkeys(f.fix for f in problems if f.fix))
            hints.append(f"{rule.name}: {' && '.join(concrete) if concrete else rule.fix}")
        findings.extend(found)
    return Report(subject=subject, findings=tuple(findings), hints=tuple(hints))


def _stamped(finding: Finding, rule: str, severity: Severity) -> Finding:
    # The level sets how serious a problem is; a reminder (WARNING) or a fact (INFO) stays so.
    return finding._replace(
        rule=rule, severity=severity if finding.severity == ERROR else finding.severity
    )
