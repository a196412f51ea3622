"""Findings and how they are shown: one line per finding, a summary, a hint; or one JSON object."""

from __future__ import annotations

import os
from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning", "info", "overridden"]
ERROR: Severity = "error"
WARNING: Severity = "warning"
# A fact worth showing (a file that does not count, an exemption) that never fails a check.
INFO: Severity = "info"
# An error a Hotfix-Guard-Override trailer or push option let through: shown, counted, not failing.
OVERRIDDEN: Severity = "overridden"


class Finding(NamedTuple):
    """One problem a rule found. The runner stamps `rule` with the name of the rule that found it
    and sets `severity` from the configured level; findings made outside a rule name it."""

    message: str
    path: str | None = None
    line: int | None = None
    ref: str | None = None
    severity: Severity = ERROR
    rule: str = ""
    # A command or step with the values the rule knows (paths, names, commits), safe to paste;
    # None: the catalog's general hint for the rule.
    fix: str | None = None
    # Why an overridden error was let through: the override's reason and where it came from.
    override: str | None = None

    @property
    def where(self) -> str:
        if self.path is not None:
            shown = display_path(self.path)
            return f"{shown}:{self.line}" if self.line is not None else shown
        return self.ref or "repository"


class Report(NamedTuple):
    """What one run checked and found."""

    subject: str
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    # What a clean pass says instead of the counts: what was checked, so silence is not a doubt.
    summary: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def overridden(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == OVERRIDDEN]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def shell_word(text: str) -> str:
    """TEXT as one shell word, safe to paste: as it is when it is plain (non-ASCII letters too),
    else quoted. Every value from git (a branch, a tag, a path) goes through this in a hint."""
    import re
    import shlex

    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else shlex.quote(text)


def short_line(text: str, limit: int = 120) -> str:
    """TEXT (a commit subject) as one short line: a 5 MB subject, a U+2028 or a terminal escape
    in it must not flood the report, split it into fake lines or drive the terminal."""
    flat = " ".join(text.split())
    if not flat.isprintable():  # a terminal escape in a subject must not reach the terminal
        flat = "".join(char if char.isprintable() else _escape(char) for char in flat)
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def display_path(path: str) -> str:
    """A path as one printable line: quoted with C escapes (as git does) when it needs it."""
    if path.isprintable():
        return path
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    escaped = "".join(
        char if char.isprintable() and char != '"' else _escape(char) for char in text
    )
    return f'"{escaped}"'


def printable(text: str) -> str:
    """TEXT with every character a terminal would act on (ESC and the CSI and OSC sequences it
    starts, other controls, bidi overrides) shown as an escape instead: safe to print."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char == " " else _escape(char) for char in text)


def _escape(char: str) -> str:
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"'}
    return named.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(report: Report) -> str:
    # Problems first, then the informational lines (files not counted, exemptions).
    ordered = sorted(report.findings, key=lambda f: f.severity == INFO)
    lines = [text_line(f) for f in ordered]
    lines.extend(report.notes)
    errors, warnings, overridden = len(report.errors), len(report.warnings), len(report.overridden)
    if errors:
        verdict = "failed"
    elif warnings:
        verdict = "passed with warnings"
    else:
        verdict = "passed"
    counted = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if overridden:
        counted += f", {overridden} overridden"
    if report.summary and not (errors or warnings or overridden):
        lines.append(report.summary)
    else:
        lines.append(f"hotfix-guard {verdict}: {counted} ({report.subject})")
    if errors or warnings:
        lines.extend(f"To fix: {hint}" for hint in report.hints)
    return "\n".join(lines)


def with_fix(findings: list[Finding], fix: str) -> list[Finding]:
    """FINDINGS with FIX on those that are problems (a fact needs no fixing)."""
    return [f if f.severity == INFO else f._replace(fix=fix) for f in findings]


def text_line(finding: Finding) -> str:
    """`<where>: <rule>: <message>`, an overridden error saying so and why."""
    return f"{finding.where}: {finding.rule}: {full_message(finding)}"


def full_message(finding: Finding) -> str:
    """The message, and for an overridden error the override's reason and origin."""
    if finding.severity == OVERRIDDEN:
        return f"{finding.message} [overridden: {finding.override}]"
    return finding.message


def to_json(report: Report) -> dict[str, Any]:
    findings = []
    for finding in report.findings:
        entry: dict[str, Any] = {
            "rule": finding.rule,
            "severity": finding.severity,
            "message": finding.message,
            "path": None if finding.path is None else json_path(finding.path),
            "line": finding.line,
            "ref": finding.ref,
        }
        if finding.override is not None:  # only overridden findings carry it
            entry["override"] = finding.override
        findings.append(entry)
    return {
        "ok": report.ok,
        "subject": report.subject,
        "summary": {
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "overridden": len(report.overridden),
        },
        "findings": findings,
        "notes": list(report.notes),
    }


def json_path(path: str) -> str:
    """A path from git as JSON can carry it: bytes that are not UTF-8 as backslash escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def render_json(report: Report) -> str:
    import json  # only --format json needs it; every commit's check does not

    return json.dumps(to_json(report), indent=2, ensure_ascii=False)
