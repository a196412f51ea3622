"""The change model: which files a hotfix changes, by how much, and which of them count.

Built from one `--raw --numstat` query (numbers before patches); rules that need hunks parse the
patch themselves, once, through the check context.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from hotfix_guard.config.defaults import LOCKFILES
from hotfix_guard.config.globs import PathMatcher
from hotfix_guard.config.loader import Config
from hotfix_guard.git.changes import RawFileChange
from hotfix_guard.git.repository import Repository

Category = Literal["code", "test", "excluded"]
CODE: Category = "code"
TEST: Category = "test"
EXCLUDED: Category = "excluded"

SUBMODULE_MODE = "160000"
GENERATED_ATTRIBUTES = ("linguist-generated", "linguist-vendored")
# Data, not code: a database schema export or a bundled list in one of these formats, with at
# least this many changed lines, is generated or imported data that no reviewer reads line by line.
DATA_SUFFIXES = (".json", ".csv", ".tsv", ".dat", ".list", ".txt")
GENERATED_DATA_LINES = 1000
# Schema exports at any size: Room writes `app/schemas/<Database>/<version>.json` on every build.
SCHEMA_DIRS = frozenset(["schemas"])
# A change this many times over max-files or max-lines is far over the limits: no detail can
# change its verdict, so work that grows faster than the diff (copy detection, hunk analysis) is
# bounded there (see Context.analysis_limited).
FAR_OVER_FACTOR = 10


class FileChange(NamedTuple):
    """One changed file; `category` says whether it counts toward the limits, `reason` why.

    A tuple, not a dataclass: a change of 100,000 files makes 100,000 of them."""

    path: str
    old_path: str | None
    status: str
    similarity: int | None
    added: int
    removed: int
    binary: bool
    submodule: bool
    category: Category
    reason: str | None

    @property
    def lines(self) -> int:
        return self.added + self.removed

    @property
    def counted(self) -> bool:
        return self.category == CODE

    @property
    def size(self) -> str:
        """`+12 -3`, or `binary` / `submodule` where lines mean nothing."""
        if self.submodule:
            return "submodule"
        if self.binary:
            return "binary"
        return f"+{self.added} -{self.removed}"


class Change:
    """Every file the hotfix changes, from the merge base to the tip (and the index).

    `copies_skipped`: copy detection (quadratic in the files added times the files changed) was
    left out because the change is far over the limits anyway; a copied file then shows as added.
    """

    __slots__ = ("changed_code_lines", "copies_skipped", "counted", "files", "not_counted")

    def __init__(self, files: tuple[FileChange, ...], copies_skipped: bool = False) -> None:
        self.files = files
        self.copies_skipped = copies_skipped
        # Split and summed once: every size rule reads them.
        self.counted = tuple(f for f in files if f.counted)
        self.not_counted = tuple(f for f in files if not f.counted)
        self.changed_code_lines = sum(f.added + f.removed for f in self.counted)

    def far_over_limits(self, config: Config) -> bool:
        """Whether the change is FAR_OVER_FACTOR times over max-files or max-lines."""
        return (
            len(self.counted) > FAR_OVER_FACTOR * config.max_files
            or self.changed_code_lines > FAR_OVER_FACTOR * config.max_lines
        )


class Classifier:
    """Sorts paths into code, test and excluded files by the configured globs and git attributes."""

    def __init__(self, config: Config) -> None:
        self.exclude = PathMatcher(config.exclude)
        self.test_paths = PathMatcher(config.test_paths)

    def classify(self, path: str, attributes: dict[str, str]) -> tuple[Category, str | None]:
        pattern = self.exclude.match(path)
        if pattern is not None:
            kind = "lockfile" if pattern in LOCKFILES else "excluded"
            return EXCLUDED, f"{kind}: {pattern}"
        for attribute in GENERATED_ATTRIBUTES if attributes else ():
            if attributes.get(attribute) in ("set", "true"):
                return EXCLUDED, attribute
        pattern = self.test_paths.match(path)
        if pattern is not None:
            return TEST, f"test: {pattern}"
        return CODE, None


def build_change(
    repo: Repository,
    config: Config,
    base: str,
    head: str | None,
    attributes_at: str | None = None,
) -> Change:
    """The change from BASE to HEAD (None: the staged index), its files classified by the
    .gitattributes of ATTRIBUTES_AT (None: the head commit's own, the work tree's for the index).

    Numbers first: one query with rename detection. Copies can only be found for added files,
    so the costlier query with copy detection runs only when there are some, and not at all on a
    change far over the limits (its verdict cannot change; the report says copies were skipped).
    """
    raw = repo.file_changes(base, head, find_copies=False)
    # A rename's old path may come back as a deletion once copies are looked for.
    paths = [r.path for r in raw] + [r.old_path for r in raw if r.old_path is not None]
    # A commit is judged by its own .gitattributes, or those of the request's revision (the
    # server, CI: main's, so a pushed .gitattributes cannot exempt itself); the index by the
    # work tree's.
    source = attributes_at or head
    if source is None:
        attributes = repo.attributes(paths, GENERATED_ATTRIBUTES)
    else:
        from hotfix_guard.git.scratch import attributes_at as committed  # push time only

        attributes = committed(repo, source, paths, GENERATED_ATTRIBUTES)
    change = classify_changes(raw, config, attributes)
    if not any(f.status in "AR" for f in change.files):
        return change
    if change.far_over_limits(config):
        return Change(change.files, copies_skipped=True)
    return classify_changes(repo.file_changes(base, head), config, attributes)


def classify_changes(
    raw: Sequence[RawFileChange], config: Config, attributes: dict[str, dict[str, str]]
) -> Change:
    classifier = Classifier(config)
    unset: dict[str, str] = {}
    files = []
    for status, path, old_path, similarity, old_mode, new_mode, added, removed, binary in raw:
        category, reason = classifier.classify(path, attributes.get(path, unset))
        if category == CODE and _bulk_data(path, added + removed):
            category, reason = EXCLUDED, f"data file: {added + removed} changed lines"
        submodule = SUBMODULE_MODE in (old_mode, new_mode)
        files.append(
            FileChange(
                path,
                old_path,
                status,
                similarity,
                added,
                removed,
                binary,
                submodule,
                category,
                reason,
            )
        )
    return Change(tuple(files))


def _bulk_data(path: str, lines: int) -> bool:
    path = path.lower()
    if not path.endswith(DATA_SUFFIXES):
        return False
    schema = path.endswith(".json") and bool(SCHEMA_DIRS.intersection(path.split("/")[:-1]))
    return schema or lines >= GENERATED_DATA_LINES
