"""Load and validate `.hotfix-guard.toml` or `[tool.hotfix-guard]` into a frozen Config.

Kept free of heavy imports: the fast path of every commit on a non-hotfix branch loads it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from hotfix_guard.catalog import DEFAULT_LEVELS, LEVELS, OPTIONS, Level
from hotfix_guard.config.defaults import (
    DEFAULT_BRANCH_NAME_REGEX,
    DEFAULT_BRANCH_PATTERNS,
    DEFAULT_EXCLUDE,
    DEFAULT_TEST_PATHS,
    RESPONSE_MINUTES,
)
from hotfix_guard.config.values import (
    OPTION_KINDS,
    Invalid,
    duration,
    globs,
    positive_int,
    prefix,
    regex,
    relative_dir,
    relative_file,
    status_templates,
    status_wording,
    string,
    string_list,
    tag_format,
    test_commands,
    timeout,
    version_files,
)
from hotfix_guard.errors import UsageError

if TYPE_CHECKING:
    from hotfix_guard.git.repository import Repository

CONFIG_FILE = ".hotfix-guard.toml"

SEVERITIES = ("P0", "P1", "P2", "P3")


class SeverityPolicy(NamedTuple):
    """A `[severity.Px]` table: the targets of the two clocks (detection to the first response,
    detection to the hotfix tag), and limits that replace the global ones."""

    respond_within: timedelta | None  # None: no response target
    restore_within: timedelta | None = None  # None: no restore target
    max_files: int | None = None
    max_lines: int | None = None


# The runbook's response times (config/defaults.py SEVERITY_TABLE); no restore target by default.
SEVERITY_DEFAULTS = {
    level: SeverityPolicy(timedelta(minutes=minutes)) for level, minutes in RESPONSE_MINUTES.items()
}


# Read-only views: one default shared by every Config() must not be changed through one of them.
DEFAULT_OPTIONS = MappingProxyType({key: option.default for key, option in OPTIONS.items()})


class Config(NamedTuple):
    """The validated settings; every field has the documented default."""

    source: str | None = None
    main_branch: str | None = None
    branch_patterns: tuple[str, ...] = DEFAULT_BRANCH_PATTERNS
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
    postmortem_dir: str = "docs/postmortems"
    postmortem_due: timedelta = timedelta(hours=48)
    feature_flag_paths: tuple[str, ...] = ()  # the flag files a feature-flag mitigation may change
    postmortem_template: str | None = None  # a file of the repository replacing the runbook's
    # The files that state the version (`path` or `path:key`); None: detect the common ones.
    version_files: tuple[str, ...] | None = None
    # A Keep a Changelog file finish adds the hotfix's entry to (versions/changelog.py).
    changelog: str | None = None
    # status-message templates by state, overriding the Statuspage wording (incident/status_message)
    status_templates: Mapping[str, str] = MappingProxyType({})
    status_wording: str = "runbook"  # or "statuspage"
    # The options the catalog gives rules (`moved-code-min-lines`), by config key.
    options: Mapping[str, Any] = DEFAULT_OPTIONS
    severity: Mapping[str, SeverityPolicy] = MappingProxyType(SEVERITY_DEFAULTS)
    rules: Mapping[str, Level] = MappingProxyType(DEFAULT_LEVELS)

    def level(self, rule: str) -> Level:
        return self.rules[rule]

    def option(self, key: str) -> Any:
        """The value of a rule's option (a key of catalog.OPTIONS)."""
        return self.options[key]

    def limits(self, severity: str | None) -> tuple[int, int]:
        """(max-files, max-lines) for a hotfix of SEVERITY: its table's, else the global ones."""
        policy = self.severity.get(severity) if severity else None
        return (
            policy.max_files if policy and policy.max_files else self.max_files,
            policy.max_lines if policy and policy.max_lines else self.max_lines,
        )

    def tightest_limits(self) -> tuple[int, int]:
        """The smallest (max-files, max-lines) of the global limits and every severity's."""
        limits = [self.limits(severity) for severity in self.severity]
        return min(files for files, _ in limits), min(lines for _, lines in limits)

    def is_hotfix_branch(self, branch: str) -> bool:
        return matches_branch_patterns(branch, self.branch_patterns)

    def case_only_pattern(self, branch: str) -> str | None:
        """The branch-patterns entry BRANCH matches only when case is ignored (`Hotfix/x` and
        `hotfix/*`), else None: git refs are case-sensitive, so it is no hotfix branch, though
        it was meant to be one (the branch-name rule says so: rules/branch.py)."""
        from fnmatch import fnmatchcase

        if self.is_hotfix_branch(branch):
            return None
        folded = branch.casefold()
        return next((p for p in self.branch_patterns if fnmatchcase(folded, p.casefold())), None)


def matches_branch_patterns(branch: str, patterns: tuple[str, ...]) -> bool:
    from fnmatch import fnmatchcase

    return any(fnmatchcase(branch, pattern) for pattern in patterns)


# key -> (Config field, validator). `extend-*` keys add to the defaults instead of replacing them.
_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "main-branch": ("main_branch", string),
    "branch-patterns": ("branch_patterns", string_list),
    "branch-name-regex": ("branch_name_regex", regex),
    "max-files": ("max_files", positive_int),
    "max-lines": ("max_lines", positive_int),
    "exclude": ("exclude", globs),
    "extend-exclude": ("exclude", globs),
    "test-paths": ("test_paths", globs),
    "extend-test-paths": ("test_paths", globs),
    "test-commands": ("test_commands", test_commands),
    "test-timeout": ("test_timeout", timeout),
    "tag-format": ("tag_format", tag_format),
    "tag-message-prefix": ("tag_message_prefix", prefix),
    "backport-branches": ("backport_branches", string_list),
    "postmortem-dir": ("postmortem_dir", relative_dir),
    "postmortem-due": ("postmortem_due", duration),
    "postmortem-template": ("postmortem_template", relative_file),
    "feature-flag-paths": ("feature_flag_paths", globs),
    "status-message": ("status_templates", status_templates),
    "status-wording": ("status_wording", status_wording),
    "version-files": ("version_files", version_files),
    "changelog": ("changelog", relative_file),
}
# Keys of a `[severity.Px]` table.
_SEVERITY_KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "respond-within": ("respond_within", duration),
    "restore-within": ("restore_within", duration),
    "max-files": ("max_files", positive_int),
    "max-lines": ("max_lines", positive_int),
}
KNOWN_KEYS = (*_KEYS, *OPTIONS, "rules", "severity")


def _did_you_mean(word: str, choices: Any) -> str:
    import difflib  # only on the error path

    close = difflib.get_close_matches(word.replace("_", "-"), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown(
    source: str, what: str, word: str, where: str, known: Any, plural: str = ""
) -> UsageError:
    return UsageError(
        f"{source}: unknown {what} {word!r} in {where}{_did_you_mean(word, known)}; "
        f"known {plural or what + 's'}: {', '.join(known)}"
    )


def _validated(source: str, key: str, value: Any, validate: Callable[[Any], Any]) -> Any:
    try:
        return validate(value)
    except Invalid as invalid:
        raise UsageError(
            f"{source}: {key} = {value!r} is invalid: expected {invalid.expected}"
        ) from None


def parse(table: Mapping[str, Any], source: str, table_name: str) -> Config:
    """Validate one settings table; raise UsageError naming the file, key, value and expectation."""
    defaults = Config()
    values: dict[str, Any] = {"source": source}
    options = dict(defaults.options)
    # Plain keys first, so that `extend-exclude` adds to a replaced `exclude` whatever the order.
    for key, value in sorted(table.items(), key=lambda item: item[0].startswith("extend-")):
        if key == "rules":
            values["rules"] = _parse_rules(value, source, table_name)
        elif key == "severity":
            values["severity"] = _parse_severity(value, source, table_name)
        elif key in OPTIONS:
            options[key] = _validated(source, key, value, OPTION_KINDS[OPTIONS[key].kind])
        elif key in _KEYS:
            attribute, validate = _KEYS[key]
            parsed = _validated(source, key, value, validate)
            if key.startswith("extend-"):
                parsed = (*values.get(attribute, getattr(defaults, attribute)), *parsed)
            values[attribute] = parsed
        else:
            raise _unknown(source, "key", key, table_name, KNOWN_KEYS)
    return Config(**values, options=options)


def _parse_rules(value: Any, source: str, table_name: str) -> dict[str, Level]:
    where = _subtable(table_name, "rules")
    if not isinstance(value, Mapping):
        raise UsageError(f"{source}: rules = {value!r} is invalid: expected a table {where}")
    levels = dict(DEFAULT_LEVELS)
    for rule, level in value.items():
        if rule not in DEFAULT_LEVELS:
            raise _unknown(source, "rule", rule, where, DEFAULT_LEVELS)
        if level not in LEVELS:
            raise UsageError(
                f"{source}: rules.{rule} = {level!r} is invalid: expected one of "
                + ", ".join(repr(lv) for lv in LEVELS)
            )
        levels[rule] = level
    return levels


def _parse_severity(value: Any, source: str, table_name: str) -> dict[str, SeverityPolicy]:
    """`[severity.P1]` tables: each replaces the defaults of that severity key by key."""
    where = _subtable(table_name, "severity")
    if not isinstance(value, Mapping):
        raise UsageError(
            f"{source}: severity = {value!r} is invalid: expected tables {where}.P0..P3"
        )
    policies = dict(SEVERITY_DEFAULTS)
    for name, settings in value.items():
        if name not in SEVERITIES:
            raise _unknown(source, "severity", name, where, SEVERITIES, "severities")
        if not isinstance(settings, Mapping):
            raise UsageError(
                f"{source}: severity.{name} = {settings!r} is invalid: expected a table"
            )
        fields: dict[str, Any] = {}
        for key, setting in settings.items():
            if key not in _SEVERITY_KEYS:
                where_key = _subtable(table_name, f"severity.{name}")
                raise _unknown(source, "key", key, where_key, _SEVERITY_KEYS)
            attribute, validate = _SEVERITY_KEYS[key]
            fields[attribute] = _validated(source, f"severity.{name}.{key}", setting, validate)
        policies[name] = policies[name]._replace(**fields)
    return policies


def _subtable(table_name: str, name: str) -> str:
    return f"[{name}]" if table_name == CONFIG_FILE else f"[{table_name.strip('[]')}.{name}]"


def load(root: Path, remember_in: str | None = None) -> Config:
    """The configuration of the work tree at ROOT: .hotfix-guard.toml wins over pyproject.toml.

    With REMEMBER_IN (the git dir), the parsed TOML is kept there for the next commit
    (config/remembered.py)."""

    def read(name: str) -> bytes | None:
        path = root / name
        if not path.exists():
            return None
        if not path.is_file() and not path.is_dir():
            # A FIFO or /dev/zero (through a symlink) would never end: never read it.
            raise UsageError(f"{name}: not a regular file: make it one")
        try:
            return path.read_bytes()
        except OSError as error:
            raise UsageError(f"{name}: cannot be read: {error.strerror}") from None

    return from_files(read, remember_in)


def load_at(repo: Repository, rev: str) -> Config:
    """The configuration committed at REV (a push or CI judges a commit, not a work tree)."""
    files = repo.files_at(rev, (CONFIG_FILE, "pyproject.toml"))
    # A clone remembers the parsed TOML (the bytes are the key, so what judges is unchanged); a
    # server's bare repository is not written to.
    remember_in = None if repo.root == repo.git_dir else os.fspath(repo.git_dir)
    return from_files(files.get, remember_in)


def from_files(read: Callable[[str], bytes | None], remember_in: str | None = None) -> Config:
    """The configuration from whichever config file READ finds (None: no such file)."""
    dedicated = read(CONFIG_FILE)
    if dedicated is not None:
        return parse(_parse_toml(dedicated, CONFIG_FILE, remember_in), CONFIG_FILE, CONFIG_FILE)
    pyproject = read("pyproject.toml")
    if pyproject is not None:
        tool = _parse_toml(pyproject, "pyproject.toml", remember_in).get("tool", {})
        table = tool.get("hotfix-guard") if isinstance(tool, dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise UsageError("pyproject.toml: tool.hotfix-guard must be a table")
            return parse(table, "pyproject.toml", "[tool.hotfix-guard]")
    return Config()


def _parse_toml(data: bytes, name: str, remember_in: str | None = None) -> dict[str, Any]:
    if remember_in is not None:
        from hotfix_guard.config import remembered

        table = remembered.parsed_toml(remember_in, name, data)
        if table is None:
            table = _parse_toml(data, name)
            remembered.remember_toml(remember_in, name, data, table)
        return table
    # Imported here, not at the top: a remembered table needs no parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on old Pythons only
        import tomli as tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{name}: not valid UTF-8 (byte {error.start}): save it as UTF-8"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{name}: not valid TOML: {error}") from None
