"""Version files: where a project states its version, checked against a hotfix tag (the
version-files rule), bumped by finish (lifecycle/bump.py), kept on the backport, and listed by
status and check-tag -v.

locate.py reads and edits one file's bytes and detect.py finds the files of a tree, both pure;
tree.py reads them from a commit, merge.py settles them after a merge. Kept off the commit hook's
import path: only tag checks, finish, status and check-tag load this package.
"""
