"""The backport reminder and the push of main, through the real pre-commit, git merge and push."""

from __future__ import annotations

from pathlib import Path

from tests.support.precommit import PreCommit, git_result, output
from tests.support.repos import Repo

FIXED = "def main():\n    return 1\n"
HOOK_TYPES = ("post-merge", "post-commit")


def setup(repo: Repo, precommit: PreCommit, develop: bool = True) -> None:
    """Hooks installed on main; develop (if wanted) and hotfix/fix-login cut from it."""
    precommit.install(repo, hooks=("hotfix-backport",), hook_types=HOOK_TYPES)
    if develop:
        repo.git("branch", "develop")
    repo.branch("hotfix/fix-login")
    repo.commit("fix login", {"app/main.py": FIXED, "my notes": "hotfix\n"})
    repo.switch("main")


def test_no_ff_merge_prints_the_reminder_through_post_merge(
    repo: Repo, precommit: PreCommit
) -> None:
    setup(repo, precommit)
    repo.switch("develop")
    repo.commit("develop work", {"my notes": "develop\n"})
    repo.switch("main")
    merged = git_result(repo, "merge", "--no-ff", "--no-edit", "hotfix/fix-login")
    assert merged.returncode == 0
    text = output(merged)
    assert "hotfix backport reminder" in text
    assert "hotfix/fix-login was merged into main on " in text
    assert f"(merge {repo.head()[:12]}) and has not reached develop yet." in text
    assert "  Prediction: conflicts in: my notes.\n" in text
    assert "    git switch develop\n    git merge --no-ff hotfix/fix-login\n" in text
    assert repo.git("status", "--porcelain") == ""


def test_conflicted_merge_prints_the_reminder_through_post_commit(
    repo: Repo, precommit: PreCommit
) -> None:
    setup(repo, precommit)
    repo.commit("main moves on", {"app/main.py": "def main():\n    return 2\n"}, verify=False)
    conflicted = git_result(repo, "merge", "--no-edit", "hotfix/fix-login")
    assert conflicted.returncode == 1
    assert "hotfix backport reminder" not in output(conflicted)  # git fires no post-merge
    repo.write("app/main.py", "def main():\n    return 3\n")
    repo.git("add", "app/main.py")
    committed = git_result(repo, "commit", "--no-edit")
    assert committed.returncode == 0
    text = output(committed)
    assert f"(merge {repo.head()[:12]}) and has not reached develop yet." in text
    assert "  Prediction: merges cleanly.\n" in text


def test_squash_merge_is_reminded_of_when_committed(repo: Repo, precommit: PreCommit) -> None:
    setup(repo, precommit)
    squashed = git_result(repo, "merge", "--squash", "hotfix/fix-login")
    assert (
        "hotfix-guard: hotfix/fix-login is squash-merged into main but not committed yet; "
        "the backport reminder follows when you commit it"
    ) in output(squashed)
    committed = git_result(repo, "commit", "-m", "Fix login (#12)")
    assert f"(squash {repo.head()[:12]}) and has not reached develop yet." in output(committed)


def test_no_develop_no_noise(repo: Repo, precommit: PreCommit) -> None:
    setup(repo, precommit, develop=False)
    merged = git_result(repo, "merge", "--no-ff", "--no-edit", "hotfix/fix-login")
    assert merged.returncode == 0
    assert "hotfix-guard" not in output(merged)


def test_push_of_main_warns_and_blocks_at_error_level(
    repo: Repo, remote: Path, precommit: PreCommit
) -> None:
    # pre-commit shows a passing hook's output only when verbose: the README says to set it.
    hooks = ({"id": "hotfix-guard", "verbose": True},)
    precommit.install(repo, hooks=hooks, hook_types=("pre-push",))
    repo.git("branch", "develop")
    repo.branch("hotfix/fix-login")
    repo.commit("fix login", {"app/main.py": FIXED})
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")
    warned = git_result(repo, "push", "origin", "main")
    assert warned.returncode == 0, output(warned)
    assert (
        "hotfix/fix-login: backport: merged into main on " in output(warned)
        and "but has not reached develop; merges cleanly; backport it: git switch develop && "
        "git merge --no-ff hotfix/fix-login"
        in output(warned)
    )
    # main's config from before a push judges it: the stricter config is on origin first (a
    # config commit straight on main needs --no-verify, or the server's push option).
    repo.commit("block", {".hotfix-guard.toml": '[rules]\nbackport = "error"\n'}, verify=False)
    repo.git("push", "-q", "--no-verify", "origin", "main")
    repo.branch("hotfix/fix-logout")
    repo.commit("fix logout\n\nSeverity: P2", {"app/logout.py": "x = 1\n"})
    repo.switch("main")
    repo.merge("hotfix/fix-logout", "--no-ff")
    blocked = git_result(repo, "push", "origin", "main")
    assert blocked.returncode == 1
    assert "hotfix-guard failed: 2 errors, 0 warnings (push: main: main at " in output(blocked)
