"""The benchmark's throwaway repositories, built with `git fast-import` (one process per history).

Thousands of `git add` calls would take minutes; one fast-import stream writes the same history in
seconds, so the huge change is cheap to rebuild on every run.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

IDENTITY = "Bench Author <bench@example.invalid>"
# Settings a test repository should not inherit from the user's git config.
ISOLATED_ENV = {
    "GIT_AUTHOR_NAME": "Bench Author",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "Bench Author",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}

PYPROJECT = """\
[project]
name = "shop"
version = "1.2.3"

[tool.hotfix-guard]
max-files = 20
max-lines = 400
"""


def isolated_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without GIT_* and PRE_COMMIT* variables, plus a fixed identity."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    environ.update(ISOLATED_ENV)
    environ.update(extra or {})
    return environ


def git(cwd: Path, *args: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, capture_output=True, env=isolated_environ()
    )
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode().strip()


def source_line(file_number: int, line: int, version: int = 0) -> bytes:
    """One line of generated code; VERSION makes a changed line that no other file shares."""
    if version:
        return (
            f"    total_{file_number}_{line} = adjust({line}, rate={version}.{line % 7})\n".encode()
        )
    return (
        f"    value_{file_number}_{line} = compute({file_number}, {line})  # step {line}\n".encode()
    )


def source_file(file_number: int, lines: int, changed: range = range(0)) -> bytes:
    """A module of LINES lines; the lines in CHANGED are rewritten (a changed-lines hunk each)."""
    body = b"".join(
        source_line(file_number, line, 2 if line in changed else 0) for line in range(lines)
    )
    return f"def handler_{file_number}(request):\n".encode() + body


class FastImport:
    """Writes a fast-import stream: commits of inline file contents on named branches."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.marks = 0
        self.time = 1_700_000_000

    def commit(
        self,
        branch: str,
        message: str,
        files: Mapping[str, bytes],
        deleted: tuple[str, ...] = (),
        parent: str | None = None,
    ) -> str:
        """Add a commit on BRANCH (after PARENT, a mark or ref, when given); returns its mark."""
        self.marks += 1
        self.time += 60
        mark = f":{self.marks}"
        text = message.encode()
        self.parts.append(
            f"commit refs/heads/{branch}\nmark {mark}\n"
            f"committer {IDENTITY} {self.time} +0000\ndata {len(text)}\n".encode()
            + text
            + b"\n"
        )
        if parent is not None:
            self.parts.append(f"from {parent}\n".encode())
        for path in deleted:
            self.parts.append(f"D {path}\n".encode())
        for path, content in files.items():
            self.parts.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode())
            self.parts.append(content + b"\n")
        self.parts.append(b"\n")
        return mark

    def run(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")
        git(root, "fast-import", "--quiet", "--force", stdin=b"".join(self.parts))


def checkout(root: Path, branch: str) -> None:
    git(root, "checkout", "-q", "-f", branch)


# --- scenario repositories ---------------------------------------------------------------------


def build_app(root: Path, modules: int = 120) -> None:
    """main: a small application with a configured hotfix-guard; develop one commit ahead."""
    stream = FastImport()
    files = {f"app/module_{n}.py": source_file(n, 40) for n in range(modules)}
    files["pyproject.toml"] = PYPROJECT.encode()
    files["tests/test_app.py"] = b"def test_app():\n    assert True\n"
    main = stream.commit("main", "Release 1.2.3", files)
    stream.commit("develop", "Unreleased work", {"app/reports.py": source_file(999, 30)}, (), main)
    stream.run(root)
    git(root, "tag", "-a", "v1.2.3", "-m", "Release 1.2.3", "main")
    checkout(root, "main")


def add_small_hotfix(root: Path, branch: str = "hotfix/fix-login-timeout") -> None:
    """A hotfix of 3 files and 20 changed lines, committed on BRANCH (checked out)."""
    git(root, "switch", "-q", "-c", branch, "main")
    for number, changed in ((1, range(10, 15)), (2, range(20, 23))):
        (root / f"app/module_{number}.py").write_bytes(source_file(number, 40, changed))
    (root / "tests/test_app.py").write_text(
        "def test_app():\n    assert True\n\n\ndef test_timeout():\n    assert 30 > 5\n"
    )
    git(root, "commit", "-q", "-a", "-m", "Fix login timeout")


@dataclass(frozen=True)
class HugeShape:
    """How the huge change is made: each commit modifies, adds and deletes its own files."""

    commits: int = 10
    modified_per_commit: int = 260
    added_per_commit: int = 30
    deleted_per_commit: int = 10
    lines_per_file: int = 200
    changed_per_file: int = 90  # lines rewritten in a modified file: as many removed as added
    added_lines: int = 100

    @property
    def base_files(self) -> int:
        return self.commits * (self.modified_per_commit + self.deleted_per_commit)

    def totals(self, commits: int) -> tuple[int, int]:
        """Changed files and changed lines after the first COMMITS commits."""
        files = commits * (self.modified_per_commit + self.added_per_commit)
        files += commits * self.deleted_per_commit
        lines = commits * self.modified_per_commit * 2 * self.changed_per_file
        lines += commits * self.added_per_commit * self.added_lines
        lines += commits * self.deleted_per_commit * (self.lines_per_file + 1)
        return files, lines


def _huge_commits(shape: HugeShape) -> Iterator[tuple[dict[str, bytes], tuple[str, ...]]]:
    per_commit = shape.modified_per_commit + shape.deleted_per_commit
    changed = range(0, 2 * shape.changed_per_file, 2)  # every other line: many small hunks
    for commit in range(shape.commits):
        first = commit * per_commit
        files = {
            f"src/pkg_{n % 40}/module_{n}.py": source_file(n, shape.lines_per_file, changed)
            for n in range(first, first + shape.modified_per_commit)
        }
        for n in range(shape.added_per_commit):
            number = 100_000 + commit * shape.added_per_commit + n
            files[f"src/new/feature_{number}.py"] = source_file(number, shape.added_lines - 1)
        deleted = tuple(
            f"src/pkg_{n % 40}/module_{n}.py"
            for n in range(first + shape.modified_per_commit, first + per_commit)
        )
        yield files, deleted


def build_huge(root: Path, shape: HugeShape) -> None:
    """main with the base files; develop with SHAPE.commits big commits on top (not checked out).

    `develop~(commits/2)` and `develop` are the two sizes measured; a hotfix branch cut from
    develop by mistake carries all of it.
    """
    stream = FastImport()
    base = {
        f"src/pkg_{n % 40}/module_{n}.py": source_file(n, shape.lines_per_file)
        for n in range(shape.base_files)
    }
    base["pyproject.toml"] = PYPROJECT.encode()
    parent = stream.commit("main", "Release 1.2.3", base)
    for number, (files, deleted) in enumerate(_huge_commits(shape)):
        parent = stream.commit("develop", f"Feature batch {number}", files, deleted, parent)
    stream.run(root)
    half = shape.commits // 2
    git(root, "branch", "hotfix/huge-half", f"develop~{shape.commits - half}")
    git(root, "branch", "hotfix/huge-full", "develop")
    # HEAD stays on main, whose files are never checked out: checks use --head.
    git(root, "symbolic-ref", "HEAD", "refs/heads/main")


def build_rewrite_of_recent_files(root: Path, files: int = 3000, lines: int = 100) -> None:
    """main's last commit adds FILES files of LINES lines; `hotfix/rewrite`, cut from main,
    rewrites every line of every one of them in one commit (not checked out).

    The change touches exactly the paths main's last commit touched, so the revert exemption
    cannot tell by paths alone that the hotfix is no revert of it.
    """
    stream = FastImport()
    first = stream.commit("main", "Release 1.2.3", {"pyproject.toml": PYPROJECT.encode()})
    added = {f"src/pkg_{n % 40}/module_{n}.py": source_file(n, lines - 1) for n in range(files)}
    main = stream.commit("main", "Add the reporting modules", added, (), first)
    rewritten = {
        f"src/pkg_{n % 40}/module_{n}.py": source_file(n, lines - 1, range(lines))
        for n in range(files)
    }
    stream.commit("hotfix/rewrite", "Rewrite the reporting modules", rewritten, (), main)
    stream.run(root)
    git(root, "symbolic-ref", "HEAD", "refs/heads/main")


HOTFIX = "hotfix/fix-login-timeout"
TRAILER_HOOKS = ("pre-commit", "pre-push", "prepare-commit-msg", "commit-msg")


def build_released_app(root: Path) -> tuple[Path, Path]:
    """build_app in ROOT/app with a local bare ROOT/origin.git holding main, develop and the
    release tag, each branch tracking it: a clone ready for an incident. Returns (app, origin).

    The remote is named by its absolute path: a copy of ROOT must be made at ROOT again."""
    app, origin = root / "app", root / "origin.git"
    build_app(app)
    git(root, "init", "-q", "--bare", str(origin))
    git(app, "remote", "add", "origin", str(origin))
    git(app, "push", "-q", "-u", "origin", "main", "develop", "v1.2.3")
    return app, origin


def fix_patch(app: Path) -> bytes:
    """The incident's fix as a patch to apply to main's tree (`git apply --index`)."""
    original = source_file(1, 40)
    (app / "app/module_1.py").write_bytes(source_file(1, 40, range(10, 15)))
    patch = git(app, "diff", "--", "app/module_1.py")
    (app / "app/module_1.py").write_bytes(original)
    return (patch + "\n").encode()


def start_clean_hotfix(app: Path, guard: str, patch: Path, trailers: bool) -> None:
    """`hotfix-guard start` in APP, then one fix commit of PATCH carrying the Severity trailer
    (given here when TRAILERS, else the installed trailers hook adds it)."""
    subprocess.run(
        [guard, "start", "Fix login timeout", "--severity", "P1"],
        cwd=app,
        env=isolated_environ(),
        capture_output=True,
        check=True,
    )
    git(app, "apply", "--index", str(patch))
    extra = ["--trailer", "Severity: P1"] if trailers else []
    git(app, "commit", "-q", "-m", "Raise the login timeout", *extra)
