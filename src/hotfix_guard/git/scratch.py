"""Where test commands run, made safe: temporary worktrees and the in-place save and restore.

Part of the git layer. The rules it keeps:
- Touch only what hotfix-guard created. A temporary worktree lives in `<tmp>/hotfix-guard-tests-*/
  worktree`, next to an `owner` file naming the process that made it. Removing one never runs
  `git worktree prune` (that would drop the administrative folder of any worktree of the user
  whose directory is missing at the moment, a removable drive, with its index); when `git
  worktree remove` fails, the folder is deleted and so is the one administrative folder that
  points at it.
- A later run removes what a killed run left: worktrees in such a folder whose owner is gone.
- The in-place save and restore never take the lock of the user's index: the changes are saved
  through a temporary index, and files are written back from another temporary index holding
  HEAD, so a `git` process holding `index.lock` cannot make us leave files modified.

tempfile and shutil are imported by the functions that make or remove folders: the pre-push check
of a tree whose tests already passed loads this module and needs neither.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from hotfix_guard.git.changes import parse_check_attr
from hotfix_guard.git.process import GitError, lines, split_z
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.worktree import environment_for_other_work_tree

TEMPORARY_PREFIX = "hotfix-guard-tests-"
ALTERNATES = "GIT_ALTERNATE_OBJECT_DIRECTORIES"
OWNER_FILE = "owner"


class WorktreeError(Exception):
    """The temporary worktree could not be made (git's reason in the message)."""


def _admin_dirs(repo: Repository) -> dict[str, Path]:
    """Worktree path -> its administrative folder (<common dir>/worktrees/<id>)."""
    common = repo.root / os.fsdecode(repo.git("rev-parse", "--git-common-dir")).rstrip("\n")
    found = {}
    for admin in (common / "worktrees").glob("*"):
        try:
            gitdir = os.fsdecode((admin / "gitdir").read_bytes()).rstrip("\n")
        except OSError:
            continue
        found[os.path.dirname(gitdir)] = admin
    return found


def add_temporary_worktree(repo: Repository, commit: str) -> Path:
    """A detached checkout of COMMIT in a new temporary folder; WorktreeError if git cannot."""
    import tempfile

    parent = Path(tempfile.mkdtemp(prefix=TEMPORARY_PREFIX))
    (parent / OWNER_FILE).write_text(f"{os.getpid()}\n")
    place = parent / "worktree"
    try:
        # No hooks: a post-checkout hook has no business running in a throwaway checkout. Not
        # sparse: the tests need every file of the commit.
        repo.git(
            "-c", "core.hooksPath=/dev/null", "-c", "core.sparseCheckout=false",
            "worktree", "add", "--quiet", "--detach", os.fsdecode(place), commit,
        )  # fmt: skip
    except GitError as error:
        remove_temporary_worktree(repo, place)
        raise WorktreeError(error.reason) from None
    return place


def remove_temporary_worktree(repo: Repository, place: Path) -> None:
    """Remove a worktree hotfix-guard made, and nothing else."""
    import shutil

    if place.exists() and repo.try_git("worktree", "remove", "--force", os.fsdecode(place)):
        shutil.rmtree(place.parent, ignore_errors=True)
        return
    admin = _admin_dirs(repo).get(os.fsdecode(place))
    if admin is not None:
        shutil.rmtree(admin, ignore_errors=True)
    shutil.rmtree(place.parent, ignore_errors=True)


def clean_stale_worktrees(repo: Repository) -> list[Path]:
    """Remove the temporary worktrees of runs that were killed; the places removed."""
    output = repo.try_git("worktree", "list", "--porcelain", "-z")
    removed = []
    for record in split_z(output or b""):
        if not record.startswith("worktree "):
            continue
        place = Path(record[len("worktree ") :])
        if place.name != "worktree" or not place.parent.name.startswith(TEMPORARY_PREFIX):
            continue
        if _owner_alive(place.parent / OWNER_FILE):
            continue
        remove_temporary_worktree(repo, place)
        removed.append(place)
    return removed


def _owner_alive(owner: Path) -> bool:
    try:
        pid = int(owner.read_text().strip())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def hidden_differences(repo: Repository) -> str | None:
    """Why `git status` may look clean although files differ from HEAD: sparse checkout,
    skip-worktree or assume-unchanged entries; None when there are none."""
    # `ls-files -v` tags skip-worktree entries S and assume-unchanged ones in lowercase.
    output = repo.git("ls-files", "-v", "-z")
    for entry in output.split(b"\0"):
        tag = entry[:1]
        if tag == b"S":
            return "files marked skip-worktree (or outside a sparse checkout)"
        if tag.islower():
            return "files marked assume-unchanged"
    return None


@contextmanager
def _temporary_index(repo: Repository, tree: str) -> Iterator[dict[str, str]]:
    """An environment whose GIT_INDEX_FILE is a new index holding TREE (the user's is untouched)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hotfix-guard-index-") as folder:
        env = {**(repo.env or os.environ), "GIT_INDEX_FILE": os.path.join(folder, "index")}
        repo.git_with(env, "read-tree", tree)
        yield env


def save_changes(repo: Repository, paths: Sequence[str], message: str) -> str:
    """A commit (no ref points at it) on HEAD holding the work tree's PATHS as they are now;
    `git stash apply <id>` or `git checkout <id> -- PATH` brings them back."""
    with _temporary_index(repo, "HEAD") as env:
        stdin = b"".join(os.fsencode(path) + b"\0" for path in paths)
        repo.git_with(env, "update-index", "--add", "--remove", "-z", "--stdin", stdin=stdin)
        tree = repo.git_with(env, "write-tree").decode().strip()
    return repo.git("commit-tree", tree, "-p", "HEAD", "-m", message).decode().strip()


def restore_paths(repo: Repository, paths: Sequence[str]) -> str | None:
    """Put PATHS back as they are in HEAD, in the work tree and the index.

    The work tree is written from a temporary index, so a lock on the user's index cannot stop
    it. The index needs its lock only if the command staged something; the reason it could not
    be restored, else None.
    """
    in_head = set(split_z(repo.git("ls-tree", "-r", "-z", "--name-only", "HEAD", "--", *paths)))
    with _temporary_index(repo, "HEAD") as env:
        stdin = b"".join(os.fsencode(path) + b"\0" for path in paths if path in in_head)
        if stdin:
            repo.git_with(env, "checkout-index", "-f", "-z", "--stdin", stdin=stdin)
    for path in paths:
        if path not in in_head:  # added by the command: it did not exist before
            with suppress(OSError):
                (repo.root / path).unlink()
    staged = lines(repo.git("diff-index", "--cached", "--name-only", "HEAD", "--", *paths))
    if not staged:
        return None
    try:
        repo.git("--literal-pathspecs", "reset", "-q", "HEAD", "--", *paths)
    except GitError as error:
        return error.reason
    return None


def _attribute_files_on_the_way(repo: Repository, commit: str, paths: Sequence[str]) -> bool:
    """Whether COMMIT has a .gitattributes in the top folder or in a folder leading to one of
    PATHS: the only files `attributes_at` lets set an attribute. One `cat-file` for them all."""
    folders = {""}
    for path in paths:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1))
    names = b"".join(os.fsencode(f"{commit}:{folder}.gitattributes") + b"\0" for folder in folders)
    found = repo.git("cat-file", "--batch-check=%(objecttype)", "-z", stdin=names)
    # A missing one prints "<name> missing"; a found one its type alone.
    return any(line in (b"blob", b"tree") for line in found.split(b"\n"))


def attributes_at(
    repo: Repository, commit: str, paths: Sequence[str], names: Sequence[str]
) -> dict[str, dict[str, str]]:
    """`git check-attr` as COMMIT's own .gitattributes files say, nothing else.

    git 2.39 has no `check-attr --source`, and `--cached` still reads the repository's
    uncommitted info/attributes: so the index is built from COMMIT in a throwaway bare repository
    that borrows the objects (alternates), with no info/attributes, and the user's and system
    attribute files are switched off. Only objects are read; the user's repository is untouched.
    """
    if not paths or not _attribute_files_on_the_way(repo, commit, paths):
        return {}  # nothing can set an attribute: no scratch repository to build
    import tempfile

    # One process for both answers: the format, then the object folder (which may hold "\n").
    answer = repo.git(
        "rev-parse", "--show-object-format", "--path-format=absolute", "--git-path", "objects"
    )
    object_format, _, rest = os.fsdecode(answer).partition("\n")
    objects = rest.removesuffix("\n")
    with tempfile.TemporaryDirectory(prefix="hotfix-guard-attributes-") as folder:
        bare = os.path.join(folder, "repository.git")
        # Its own repository: no GIT_DIR / GIT_WORK_TREE of the caller may point elsewhere.
        own = environment_for_other_work_tree(dict(os.environ))
        init = ["init", "--quiet", "--bare", "--template=", f"--object-format={object_format}"]
        repo.git_with(own, *init, bare)
        env = {
            **own,
            "GIT_DIR": bare,
            "GIT_INDEX_FILE": os.path.join(folder, "index"),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": os.pathsep.join(
                # In a pre-receive hook the pushed objects wait in a quarantine folder that
                # git names with these variables: borrow from it too.
                part
                for part in (objects, (repo.env or os.environ).get(ALTERNATES, ""))
                if part
            ),
            "GIT_ATTR_NOSYSTEM": "1",
        }
        repo.git_with(env, "read-tree", commit)
        stdin = b"".join(os.fsencode(path) + b"\0" for path in paths)
        output = repo.git_with(
            env,
            "-c", "core.attributesFile=/dev/null",
            "check-attr", "--cached", "-z", "--stdin", *names,
            stdin=stdin,
        )  # fmt: skip
    return parse_check_attr(output)
