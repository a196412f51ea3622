"""Which files of a tree state the project's version: the configured `version-files`, or when
none is configured the common ones at the top of the tree. Pure: the tree is read through a
function, so a commit (the tag rule, finish) and a merge's index stages (the backport) share it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from hotfix_guard.report.findings import display_path
from hotfix_guard.versions.locate import Reading, Spot, VersionFileError, plain, read_spots

# Looked for at the top of the tree when `version-files` is not configured, in this order.
DETECTED = (
    "package.json",
    "pyproject.toml",
    "setup.cfg",
    "Cargo.toml",
    "gradle.properties",
    "build.gradle",
    "build.gradle.kts",
    "pom.xml",
    "composer.json",
    "Chart.yaml",
    "VERSION",
)

# Reads the files that exist among PATHS (path -> content); absent ones are left out.
Reader = Callable[[Sequence[str]], Mapping[str, bytes]]


@dataclass(frozen=True)
class VersionFile:
    """One file that states the version, where it states it, and how the config names it."""

    path: str
    key: str | None  # None: where files of its kind keep it (locate.DEFAULT_KEYS)
    spots: tuple[Spot, ...]

    @property
    def spec(self) -> str:
        """The file as a `version-files` entry names it: `path` or `path:key`."""
        return f"{self.path}:{self.key}" if self.key else self.path

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(spot.version for spot in self.spots))

    def describe(self) -> str:
        """`package.json:3 (1.2.3)`: where and what, for status and notes."""
        places = ", ".join(f"{display_path(self.path)}:{spot.line}" for spot in self.spots)
        return f"{places} ({', '.join(self.versions)})"


@dataclass(frozen=True)
class Detection:
    files: tuple[VersionFile, ...] = ()
    notes: tuple[str, ...] = ()  # files skipped, and why

    def stale(self, version: str) -> list[tuple[VersionFile, Spot]]:
        """Every place that states another version than VERSION (numbers, `1.2.4`)."""
        return [
            (file, spot)
            for file in self.files
            for spot in file.spots
            if plain(spot.version) != version
        ]

    def summary(self) -> str:
        """One line: which version files were found, or that none was."""
        if not self.files:
            return "version files: none found"
        return "version files: " + "; ".join(file.describe() for file in self.files)


def parse_spec(spec: str) -> tuple[str, str | None]:
    """`path` or `path:key` (config/values.py checked the form when the config was read)."""
    path, colon, key = spec.partition(":")
    return (path, key) if colon else (spec, None)


def find(read: Reader, configured: Sequence[str] | None) -> Detection:
    """The version files of the tree READ reads: CONFIGURED ones (None: detect the common ones)."""
    specs = [parse_spec(spec) for spec in configured] if configured is not None else None
    paths = [path for path, _ in specs] if specs is not None else list(DETECTED)
    contents = read(paths)
    files: list[VersionFile] = []
    notes: list[str] = []
    for path, key in specs if specs is not None else [(path, None) for path in DETECTED]:
        if path not in contents:
            if specs is not None:
                notes.append(f"{display_path(path)}: configured in version-files, not in the tree")
            continue
        reading = _read(path, key, contents[path], notes)
        if reading.spots:
            files.append(VersionFile(path, key, reading.spots))
        elif reading.follow:
            files.extend(_follow(read, path, reading, notes))
        elif reading.note:
            notes.append(f"{display_path(path)}: {reading.note}: not a version file")
    return Detection(tuple(files), tuple(notes))


def _read(path: str, key: str | None, data: bytes, notes: list[str]) -> Reading:
    try:
        return read_spots(path, key, data)
    except VersionFileError as error:
        notes.append(f"{display_path(path)}: {error}; its version is not checked or bumped")
        return Reading()


def _follow(read: Reader, path: str, reading: Reading, notes: list[str]) -> list[VersionFile]:
    """The file a dynamic version is read from (the build backend's setting names it)."""
    found = read(reading.follow)
    for candidate in reading.follow:
        if candidate in found:
            spots = _read(candidate, None, found[candidate], notes).spots
            if spots:
                notes.append(f"{display_path(path)}: {reading.note}: read from {candidate}")
                return [VersionFile(candidate, None, spots)]
    notes.append(
        f"{display_path(path)}: {reading.note}, and {' or '.join(reading.follow)} states none: "
        "name the file in version-files"
    )
    return []
