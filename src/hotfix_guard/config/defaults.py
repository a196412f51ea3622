"""The defaults of the path settings: lockfiles and generated trees not counted, test layouts of
the common languages, and the branch name a hotfix should have."""

from __future__ import annotations

from collections.abc import Callable

DEFAULT_BRANCH_PATTERNS = ("hotfix/*",)

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

# The runbook's severity table: impact, response time and examples of each level. The response
# times are the default `respond-within` of each `[severity.Px]` table; "immediate" is taken as
# 15 minutes (IMMEDIATE): long enough to be paged, open a laptop and cut the branch, short enough
# that a P0 is never measured against the P1 hour.
IMMEDIATE_MINUTES = 15
SEVERITY_TABLE: dict[str, tuple[str, str, str]] = {
    "P0": ("system down", "immediate", "complete outage, data loss"),
    "P1": ("major feature broken", "< 1 hour", "auth broken, payments failing"),
    "P2": ("feature degraded", "< 4 hours", "slow performance, partial outage"),
    "P3": ("minor issue", "< 24 hours", "UI bug, non-critical error"),
}
RESPONSE_MINUTES = {"P0": IMMEDIATE_MINUTES, "P1": 60, "P2": 4 * 60, "P3": 24 * 60}


def severity_help() -> str:
    """`P0 system down (complete outage, data loss), P1 ...`: the table in one line."""
    return "; ".join(
        f"{level} {impact} ({examples})" for level, (impact, _, examples) in SEVERITY_TABLE.items()
    )


def main_name(
    configured: str | None, has_branch: Callable[[str], bool], remote_head: Callable[[], str | None]
) -> str | None:
    """What main is, the one rule both the full path (scope.find_main) and the fast path follow:
    the configured main-branch if it exists; else main, else master; else (nothing configured)
    the branch the remote's HEAD names. None: no main branch.

    HAS_BRANCH tells whether a branch of that name exists (locally or remote-tracking);
    REMOTE_HEAD, asked only when needed, is the short name the remote's HEAD points at."""
    for name in (configured,) if configured else ("main", "master"):
        if has_branch(name):
            return name
    return None if configured else remote_head()
