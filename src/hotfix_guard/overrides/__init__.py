"""Overrides: trailers.py reads them and applies them to a report, log.py keeps the server's record
of them, history.py answers `overrides`. The package's public face is below."""

from hotfix_guard.overrides.trailers import (
    FORMAT_HINT,
    MIN_REASON_LENGTH,
    OVERRIDE_RULE,
    SOURCE_WORDS,
    Override,
    OverrideValue,
    Source,
    apply,
    describe,
    overridable_rules,
    parse,
    parse_all,
    used,
)

__all__ = [
    "FORMAT_HINT",
    "MIN_REASON_LENGTH",
    "OVERRIDE_RULE",
    "SOURCE_WORDS",
    "Override",
    "OverrideValue",
    "Source",
    "apply",
    "describe",
    "overridable_rules",
    "parse",
    "parse_all",
    "used",
]
