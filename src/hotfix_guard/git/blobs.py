"""Files of a commit or of a merge's index stages, read as bytes (part of the git layer, see
hotfix_guard.git): what the version files are read from."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hotfix_guard.git.process import split_z
from hotfix_guard.git.repository import Repository


def blobs_at(repo: Repository, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
    """The files among PATHS that are files (blobs) at COMMIT; absent ones and folders left out."""
    if not paths:
        return {}
    listed = repo.git("--literal-pathspecs", "ls-tree", "-z", "--full-tree", commit, "--", *paths)
    blobs: dict[str, str] = {}  # path -> blob id
    for entry in split_z(listed):
        info, _, path = entry.partition("\t")
        mode, _, object_id = info.split(" ")
        if mode in ("100644", "100755") and path in paths:  # a symlink is not its target
            blobs[path] = object_id
    if not blobs:
        return {}
    # By id: the listing named them, so one cat-file reads them all.
    output = repo.git(
        "cat-file", "--batch", stdin="".join(f"{i}\n" for i in blobs.values()).encode()
    )
    found = {}
    for path in blobs:
        header, _, output = output.partition(b"\n")
        size = int(header.split()[2])
        found[path] = output[:size]
        output = output[size + 1 :]  # the content, then a line break
    return found


def index_stages(repo: Repository, path: str) -> dict[int, bytes]:
    """A conflicted PATH's index stages (1 base, 2 ours, 3 theirs), each as bytes; a side that
    deleted the file has no stage."""
    listed = repo.git("--literal-pathspecs", "ls-files", "-u", "-z", "--", path)
    objects = {}
    for entry in split_z(listed):
        info, _, _ = entry.partition("\t")
        _mode, object_id, stage = info.split(" ")
        objects[int(stage)] = object_id
    return {stage: repo.git("cat-file", "blob", object_id) for stage, object_id in objects.items()}


def merge_file(ours: bytes, base: bytes, theirs: bytes) -> bytes | None:
    """The three-way merge of one file's contents (`git merge-file`), None when it conflicts."""
    with tempfile.TemporaryDirectory(prefix="hotfix-guard-merge-") as folder:
        names = []
        for name, content in (("ours", ours), ("base", base), ("theirs", theirs)):
            Path(folder, name).write_bytes(content)
            names.append(os.path.join(folder, name))
        result = subprocess.run(
            ["git", "merge-file", "-p", "-q", *names], capture_output=True, check=False
        )
    return result.stdout if result.returncode == 0 else None
