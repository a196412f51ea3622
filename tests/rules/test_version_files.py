"""Version files: each kind read and rewritten byte for byte, and found in a real commit's tree."""

from __future__ import annotations

import pytest

from hotfix_guard.config.loader import Config
from hotfix_guard.git.repository import Repository
from hotfix_guard.versions.locate import VersionFileError, read_spots, set_version
from hotfix_guard.versions.tree import versions_at
from tests.support.repos import Repo
from tests.support.version import FILES, LINES


@pytest.mark.parametrize("path", FILES)
def test_each_kind_is_bumped_by_its_version_bytes_alone(path: str) -> None:
    before, after = FILES[path]
    (spot,) = read_spots(path, None, before).spots
    assert (spot.line, spot.version.lstrip("v")) == (LINES[path], "1.2.3")
    assert set_version(path, None, before, "1.2.4") == after
    # Byte-minimal: the only bytes that differ are the version's last digit.
    assert len(before) == len(after)
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] == [spot.end - 1]


def test_a_second_bump_of_a_bumped_file_changes_nothing() -> None:
    _, after = FILES["package.json"]
    assert set_version("package.json", None, after, "1.2.4") == after


@pytest.mark.parametrize(
    ("path", "content", "key", "version"),
    [
        ("Chart.yaml", b"version: 1.0.0\nappVersion: '1.2.3'\n", "appVersion", "1.2.3"),
        ("pyproject.toml", b'[tool.poetry]\nname = "x"\nversion = "1.2.3"\n', None, "1.2.3"),
        ("Cargo.toml", b'[workspace.package]\nversion = "1.2.3"\n', None, "1.2.3"),
        ("app/version.py", b"VERSION: str = '1.2.3'\n", "VERSION", "1.2.3"),
        ("gradle.properties", b"versionName = 1.2.3\r\n", None, "1.2.3"),
        ("package.json", b'{"name": "x", "versions": {"version": "2"}}', None, None),
    ],
)
def test_keys_other_files_keep_their_version_under(
    path: str, content: bytes, key: str | None, version: str | None
) -> None:
    found = [spot.version for spot in read_spots(path, key, content).spots]
    assert found == ([version] if version else [])


def test_a_version_that_cannot_be_edited_exactly_is_refused_not_guessed() -> None:
    inline = b'project = { name = "x", version = "1.2.3" }\n'
    with pytest.raises(VersionFileError) as raised:
        read_spots("pyproject.toml", "project.version", inline)
    assert str(raised.value) == (
        "[project] version = '1.2.3' is not one plain line `version = \"...\"` under its header: "
        "it cannot be edited exactly"
    )
    with pytest.raises(VersionFileError, match="a plain text file has no keys"):
        read_spots("VERSION", "version", b"1.2.3\n")


def detection(repo: Repo, config: Config) -> tuple[list[str], list[str]]:
    found = versions_at(Repository.discover(repo.path), config, repo.head())
    return [file.describe() for file in found.files], list(found.notes)


def test_every_common_file_is_detected_at_the_top_of_the_tree(repo: Repo) -> None:
    repo.commit("Versions", {path: before for path, (before, _) in FILES.items()})
    files, notes = detection(repo, Config())
    # The named module is not a common file: configure it (or let pyproject name it).
    assert files == [
        f"{path}:{LINES[path]} ({'v' if path == 'composer.json' else ''}1.2.3)"
        for path in FILES
        if "/" not in path
    ]
    assert notes == []


def test_a_dynamic_pyproject_version_is_skipped_and_followed_to_the_module_it_names(
    repo: Repo,
) -> None:
    module = FILES["src/shop/__init__.py"][0]
    hatch = b'[project]\nname = "shop"\ndynamic = ["version"]\n\n[tool.hatch.version]\n'
    repo.commit("Hatch", {"pyproject.toml": hatch + b'path = "src/shop/__init__.py"\n'})
    repo.commit("Module", {"src/shop/__init__.py": module})
    files, notes = detection(repo, Config())
    assert files == ["src/shop/__init__.py:3 (1.2.3)"]
    assert notes == ["pyproject.toml: [project] version is dynamic: read from src/shop/__init__.py"]
    setuptools = b'[project]\nname = "shop"\ndynamic = ["version"]\n'
    repo.commit("Setuptools", {"pyproject.toml": setuptools})
    assert detection(repo, Config()) == (
        [],
        ["pyproject.toml: [project] version is dynamic: not a version file"],
    )


def test_configured_version_files_replace_detection(repo: Repo) -> None:
    repo.commit(
        "Versions",
        {"VERSION": b"1.2.3\n", "src/shop/__init__.py": FILES["src/shop/__init__.py"][0]},
    )
    config = Config(version_files=("src/shop/__init__.py", "docs/missing.txt"))
    assert detection(repo, config) == (
        ["src/shop/__init__.py:3 (1.2.3)"],
        ["docs/missing.txt: configured in version-files, not in the tree"],
    )
    assert detection(repo, Config(version_files=())) == ([], [])


def test_a_symlink_or_a_folder_named_like_a_version_file_is_not_one(repo: Repo) -> None:
    repo.commit("Odd", {"VERSION/readme": "not a version\n", "real.json": '{"version": "1.0.0"}'})
    (repo.path / "package.json").symlink_to("real.json")
    repo.commit("Link")
    assert detection(repo, Config()) == ([], [])
