"""The git layer: every git query hotfix-guard makes lives in this package.

`repository.py` holds `Repository` (one work tree or bare repository; refs there, commits and
history in commits.py, changes in changes.py); process.py runs git with the pinned options and
light.py is its import-light twin for the fast path. Tags are in tags.py, other work trees in
worktree.py and scratch.py, the ref moves of start and finish in lifecycle.py, the hooks folder in
hooks.py, GitPython's view of history for the incident timeline in history.py.

Empty on purpose: importing one module of the package loads no other.
"""
