"""CI test builders: a clone as CI checks it out, and the ci command run in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.repos import git


def ci_clone(remote: Path, tmp_path: Path, ref: str, *, depth: int | None = 1) -> Path:
    """What actions/checkout does by default: one commit of REF, detached."""
    clone = tmp_path / "ci"
    shallow = ["--depth", str(depth), "--no-tags"] if depth else []
    git(tmp_path, "clone", "-q", *shallow, "--branch", ref, remote.as_uri(), str(clone))
    git(clone, "switch", "-q", "--detach")
    return clone


def run_ci(clone: Path, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "ci", *args],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**os.environ, **environ},
    )
