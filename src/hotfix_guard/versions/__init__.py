"""Version files: where a project states its version, checked against a hotfix tag (the
version-files rule), bumped by finish, kept on the backport, and listed by status and check-tag -v.

locate.py reads and edits one file's bytes, detect.py finds the files of a tree; both are pure.
Kept off the commit hook's import path: only tag checks, finish and status load this package.
"""
