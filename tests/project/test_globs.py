"""Path globs: the matcher that tries names per segment answers what one regex over whole paths
answers, pattern for pattern, on every kind of path."""

from __future__ import annotations

import re

import pytest

from hotfix_guard.config.defaults import DEFAULT_EXCLUDE, DEFAULT_TEST_PATHS
from hotfix_guard.config.globs import GlobError, PathMatcher, translate

PATTERNS = (
    *DEFAULT_EXCLUDE,
    *DEFAULT_TEST_PATHS,
    "/build/",
    "docs/*.md",
    "gen/**/*.py",
    "**/fixtures/**",
    "assets**",
    "*.{png,jpg}",
    "data?.csv",
    "[Mm]akefile",
    "src/",
    "*.py[co]",
    "*.",
    "Dockerfile",
    "*.js*",
    "{src,lib}.{c,h}",
    "nested.{a,{b,c}}",
    "a{1,2}.{x,y}z",
    ".env",
    "*.{a,b}{c,d}{e,f}{g,h}{i,j}",
)

PATHS = (
    "app/models/user.py",
    "app/tests/helpers.py",
    "tests",  # a file named like a directory pattern: not a directory
    "src/test/java/LoginTest.java",
    "lib/src/test/Login.java",
    "web/node_modules/left-pad/index.js",
    "web/dist/app.min.js",
    "yarn.lock",
    "packages/ui/yarn.lock",
    "packages/ui/yarn.lock/odd.txt",  # a pattern without a slash names directories too
    "build/out.o",
    "sub/build/out.o",
    "docs/guide.md",
    "docs/deep/guide.md",
    "gen/a/b/c.py",
    "gen/c.py",
    "x/fixtures/y/z.json",
    "assets/logo.svg",
    "assetsmanifest/x",
    "img/a.png",
    "data1.csv",
    "data12.csv",
    "Makefile",
    "sub/makefile",
    "with space/and\nnewline_test.py",
    "latin1-\udce9/conftest.py",
    "a/b/c/d/e/f/g/h.go",
    "a/b/c/d/e/f/g/h_test.go",
    "third_party/x/y/z.c",
    "deep/src/main.c",
    "pkg/a.pyc",
    "pkg/x.",
    "docker/Dockerfile",
    "web/data.json",
    "src.c",
    "lib.h",
    "nested.c",
    "nested.d",
    "a2.yz",
    "a2.y",
    "conf/.env",
    "z.acegi",
    "no_extension",
    "..",
    "dots.in.the.name.tar.gz",
)


def whole_path_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """The reference: one alternation over whole paths, the first matching pattern winning."""
    return re.compile(
        "|".join(f"(?P<p{index}>{translate(p)})" for index, p in enumerate(patterns)), re.DOTALL
    )


def reference(patterns: tuple[str, ...], path: str) -> str | None:
    found = whole_path_regex(patterns).fullmatch(path)
    return None if found is None or found.lastgroup is None else patterns[int(found.lastgroup[1:])]


@pytest.mark.parametrize("order", ["as listed", "reversed"])
def test_the_matcher_answers_as_one_regex_over_whole_paths(order: str) -> None:
    patterns = PATTERNS if order == "as listed" else PATTERNS[::-1]
    matcher = PathMatcher(patterns)
    for path in (*PATHS, *PATHS):  # the second round is answered from what was kept
        assert matcher.match(path) == reference(patterns, path), path


def test_the_first_listed_pattern_is_named() -> None:
    matcher = PathMatcher(("*.py", "tests/", "conftest.py"))
    assert matcher.match("tests/conftest.py") == "*.py"
    assert PathMatcher(("tests/", "*.py")).match("tests/conftest.py") == "tests/"
    assert PathMatcher(("conftest.py", "tests/")).match("tests/conftest.py") == "conftest.py"


def test_a_bracket_never_matches_a_slash() -> None:
    """As in .gitignore: only `**` crosses directories."""
    assert PathMatcher(("x[!a]y",)).match("x/y") is None
    assert PathMatcher(("x[!a]y",)).match("q/xby") == "x[!a]y"


def test_no_patterns_match_nothing() -> None:
    assert PathMatcher(()).match("a/b.py") is None


def test_a_bad_pattern_is_refused_whatever_its_kind() -> None:
    for pattern in ("gen/[abc", "{a,b", "  "):
        with pytest.raises(GlobError):
            PathMatcher(("*.py", pattern))
