"""CI output formats of a Report: GitHub workflow commands, SARIF 2.1.0 and GitLab Code Quality.

`text` and `json` live in findings.py. In every format a finding's rule name is its id, and an
overridden error stays visible: a notice on GitHub, a suppressed result in SARIF (with the
override's reason as the justification), an `info` issue for GitLab. Informational findings (a
file not counted, an exemption) are GitHub notices but stay out of SARIF and Code Quality, where
they would become alerts nobody can close.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hotfix_guard import __version__
from hotfix_guard.config.loader import Config
from hotfix_guard.report.findings import (
    ERROR,
    INFO,
    OVERRIDDEN,
    WARNING,
    Finding,
    Report,
    full_message,
    json_path,
    render_json,
    render_text,
    text_line,
)

FORMATS = ("text", "json", "github", "sarif", "gitlab")
# GitHub shows at most 10 annotations of each type per step; the rest are summarised in one.
GITHUB_ANNOTATIONS_PER_TYPE = 10
GITHUB_COMMAND = {ERROR: "error", WARNING: "warning", INFO: "notice", OVERRIDDEN: "notice"}
SARIF_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "note", OVERRIDDEN: "error"}
GITLAB_SEVERITY = {ERROR: "major", WARNING: "minor", INFO: "info", OVERRIDDEN: "info"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
HOME = "https://github.com/hotfix-guard/hotfix-guard"


def render(report: Report, output_format: str, rules: Sequence[RuleInfo], anchor: str) -> str:
    """REPORT in OUTPUT_FORMAT; ANCHOR is the file a finding without a path is shown at."""
    notes = "\n".join(report.notes)
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: render_text(report) if report.findings or not report.notes else notes,
        "json": lambda: render_json(report),
        "github": lambda: render_github(report),
        "sarif": lambda: render_sarif(report, rules, anchor),
        "gitlab": lambda: render_gitlab(report, anchor),
    }
    return renderers[output_format]()


def _problems(report: Report) -> list[Finding]:
    """Errors, warnings and overridden errors: what a code scanning tool should track."""
    return [finding for finding in report.findings if finding.severity != INFO]


# --- GitHub Actions workflow commands -------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding) -> str:
    properties = []
    if finding.path is not None:
        properties.append(f"file={_escape_property(json_path(finding.path))}")
        if finding.line is not None:
            properties.append(f"line={finding.line}")
    title = finding.rule if finding.severity != OVERRIDDEN else f"{finding.rule} (overridden)"
    properties.append(f"title={_escape_property(title)}")
    message = full_message(finding) if finding.path else text_line(finding)
    return f"::{GITHUB_COMMAND[finding.severity]} {','.join(properties)}::{_escape_data(message)}"


def github_log(text: str) -> str:
    """TEXT for a GitHub job log, where no line of it may act as a workflow command.

    GitHub reads any line that starts with `::` (after leading spaces) as a command, and a path
    or subject from git may start so (`::error file=...::forged`, `::stop-commands::x`, which
    would hide every real annotation after it). So TEXT is wrapped in `::stop-commands::TOKEN`
    and `::TOKEN::`: between them GitHub runs no command. TOKEN is a hash of TEXT, which TEXT
    cannot contain, so it cannot end the quiet part early; being derived, it is reproducible."""
    if not any(line.lstrip().startswith("::") for line in text.splitlines()):
        return text
    token = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"::stop-commands::{token}\n{text}\n::{token}::"


def render_github(report: Report) -> str:
    """The text report for the log, then one annotation per finding, at most 10 of each type:
    beyond that, 9 are shown and the 10th says how many more the log lists."""
    lines = [github_log(render_text(report))]
    by_command: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_command.setdefault(GITHUB_COMMAND[finding.severity], []).append(finding)
    for command, findings in by_command.items():
        if len(findings) <= GITHUB_ANNOTATIONS_PER_TYPE:
            lines.extend(github_annotation(f) for f in findings)
            continue
        shown = GITHUB_ANNOTATIONS_PER_TYPE - 1
        lines.extend(github_annotation(f) for f in findings[:shown])
        rest = findings[shown:]
        rules = ", ".join(dict.fromkeys(f.rule for f in rest))
        lines.append(
            f"::{command} title=hotfix-guard::{len(rest)} more {command}s ({rules}): "
            "GitHub shows 10 annotations of a type per step; the job log lists every finding"
        )
    return "\n".join(lines)


# --- SARIF 2.1.0 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    """What SARIF says about a rule: its id, summary, fix and configured level."""

    name: str
    summary: str
    fix: str
    level: str


def fingerprint(finding: Finding) -> str:
    """Stable across runs for the same problem: rule, place and message, not the line."""
    where = json_path(finding.path) if finding.path is not None else (finding.ref or "")
    return hashlib.sha256(f"{finding.rule}\0{where}\0{finding.message}".encode()).hexdigest()


def _location(finding: Finding, anchor: str) -> dict[str, Any]:
    from urllib.parse import quote

    # artifactLocation.uri is a URI reference: spaces, commas and non-ASCII are percent-encoded.
    path = json_path(finding.path) if finding.path is not None else anchor
    uri = quote(path.encode("utf-8", "surrogateescape"), safe="/")
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"}}
    if finding.path is not None and finding.line is not None:
        physical["region"] = {"startLine": finding.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.path is None and finding.ref:
        location["logicalLocations"] = [{"name": finding.ref, "kind": "module"}]
    return location


def sarif_document(report: Report, rules: Sequence[RuleInfo], anchor: str) -> dict[str, Any]:
    index = {rule.name: number for number, rule in enumerate(rules)}
    results = []
    for finding in _problems(report):
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [_location(finding, anchor)],
            "partialFingerprints": {"hotfixGuardFinding/v1": fingerprint(finding)},
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        if finding.severity == OVERRIDDEN:
            result["suppressions"] = [
                {"kind": "external", "status": "accepted", "justification": finding.override}
            ]
        results.append(result)
    driver = {
        "name": "hotfix-guard",
        "version": __version__,
        "informationUri": HOME,
        "rules": [
            {
                "id": rule.name,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": f"To fix: {rule.fix}", "markdown": f"**To fix:** {rule.fix}"},
                "defaultConfiguration": {"level": SARIF_RULE_LEVEL.get(rule.level, "error")},
            }
            for rule in rules
        ],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "automationDetails": {"id": "hotfix-guard/"},
                "results": results,
            }
        ],
    }


SARIF_RULE_LEVEL = {"error": "error", "warn": "warning", "off": "none"}


def render_sarif(report: Report, rules: Sequence[RuleInfo], anchor: str) -> str:
    return json.dumps(sarif_document(report, rules, anchor), indent=2, ensure_ascii=False)


# --- GitLab Code Quality --------------------------------------------------------------------


def gitlab_issues(report: Report, anchor: str) -> list[dict[str, Any]]:
    issues = []
    for finding in _problems(report):
        issues.append(
            {
                "description": full_message(finding),
                "check_name": finding.rule,
                "fingerprint": fingerprint(finding),
                "severity": GITLAB_SEVERITY[finding.severity],
                "location": {
                    "path": json_path(finding.path) if finding.path is not None else anchor,
                    "lines": {"begin": finding.line or 1},
                },
            }
        )
    return issues


def render_gitlab(report: Report, anchor: str) -> str:
    return json.dumps(gitlab_issues(report, anchor), indent=2, ensure_ascii=False)


def rule_infos(config: Config) -> list[RuleInfo]:
    """Every registered rule as SARIF describes it, with its configured level."""
    from hotfix_guard.catalog import RULES

    return [RuleInfo(rule.name, rule.summary, rule.fix, config.level(rule.name)) for rule in RULES]
