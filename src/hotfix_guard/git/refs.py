"""Ref names: the one place that knows `refs/heads/`, `refs/remotes/` and `refs/tags/`.

Two short forms, with two meanings:
- `short_name`: what a user types to name the ref (`develop`, `origin/develop`, `v1.2.4`);
- `branch_name`: the branch a ref is a copy of (`develop` for both refs/heads/develop and
  refs/remotes/origin/develop), which is what branch patterns and config names match.
"""

from __future__ import annotations

HEADS = "refs/heads/"
REMOTES = "refs/remotes/"
TAGS = "refs/tags/"


def short_name(ref: str) -> str:
    """`develop`, `origin/develop` or `v1.2.4`; a revision suffix (`~2`, `^0`) is dropped."""
    name = ref.split("~", 1)[0].split("^", 1)[0]
    for prefix in (HEADS, REMOTES, TAGS):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def branch_name(ref: str) -> str | None:
    """The branch REF holds or copies: refs/heads/X and refs/remotes/<remote>/X are both X."""
    if ref.startswith(HEADS):
        return ref[len(HEADS) :]
    if ref.startswith(REMOTES) and ref.count("/") >= 3:
        return ref.split("/", 3)[3]
    return None


def remote_of(ref: str) -> str | None:
    """The remote of a remote-tracking ref (`origin` for refs/remotes/origin/develop)."""
    return ref.split("/", 3)[2] if ref.startswith(REMOTES) and ref.count("/") >= 3 else None


def tag_name(ref: str) -> str | None:
    return ref[len(TAGS) :] if ref.startswith(TAGS) else None


def local(branch: str) -> str:
    return f"{HEADS}{branch}"


def remote_tracking(remote: str, branch: str) -> str:
    return f"{REMOTES}{remote}/{branch}"


def tag_ref(tag: str) -> str:
    return f"{TAGS}{tag}"
