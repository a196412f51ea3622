"""Load and validate `.hotfix-guard.toml` or `[tool.hotfix-guard]` into a frozen Config.

Kept free of heavy imports: the fast path of every commit on a non-hotfix branch loads it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotfix_guard.errors import UsageError
from hotfix_guard.globs import GlobError, translate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on old Pythons only
    import tomli as tomllib

CONFIG_FILE = ".hotfix-guard.toml"
LEVELS = ("error", "warn", "off")

# Every rule name users can set, with its default level. The rule registry must cover exactly these.
RULE_LEVEL_DEFAULTS: dict[str, str] = {
    "branch-name": "error",
    "branch-base": "error",
    "diff-size": "error",
    "rename": "error",
    "whitespace": "error",
    "identifier-rename": "error",
    "moved-code": "error",
    "tests": "error",
    "tag-format": "error",
    "tag-annotated": "error",
    "tag-message": "error",
    "tag-version": "error",
    "tag-target": "error",
    "backport": "warn",
}

DEFAULT_BRANCH_NAME_REGEX = r"hotfix/(?:[A-Z][A-Z0-9]*-[0-9]+|[a-z0-9]+)(?:[-.][a-z0-9]+)*"

LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "bun.lockb",
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "Pipfile.lock",
    "Cargo.lock",
    "go.sum",
    "composer.lock",
    "Gemfile.lock",
)
DEFAULT_EXCLUDE = (
    *LOCKFILES,
    "*.min.js",
    "*.min.mjs",
    "*.min.css",
    "*.js.map",
    "*.css.map",
    "vendor/",
    "third_party/",
    "third-party/",
    "node_modules/",
)
DEFAULT_TEST_PATHS = (
    # Python
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "tests/",
    "test/",
    # JavaScript / TypeScript
    "*.{test,spec}.{js,jsx,ts,tsx,mjs,cjs,mts,cts}",
    "__tests__/",
    "__snapshots__/",
    "__mocks__/",
    # Go
    "*_test.go",
    "testdata/",
    # Java / Kotlin
    "src/test/",
    "src/androidTest/",
    "*{Test,Tests,IT}.{java,kt}",
    # PHP
    "*Test.php",
    # Ruby
    "spec/",
    "*_spec.rb",
    "*_test.rb",
)


@dataclass(frozen=True)
class Config:
    """The validated settings; every field has the documented default."""

    source: str | None = None
    main_branch: str | None = None
    branch_patterns: tuple[str, ...] = ("hotfix/*",)
    branch_name_regex: str = DEFAULT_BRANCH_NAME_REGEX
    max_files: int = 20
    max_lines: int = 400
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    test_commands: tuple[str, ...] = ()
    test_timeout: int = 1800
    tag_format: str = "v{major}.{minor}.{patch}"
    tag_message_prefix: str = "Hotfix: "
    backport_branches: tuple[str, ...] = ("develop",)
    # no-refactor noise rules (issue 3)
    identifier_rename_min_lines: int = 3
    moved_code_min_lines: int = 5
    # Whitespace-only changes of at most this many changed lines in a file the fix touches warn
    # (benchmarks/calibration.md: the candidates measured on real hotfixes and refactors).
    whitespace_warn_lines: int = 2
    rules: Mapping[str, str] = field(default_factory=lambda: dict(RULE_LEVEL_DEFAULTS))

    def level(self, rule: str) -> str:
        return self.rules[rule]

    def is_hotfix_branch(self, branch: str) -> bool:
        return matches_branch_patterns(branch, self.branch_patterns)


def matches_branch_patterns(branch: str, patterns: tuple[str, ...]) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(branch, pattern) for pattern in patterns)


# --- validation -------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, expected: str) -> None:
        self.expected = expected


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _Invalid("a non-empty string")
    return value


def _string_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _Invalid("a list of non-empty strings")
    return tuple(value)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid("a positive integer")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid("a non-negative integer")
    return value


def _regex(value: Any) -> str:
    text = _string(value)
    try:
        re.compile(text)
    except re.error as error:
        raise _Invalid(f"a valid regular expression ({error})") from None
    return text


def _globs(value: Any) -> tuple[str, ...]:
    patterns = _string_list(value)
    for pattern in patterns:
        try:
            translate(pattern)
        except GlobError as error:
            raise _Invalid(f"a list of globs ({pattern!r}: {error})") from None
    return patterns


def _tag_format(value: Any) -> str:
    text = _string(value)
    fields = re.findall(r"\{(\w*)\}", text)
    if fields not in (["major", "minor", "patch"], ["major", "minor", "patch", "build"]):
        raise _Invalid(
            "a pattern with {major}, {minor}, {patch} (and optionally {build}) in that order"
        )
    return text


def _prefix(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("a string")
    return value


# key -> (Config field, validator). `extend-*` keys add to the defaults instead of replacing them.
_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "main-branch": ("main_branch", _string),
    "branch-patterns": ("branch_patterns", _string_list),
    "branch-name-regex": ("branch_name_regex", _regex),
    "max-files": ("max_files", _positive_int),
    "max-lines": ("max_lines", _positive_int),
    "exclude": ("exclude", _globs),
    "extend-exclude": ("exclude", _globs),
    "test-paths": ("test_paths", _globs),
    "extend-test-paths": ("test_paths", _globs),
    "test-commands": ("test_commands", _string_list),
    "test-timeout": ("test_timeout", _positive_int),
    "tag-format": ("tag_format", _tag_format),
    "tag-message-prefix": ("tag_message_prefix", _prefix),
    "backport-branches": ("backport_branches", _string_list),
    "identifier-rename-min-lines": ("identifier_rename_min_lines", _positive_int),
    "moved-code-min-lines": ("moved_code_min_lines", _positive_int),
    "whitespace-warn-lines": ("whitespace_warn_lines", _count),
}
KNOWN_KEYS = (*_KEYS, "rules")


def _did_you_mean(word: str, choices: Any) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(word.replace("_", "-"), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse(table: Mapping[str, Any], source: str, table_name: str) -> Config:
    """Validate one settings table; raise UsageError naming the file, key, value and expectation."""
    defaults = Config()
    values: dict[str, Any] = {"source": source}
    # Plain keys first, so that `extend-exclude` adds to a replaced `exclude` whatever the order.
    for key, value in sorted(table.items(), key=lambda item: item[0].startswith("extend-")):
        if key == "rules":
            values["rules"] = _parse_rules(value, source, table_name)
            continue
        if key not in _KEYS:
            raise UsageError(
                f"{source}: unknown key {key!r} in {table_name}{_did_you_mean(key, KNOWN_KEYS)}; "
                f"known keys: {', '.join(KNOWN_KEYS)}"
            )
        attribute, validate = _KEYS[key]
        try:
            parsed = validate(value)
        except _Invalid as invalid:
            raise UsageError(
                f"{source}: {key} = {value!r} is invalid: expected {invalid.expected}"
            ) from None
        if key.startswith("extend-"):
            base = values.get(attribute, getattr(defaults, attribute))
            parsed = (*base, *parsed)
        values[attribute] = parsed
    return Config(**values)


def _parse_rules(value: Any, source: str, table_name: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise UsageError(
            f"{source}: rules = {value!r} is invalid: expected a table {_rules_table(table_name)}"
        )
    levels = dict(RULE_LEVEL_DEFAULTS)
    for rule, level in value.items():
        if rule not in RULE_LEVEL_DEFAULTS:
            raise UsageError(
                f"{source}: unknown rule {rule!r} in {_rules_table(table_name)}"
                f"{_did_you_mean(rule, RULE_LEVEL_DEFAULTS)}; "
                f"known rules: {', '.join(RULE_LEVEL_DEFAULTS)}"
            )
        if level not in LEVELS:
            raise UsageError(
                f"{source}: rules.{rule} = {level!r} is invalid: expected one of "
                + ", ".join(repr(lv) for lv in LEVELS)
            )
        levels[rule] = level
    return levels


def _rules_table(table_name: str) -> str:
    return "[rules]" if table_name == CONFIG_FILE else f"[{table_name.strip('[]')}.rules]"


def load(root: Path) -> Config:
    """The configuration at `root`: .hotfix-guard.toml wins over pyproject.toml."""
    dedicated = root / CONFIG_FILE
    if dedicated.is_file():
        return parse(_read_toml(dedicated), CONFIG_FILE, CONFIG_FILE)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {})
        table = tool.get("hotfix-guard") if isinstance(tool, dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise UsageError("pyproject.toml: tool.hotfix-guard must be a table")
            return parse(table, "pyproject.toml", "[tool.hotfix-guard]")
    return Config()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path.name}: not valid TOML: {error}") from None
    except OSError as error:
        raise UsageError(f"{path.name}: cannot be read: {error.strerror}") from None
