"""A real git repository to build tests on (Repo), and small builders of its content."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

PASS_SUMMARY = re.compile(r"^hotfix-guard passed: .*, \d+ checks? passed( \(.*\))?$")


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    """Run git in CWD; fail the test with git's stderr when it fails."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=input)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr.decode()}"
    return result.stdout.decode(errors="surrogateescape").strip()


class Repo:
    """A real repository in a temporary directory, with small verbs to shape its history."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def write(self, relative: str | bytes, content: str | bytes = "") -> Path:
        target = self.path / os.fsdecode(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
        return target

    def commit(
        self,
        message: str = "change",
        files: dict[str, str | bytes] | None = None,
        verify: bool = True,
    ) -> str:
        """Write FILES, stage everything and commit; verify=False skips installed git hooks."""
        for relative, content in (files or {}).items():
            self.write(relative, content)
        self.git("add", "-A")
        self.git(
            "commit", "-q", "--allow-empty", *([] if verify else ["--no-verify"]), "-m", message
        )
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.git("switch", "-q", "-c", name, start)

    def switch(self, name: str) -> None:
        self.git("switch", "-q", name)

    def tag(self, name: str, message: str | None = None, target: str = "HEAD") -> None:
        if message is None:
            self.git("tag", name, target)
        else:
            self.git("tag", "-a", name, "-m", message, target)

    def merge(self, branch: str, *options: str) -> None:
        self.git("merge", "-q", "--no-edit", *options, branch)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


def make_repo(path: Path) -> Repo:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return Repo(path)


def code_files(count: int, lines: int = 3, prefix: str = "src/module") -> dict[str, str | bytes]:
    """COUNT small code files of LINES lines each, for sizing changes."""
    return {
        f"{prefix}_{number}.py": "".join(f"value_{line} = {number}\n" for line in range(lines))
        for number in range(count)
    }


def without_pass_summary(lines: list[str]) -> list[str]:
    """LINES without the one-line summary a clean pass prints (tests of it assert it whole)."""
    return [line for line in lines if not PASS_SUMMARY.match(line)]
