"""Overrides: the way out of a false block that leaves a record.

A hotfix commit's trailer `Hotfix-Guard-Override: <rule>[, <rule>]: <reason>`, or on the server a
push option `hotfix-guard.override=<rule>: <reason>`, turns those rules' errors into `overridden`
findings: still shown in every format and counted in the summary, no longer failing. An override
with no reason, a reason shorter than MIN_REASON_LENGTH or a rule name that does not exist is an
error of the `override` rule, which itself cannot be overridden.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from hotfix_guard.catalog import BY_NAME, RULE_NAMES
from hotfix_guard.report.findings import ERROR, OVERRIDDEN, WARNING, Finding, Report

OVERRIDE_RULE = "override"
MIN_REASON_LENGTH = 10
Source = Literal["commit", "message", "push"]
SOURCE_WORDS: dict[Source, str] = {
    "commit": "commit",
    "message": "the commit message being written",
    "push": "push option",
}
# One override as given: (value, source, origin, author, date).
OverrideValue = tuple[str, Source, str, "str | None", "str | None"]
FORMAT_HINT = "Hotfix-Guard-Override: <rule>[, <rule>]: <reason>"


class Override(NamedTuple):
    """One valid override: which rules, why, and where it was given."""

    rules: tuple[str, ...]
    reason: str
    source: Source
    origin: str  # the commit id, or what else carried it (a push, the message being written)
    author: str | None = None
    date: str | None = None

    @property
    def label(self) -> str:
        if self.source == "commit":
            return f"commit {self.origin[:12]}"
        return SOURCE_WORDS[self.source]


def overridable_rules() -> list[str]:
    return [name for name in RULE_NAMES if name != OVERRIDE_RULE]


def parse(
    value: str,
    source: Source,
    origin: str,
    author: str | None = None,
    date: str | None = None,
) -> Override | Finding:
    """An Override from `<rule>[, <rule>]: <reason>`, or the `override` error saying why not."""
    where = origin[:12] if source == "commit" else SOURCE_WORDS[source]
    names_text, colon, reason = value.partition(":")
    names = [name.strip() for name in names_text.split(",")]
    reason = reason.strip()

    def problem(text: str) -> Finding:
        return Finding(f"{value.strip()!r} {text}", ref=where, rule=OVERRIDE_RULE)

    if not colon or not all(names):
        return problem(f"is not `<rule>[, <rule>]: <reason>` (write {FORMAT_HINT})")
    unknown = [name for name in names if name not in overridable_rules()]
    if unknown:
        return problem(
            f"names {'an unknown rule' if len(unknown) == 1 else 'unknown rules'} "
            f"{', '.join(repr(name) for name in unknown)}; rules that can be overridden: "
            + ", ".join(overridable_rules())
        )
    visible = visible_length(reason)
    if not visible:
        return problem("gives no reason: say why the rule must not hold for this hotfix")
    if visible < MIN_REASON_LENGTH:
        return problem(
            f"gives too short a reason ({visible} visible characters, at least "
            f"{MIN_REASON_LENGTH}): "
            "say why the rule must not hold for this hotfix"
        )
    return Override(tuple(dict.fromkeys(names)), reason, source, origin, author, date)


# Characters that show nothing by themselves: combining marks, format characters (U+200B and
# other zero-width ones), controls, private use, unassigned.
INVISIBLE_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Cc", "Co", "Cs", "Cn"})


def visible_length(text: str) -> int:
    """Characters a reader sees: letters, digits, punctuation and symbols (a letter with its
    combining marks is one), and one per run of spaces between words."""
    import unicodedata

    words = [
        sum(unicodedata.category(char) not in INVISIBLE_CATEGORIES for char in word)
        for word in text.split()
    ]
    shown = [count for count in words if count]
    return sum(shown) + max(len(shown) - 1, 0)


def parse_all(
    values: Iterable[OverrideValue],
) -> tuple[list[Override], list[Finding]]:
    """Parse (value, source, origin, author, date) entries into valid overrides and problems."""
    overrides: list[Override] = []
    problems: list[Finding] = []
    for value, source, origin, author, date in values:
        parsed = parse(value, source, origin, author, date)
        if isinstance(parsed, Override):
            overrides.append(parsed)
        else:
            problems.append(parsed)
    return overrides, problems


def apply(report: Report, overrides: Sequence[Override], problems: Sequence[Finding]) -> Report:
    """REPORT with the overridden rules' errors let through and the bad overrides as errors."""
    by_rule: dict[str, Override] = {}
    for override in overrides:
        for rule in override.rules:
            by_rule.setdefault(rule, override)  # the newest override of a rule speaks for it
    findings = []
    for finding in report.findings:
        found = by_rule.get(finding.rule)
        if finding.severity == ERROR and found is not None:
            finding = finding._replace(severity=OVERRIDDEN, override=describe(found))
        findings.append(finding)
    if not problems and findings == list(report.findings):
        return report
    findings.extend(problems)
    return report._replace(findings=tuple(findings), hints=_hints(findings))


def _hints(findings: Sequence[Finding]) -> tuple[str, ...]:
    """The fix hints of the rules that still fail or warn, first failing rule first."""
    hints = [
        BY_NAME[f.rule].fix
        for f in findings
        if f.severity in (ERROR, WARNING) and f.rule in BY_NAME
    ]
    return tuple(dict.fromkeys(hints))


def describe(override: Override) -> str:
    """What an overridden finding says of its override: the reason and where it was given."""
    return f"{override.reason} ({override.label})"


def used(report: Report, overrides: Sequence[Override]) -> list[Override]:
    """The OVERRIDES that let at least one error of REPORT through."""
    applied = {(f.rule, f.override) for f in report.findings if f.severity == OVERRIDDEN}
    return [o for o in overrides if any((rule, describe(o)) in applied for rule in o.rules)]


# Rules a trailer can override but that the To-fix line does not suggest overriding: a failing
# test is fixed, not explained away; a branch is renamed, and one cut from the wrong place is cut
# again, each in one command.
NOT_SUGGESTED = ("tests", "branch-name", "branch-base")


def with_override_hint(report: Report) -> Report:
    """REPORT with a To-fix line naming `hotfix-guard override` for the rules whose remaining
    errors an override trailer could let through: the way out that leaves a record."""
    names = [
        name
        for name in dict.fromkeys(f.rule for f in report.errors)
        if name in overridable_rules() and name not in NOT_SUGGESTED
    ]
    if not names:
        return report
    hint = (
        f"if {', '.join(names)} must not hold for this hotfix, record why on the branch: "
        f"hotfix-guard override {','.join(names)} --reason '<why, 10 characters or more>'"
    )
    return report._replace(hints=(*report.hints, hint))
