"""The git layer: every git query hotfix-guard makes lives in this package. Its public face is
below; repository.py holds Repository, each other module one concept (see its docstring)."""

from hotfix_guard.git.changes import (
    FileStatuses,
    LineCounts,
    RawFileChange,
    parse_check_attr,
    parse_raw_numstat,
)
from hotfix_guard.git.commits import (
    CommitQueries,
    LoggedCommit,
)
from hotfix_guard.git.process import (
    GitError,
    GitTimeout,
    git_command,
    git_environment,
    is_zero_id,
    lines,
    run,
    split_z,
    try_run,
)
from hotfix_guard.git.repository import (
    Repository,
)
from hotfix_guard.git.walk import (
    Walk,
)

__all__ = [
    "CommitQueries",
    "FileStatuses",
    "GitError",
    "GitTimeout",
    "LineCounts",
    "LoggedCommit",
    "RawFileChange",
    "Repository",
    "Walk",
    "git_command",
    "git_environment",
    "is_zero_id",
    "lines",
    "parse_check_attr",
    "parse_raw_numstat",
    "run",
    "split_z",
    "try_run",
]
