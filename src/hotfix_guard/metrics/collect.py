"""Reading one repository or many: each in its own process when there are several, so a report
over a set of projects uses every core, with progress on a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TextIO

from hotfix_guard.errors import UsageError
from hotfix_guard.metrics.history import RepositoryFacts


def read_path(path: str) -> RepositoryFacts:
    """The facts of the repository at PATH, judged by its own configuration and main branch."""
    from hotfix_guard.config.loader import load
    from hotfix_guard.git.repository import Repository
    from hotfix_guard.metrics.history import read_repository
    from hotfix_guard.scope import find_main

    repo = Repository.discover(path)
    config = load(repo.root)
    main = find_main(repo, config)
    name = Path(repo.root).resolve().name if path == "." else path
    return read_repository(repo, config, main.refs[0], name)


def read_all(paths: Sequence[str], progress: TextIO | None = None) -> list[RepositoryFacts]:
    """The facts of every repository, in the order given. With several, one process each (up to
    the machine's cores); PROGRESS, when given, is told as each one finishes."""
    if len(paths) <= 1:
        return [read_path(paths[0] if paths else ".")]
    workers = min(len(paths), os.cpu_count() or 1)
    results: dict[str, RepositoryFacts] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(read_path, path): path for path in paths}
        for done, future in enumerate(as_completed(futures), start=1):
            path = futures[future]
            try:
                results[path] = future.result()
            except UsageError as error:
                raise UsageError(f"{path}: {error}") from None
            if progress is not None:
                shown = "".join(char if char.isprintable() else "?" for char in path)
                progress.write(f"\rmetrics: {done}/{len(paths)} repositories read ({shown})\x1b[K")
                progress.flush()
    if progress is not None:
        progress.write("\n")
    return [results[path] for path in paths]


def terminal_progress() -> TextIO | None:
    """stderr when it is a terminal; a pipe or a CI log gets no progress lines."""
    return sys.stderr if sys.stderr.isatty() else None


def write_output(text: str, output: str | None) -> None:
    """TEXT on stdout, or in the file OUTPUT (one that cannot be written is the user's to fix)."""
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(
            f"cannot write the report to {output}: {error.strerror}; choose another --output"
        ) from None
    sys.stderr.write(f"metrics: wrote {output}\n")
