"""The defaults of the path settings: lockfiles and generated trees not counted, test layouts of
the common languages, and the branch name a hotfix should have."""

from __future__ import annotations

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
