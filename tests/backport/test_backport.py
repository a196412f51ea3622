"""The backport rule: hotfixes merged into main, recognised in every shape, and where they went."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard import scope
from hotfix_guard.backport.merges import (
    FAST_FORWARD,
    MERGE,
    REBASE,
    SQUASH,
    HotfixMerge,
    merged_branch,
    recognise,
)
from hotfix_guard.backport.reach import BackportBranches
from hotfix_guard.backport.status import POST_COMMIT, POST_MERGE, day, reminder
from hotfix_guard.cli import cli
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.stages import PushedRef, push_stage
from hotfix_guard.git.repository import Repository
from tests.support.repos import Repo

FIXED = "def main():\n    return 1\n"


def make_hotfix(
    repo: Repo, name: str = "hotfix/fix-login", files: dict[str, str | bytes] | None = None
) -> str:
    """A one-commit hotfix cut from main; back on main afterwards."""
    repo.branch(name, "main")
    tip = repo.commit("fix login", files or {"app/main.py": FIXED})
    repo.switch("main")
    return tip


def with_develop(repo: Repo) -> None:
    repo.branch("develop", "main")
    repo.commit("develop work", {"app/feature.py": "FEATURE = True\n"})
    repo.switch("main")


def found(repo: Repo, config: Config | None = None) -> list[tuple[str, str]]:
    config = config or Config()
    git_repo = Repository.discover()
    main = scope.find_main(git_repo, config)
    return [(h.branch, h.how) for h in recognise(git_repo, config, main, main.refs)]


def backports(repo: Repo) -> list[tuple[str, str, str, str]]:
    """(hotfix, backport branch, status, copy) for every hotfix merged into main."""
    git_repo = Repository.discover()
    main = scope.find_main(git_repo, Config())
    hotfixes = recognise(git_repo, Config(), main, main.refs)
    branches = BackportBranches(git_repo, Config(), main)
    return [
        (hotfix.branch, b.branch, b.status, b.label)
        for hotfix, found in branches.backports(hotfixes).items()
        for b in found
    ]


def status(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["backport-status", *args])
    return result.exit_code, result.output


# --- recognising a hotfix merged into main ------------------------------------------------------


def test_no_ff_merge_is_recognised(repo: Repo) -> None:
    tip = make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    git_repo = Repository.discover()
    main = scope.find_main(git_repo, Config())
    [hotfix] = recognise(git_repo, Config(), main, main.refs)
    assert hotfix == HotfixMerge(
        "hotfix/fix-login", MERGE, repo.head(), tip, repo.git("rev-parse", "HEAD^1"), hotfix.landed
    )


@pytest.mark.parametrize(
    "subject",
    [
        "Merge pull request #12 from owner/hotfix/fix-login",
        "Merge branch 'hotfix/fix-login' into 'main'",
        "Merge branch 'hotfix/fix-login' of https://git.example.com/shop into main",
        "Merge remote-tracking branch 'origin/hotfix/fix-login'",
        "Merged in hotfix/fix-login (pull request #7)",
    ],
)
def test_forge_merge_subjects_name_the_hotfix_after_the_branch_is_gone(
    repo: Repo, subject: str
) -> None:
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff", "-m", subject)
    repo.git("branch", "-D", "hotfix/fix-login")
    assert found(repo) == [("hotfix/fix-login", MERGE)]


def test_merge_with_an_edited_subject_is_recognised_by_the_branch_tip(repo: Repo) -> None:
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff", "-m", "Ship the login fix")
    assert found(repo) == [("hotfix/fix-login", MERGE)]


def test_merges_of_other_branches_are_not_hotfixes(repo: Repo) -> None:
    make_hotfix(repo, "feature/login")
    repo.merge("feature/login", "--no-ff")
    assert found(repo) == []
    assert merged_branch("Merge branch 'feature/login'") == "feature/login"
    assert merged_branch("Fix the login") is None


def test_conflict_resolved_merge_is_recognised(repo: Repo) -> None:
    make_hotfix(repo)
    repo.commit("main moves on", {"app/main.py": "def main():\n    return 2\n"})
    conflicted = subprocess.run(["git", "merge", "-q", "hotfix/fix-login"], cwd=repo.path)
    assert conflicted.returncode == 1
    repo.write("app/main.py", "def main():\n    return 3\n")
    repo.git("commit", "-q", "-a", "--no-edit")
    assert found(repo) == [("hotfix/fix-login", MERGE)]


def test_fast_forward_merge_is_recognised_from_mains_reflog(repo: Repo) -> None:
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--ff-only")
    repo.git("branch", "-D", "hotfix/fix-login")
    assert found(repo) == [("hotfix/fix-login", FAST_FORWARD)]


def test_forge_fast_forward_is_recognised_from_the_remote_hotfix_branch(
    repo: Repo, remote: Path
) -> None:
    make_hotfix(repo)
    repo.git("push", "-q", "origin", "hotfix/fix-login")
    repo.git("push", "-q", "origin", "hotfix/fix-login:main")  # what a forge's fast-forward does
    repo.git("fetch", "-q", "origin")
    repo.git("branch", "-D", "hotfix/fix-login")
    assert found(repo) == [("hotfix/fix-login", FAST_FORWARD)]


def test_a_hotfix_branch_just_cut_from_main_is_not_merged(repo: Repo) -> None:
    repo.git("branch", "hotfix/fix-login")
    assert found(repo) == []


def test_squash_merge_is_recognised_by_patch_id(repo: Repo) -> None:
    make_hotfix(repo)
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    squash = repo.commit("Fix login (#12)")
    assert found(repo) == [("hotfix/fix-login", SQUASH)]
    git_repo = Repository.discover()
    main = scope.find_main(git_repo, Config())
    assert recognise(git_repo, Config(), main, main.refs)[0].commit == squash


def test_squash_merge_of_a_hotfix_that_merged_main_in_and_among_other_branches(
    repo: Repo,
) -> None:
    make_hotfix(repo, "hotfix/stale", {"app/stale.py": "S = 1\n"})
    make_hotfix(repo)
    repo.commit("main moves on", {"app/other.py": "O = 1\n"})
    repo.switch("hotfix/fix-login")
    repo.commit("second commit", {"app/login.py": "L = 1\n"})
    repo.merge("main")
    repo.switch("main")
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    repo.commit("Fix login (#12)")
    assert found(repo) == [("hotfix/fix-login", SQUASH)]


def test_rebase_merge_is_recognised_commit_by_commit(repo: Repo) -> None:
    make_hotfix(repo)
    repo.switch("hotfix/fix-login")
    repo.commit("second commit", {"app/login.py": "L = 1\n"})
    repo.switch("main")
    repo.commit("main moves on", {"app/other.py": "O = 1\n"})
    repo.git("cherry-pick", "main..hotfix/fix-login")  # what a forge's "rebase and merge" does
    assert found(repo) == [("hotfix/fix-login", REBASE)]
    git_repo = Repository.discover()
    main = scope.find_main(git_repo, Config())
    assert recognise(git_repo, Config(), main, main.refs)[0].commit == repo.head()


def test_squash_merge_of_a_hotfix_that_only_exists_on_the_remote(repo: Repo, remote: Path) -> None:
    make_hotfix(repo, files={"app/main.py": FIXED, "app/extra.py": "X = 1\n"})
    repo.git("push", "-q", "origin", "hotfix/fix-login")
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    repo.commit("Fix login (#12)")
    repo.git("branch", "-D", "hotfix/fix-login")
    assert found(repo) == [("hotfix/fix-login", SQUASH)]


def test_branch_patterns_decide_what_is_a_hotfix(repo: Repo) -> None:
    make_hotfix(repo, "urgent/fix-login")
    repo.merge("urgent/fix-login", "--no-ff")
    assert found(repo) == []
    assert found(repo, Config(branch_patterns=("urgent/*",))) == [("urgent/fix-login", MERGE)]


# --- where each hotfix went ---------------------------------------------------------------------


def test_backport_by_merge_counts_as_done(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    assert backports(repo) == [("hotfix/fix-login", "develop", "missing", "develop")]
    repo.switch("develop")
    repo.merge("hotfix/fix-login", "--no-ff")
    assert backports(repo) == [("hotfix/fix-login", "develop", "merge", "develop")]


def test_backport_by_cherry_pick_counts_as_done(repo: Repo) -> None:
    with_develop(repo)
    tip = make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.switch("develop")
    repo.git("cherry-pick", tip)
    assert backports(repo) == [("hotfix/fix-login", "develop", "cherry-pick", "develop")]


def test_cherry_pick_with_resolved_conflicts_counts_when_it_says_where_it_came_from(
    repo: Repo,
) -> None:
    repo.branch("develop", "main")
    repo.commit("develop work", {"app/main.py": "def main():\n    return 9\n"})
    repo.switch("main")
    tip = make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.switch("develop")
    picked = subprocess.run(["git", "cherry-pick", "-x", tip], cwd=repo.path, capture_output=True)
    assert picked.returncode == 1  # conflicts: the resolved commit has another patch id
    repo.write("app/main.py", "def main():\n    return 10\n")
    repo.git("add", "app/main.py")
    repo.git("-c", "core.editor=true", "cherry-pick", "--continue")
    assert backports(repo) == [("hotfix/fix-login", "develop", "cherry-pick", "develop")]
    repo.git("commit", "-q", "--amend", "-m", "resolved by hand, origin not recorded")
    assert backports(repo) == [("hotfix/fix-login", "develop", "missing", "develop")]


def test_non_ascii_hotfix_names_and_paths(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo, "hotfix/corrige-café", {"docs/café menu.md": "fixed\n"})
    repo.merge("hotfix/corrige-café", "--no-ff")
    code, output = status()
    assert code == 1
    assert output.splitlines()[1] == (
        "  develop: missing (merges cleanly): git switch develop && "
        "git merge --no-ff hotfix/corrige-café"
    )


def test_commands_are_quoted_for_the_shell(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo, "hotfix/it's-$HOME")
    repo.merge("hotfix/it's-$HOME", "--no-ff")
    assert (
        status()[1]
        .splitlines()[1]
        .endswith("git switch develop && git merge --no-ff 'hotfix/it'\"'\"'s-$HOME'")
    )


def test_backport_of_a_squash_merge_by_squashing_into_develop_counts_as_done(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.commit("second fix commit", {"app/other.py": "OTHER = 1\n"})  # on main, before
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    repo.commit("Fix login (#12)")
    repo.switch("develop")
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    repo.commit("Backport fix login")
    assert backports(repo) == [("hotfix/fix-login", "develop", "cherry-pick", "develop")]


def test_backport_branch_only_on_the_remote_uses_the_remote_tracking_branch(
    repo: Repo, remote: Path
) -> None:
    with_develop(repo)
    repo.git("push", "-q", "origin", "develop")
    repo.git("branch", "-D", "develop")
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    assert backports(repo) == [("hotfix/fix-login", "develop", "missing", "origin/develop")]
    assert reminder(Repository.discover(), Config(), POST_MERGE).splitlines()[-3:] == [
        "    git switch develop",
        "    git merge --no-ff hotfix/fix-login",
        "    git push origin develop",
    ]


# --- the reminder -------------------------------------------------------------------------------


def test_reminder_after_a_merge_names_hotfix_branch_commands_and_prediction(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    text = reminder(Repository.discover(), Config(), POST_MERGE)
    date = day(int(repo.git("log", "-1", "--format=%ct")))
    assert text == (
        f"hotfix-guard: hotfix/fix-login was merged into main on {date} "
        f"(merge {repo.head()[:12]}) and has not reached develop yet.\n"
        "  Prediction: merges cleanly.\n"
        "  Backport it now:\n"
        "    git switch develop\n"
        "    git merge --no-ff hotfix/fix-login"
    )


def test_reminder_predicts_conflicting_paths(repo: Repo) -> None:
    repo.branch("develop", "main")
    odd = os.fsdecode(b"caf\xe9\nmenu.txt")  # a newline and a byte that is not UTF-8
    repo.commit("develop work", {"app/main.py": "def main():\n    return 9\n", odd: "a\n"})
    repo.switch("main")
    make_hotfix(repo, files={"app/main.py": FIXED, odd: "b\n", "app/clean.py": "C = 1\n"})
    repo.merge("hotfix/fix-login", "--no-ff")
    before = [repo.git("status", "--porcelain", "--ignored"), repo.git("for-each-ref")]
    text = reminder(Repository.discover(), Config(), POST_MERGE)
    assert '  Prediction: conflicts in: app/main.py, "caf\\xe9\\nmenu.txt".\n' in text
    code, output = status("--format", "json")
    assert code == 1
    [backport] = json.loads(output)["hotfixes"][0]["backports"]
    assert backport["conflicts"] == ["app/main.py", "caf\\xe9\nmenu.txt"]
    # merge-tree works in memory: work tree, index and refs are as they were.
    assert [repo.git("status", "--porcelain", "--ignored"), repo.git("for-each-ref")] == before


def test_reminder_says_plainly_when_git_cannot_predict(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    # git 2.37 cannot be installed here: pretend to be it.
    monkeypatch.setattr(Repository, "version", (2, 37, 1))
    text = reminder(Repository.discover(), Config(), POST_MERGE)
    assert (
        "  Prediction: cannot predict: git 2.37.1 has no `git merge-tree --write-tree` "
        "(git 2.38 or newer).\n" in text
    )


def test_reminder_is_silent_without_develop_off_main_and_when_backported(repo: Repo) -> None:
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    git_repo = Repository.discover()
    assert reminder(git_repo, Config(), POST_MERGE) == ""  # no develop: no noise
    repo.git("branch", "develop", "main")
    assert reminder(Repository.discover(), Config(), POST_MERGE) == ""  # develop has it
    repo.git("branch", "-f", "develop", "main~1")
    repo.switch("develop")
    assert reminder(Repository.discover(), Config(), POST_COMMIT) == ""  # not on main
    repo.git("switch", "-q", "--detach", "main")
    assert reminder(Repository.discover(), Config(), POST_COMMIT) == ""  # detached HEAD


def test_reminder_after_a_squash_merge_waits_for_the_commit(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    monkeypatch.setenv("GIT_REFLOG_ACTION", "merge hotfix/fix-login")  # as git merge sets it
    # A plain git post-merge hook passes git's squash flag on as an argument.
    result = CliRunner().invoke(cli, ["backport-reminder", "--stage", "post-merge", "1"])
    assert (result.exit_code, result.output) == (
        0,
        "hotfix-guard: hotfix/fix-login is squash-merged into main but not committed yet; "
        "the backport reminder follows when you commit it\n",
    )
    repo.commit("Fix login (#12)")
    text = reminder(Repository.discover(), Config(), POST_COMMIT)
    assert text.startswith("hotfix-guard: hotfix/fix-login was merged into main on ")
    assert f"(squash {repo.head()[:12]})" in text


def test_reminder_command_always_exits_zero(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "max-files = 'many'\n")
    result = CliRunner().invoke(cli, ["backport-reminder", "--stage", "post-merge"])
    assert (result.exit_code, result.output) == (
        0,
        "hotfix-guard: .hotfix-guard.toml: max-files = 'many' is invalid: "
        "expected a positive integer\n",
    )


# --- the push of main ---------------------------------------------------------------------------


def push_main(repo: Repo) -> tuple[int, list[str]]:
    git_repo = Repository.discover()
    pushed = [PushedRef("refs/heads/main", repo.head(), "refs/heads/main", "0" * 40)]
    report = push_stage(git_repo, pushed)
    return report.exit_code, [f"{f.where}: {f.rule}: {f.severity}" for f in report.findings]


def test_push_of_main_warns_and_blocks_when_backport_is_an_error(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    assert push_main(repo) == (0, ["hotfix/fix-login: backport: warning"])
    # The push is judged by the config committed in main, not by the work tree's.
    repo.write(".hotfix-guard.toml", '[rules]\nbackport = "error"\n')
    assert push_main(repo) == (0, ["hotfix/fix-login: backport: warning"])
    repo.commit("backports are a must")
    assert push_main(repo) == (1, ["hotfix/fix-login: backport: error"])
    repo.commit("backports are optional", {".hotfix-guard.toml": '[rules]\nbackport = "off"\n'})
    assert push_main(repo) == (0, [])


def test_push_of_main_without_develop_says_nothing(repo: Repo) -> None:
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    assert push_main(repo) == (0, [])


# --- backport-status ----------------------------------------------------------------------------


def test_status_exit_codes_follow_missing_backports(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    code, output = status()
    assert code == 1
    lines = output.splitlines()
    assert lines[0].startswith("hotfix/fix-login: merged into main on ")
    assert lines[0].endswith(f"(merge {repo.head()[:12]}), today")
    assert lines[1] == (
        "  develop: missing (merges cleanly): git switch develop && "
        "git merge --no-ff hotfix/fix-login"
    )
    assert lines[2].startswith("backport-status: 1 hotfix merged into main since ")
    assert lines[2].endswith(", 1 missing backport")
    repo.switch("develop")
    repo.merge("hotfix/fix-login", "--no-ff")
    code, output = status()
    assert code == 0
    assert output.splitlines()[1] == "  develop: reached by merge (develop)"


def test_status_json(repo: Repo) -> None:
    with_develop(repo)
    tip = make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    code, output = status("--format", "json")
    assert code == 1
    data = json.loads(output)
    assert data["ok"] is False and data["main"] == "main" and data["absent_branches"] == []
    [hotfix] = data["hotfixes"]
    assert {k: hotfix[k] for k in ("branch", "how", "commit", "tip", "age_days")} == {
        "branch": "hotfix/fix-login",
        "how": "merge",
        "commit": repo.head(),
        "tip": tip,
        "age_days": 0,
    }
    assert hotfix["backports"] == [
        {
            "branch": "develop",
            "status": "missing",
            "ref": "develop",
            "commands": ["git switch develop", "git merge --no-ff hotfix/fix-login"],
            "prediction": "merges cleanly",
            "conflicts": [],
        }
    ]


def test_status_window_and_bad_since(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    assert status("--since", "2999-01-01") == (
        0,
        "No hotfix merged into main since 2999-01-01.\n",
    )
    assert status("--since", "last week") == (
        2,
        "hotfix-guard: --since 'last week' is not a date: use YYYY-MM-DD (default: 90 days ago)\n",
    )


def test_status_says_once_that_a_backport_branch_is_missing_everywhere(repo: Repo) -> None:
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    make_hotfix(repo, "hotfix/fix-cart", {"app/cart.py": "CART = 1\n"})
    repo.merge("hotfix/fix-cart", "--no-ff")
    code, output = status()
    assert code == 0
    assert output.count("develop") == 1
    assert output.splitlines()[0] == "develop: backport branch not found locally or on any remote"


def test_fast_path_leaves_the_reminder_and_pushes_of_main_to_the_full_path(repo: Repo) -> None:
    from hotfix_guard.engine.fastpath import nothing_to_check

    repo.branch("feature/x")
    assert nothing_to_check(["backport-reminder"], {}) is False
    assert nothing_to_check(["hook"], {}) is True  # a feature branch commit: the fast answer
    pushing_main = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main", "PRE_COMMIT_TO_REF": "main"}
    assert nothing_to_check(["hook"], pushing_main) is False


def test_fast_path_leaves_every_push_to_the_full_path(repo: Repo, remote: Path) -> None:
    """main named only by origin/HEAD, or another branch: a push is judged by committed configs,
    which the fast path does not read."""
    from hotfix_guard.engine.fastpath import nothing_to_check

    repo.git("branch", "-m", "main", "trunk")
    repo.git("push", "-q", "origin", "trunk")
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    pushing_trunk = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/trunk", "PRE_COMMIT_TO_REF": "trunk"}
    assert nothing_to_check(["hook"], pushing_trunk) is False
    pushing_other = {
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature/x",
        "PRE_COMMIT_TO_REF": "trunk",
    }
    assert nothing_to_check(["hook"], pushing_other) is False


# --- odd input: dates before 1973, stale remote copies -------------------------------------------


def test_since_before_1973_lists_everything(repo: Repo) -> None:
    with_develop(repo)
    make_hotfix(repo)
    repo.merge("hotfix/fix-login", "--no-ff")
    for since in ("1973-03-02", "1970-01-01", "1969-07-20"):
        code, output = status("--since", since)
        assert code == 1, (since, output)
        assert output.startswith("hotfix/fix-login: merged into main on "), (since, output)


def test_a_stale_remote_copy_does_not_make_one_fast_forward_two(repo: Repo, remote: Path) -> None:
    repo.branch("hotfix/fix-login", "main")
    repo.commit("fix login", {"app/main.py": FIXED})
    repo.git("push", "-q", "origin", "hotfix/fix-login")  # origin/hotfix/fix-login stays here
    repo.commit("review", {"app/main.py": FIXED + "# reviewed\n"})
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--ff")
    assert found(repo) == [("hotfix/fix-login", "fast-forward")]
