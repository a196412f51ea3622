"""Rollbacks are never blocked for size or noise; the rest of a hotfix is checked as usual."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotfix_guard.catalog import rules_of_hook
from hotfix_guard.cli import cli
from tests.support.noise import SERVICE
from tests.support.repos import Repo, code_files, without_pass_summary

RULES = ("diff-size", *rules_of_hook("hotfix-no-refactor"))


def check() -> tuple[int, list[str]]:
    options = [option for rule in RULES for option in ("--rule", rule)]
    result = CliRunner().invoke(cli, ["check", *options])
    return result.exit_code, without_pass_summary(result.output.splitlines())


def bad_release(repo: Repo) -> str:
    """A release on main that is 30 files of code plus a reformat of the service."""
    repo.commit("service", {"app/service.py": SERVICE})
    return repo.commit(
        "Release 2.0 (#41)",
        {**code_files(30, lines=20), "app/service.py": SERVICE.replace("    ", "\t")},
    )


def test_a_revert_plus_a_version_bump_passes_and_says_what_it_set_aside(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-edit", bad)
    revert = repo.head()
    repo.commit("Bump version to 2.0.1", {"VERSION": "2.0.1\n"})
    code, lines = check()
    assert (code, lines[0]) == (
        0,
        "hotfix/rollback-release: diff-size: not counted: 31 files and 632 code lines that "
        f"{revert[:10]} change, reverting commits already on main ({bad[:10]}); the change "
        "after them counts",
    )


def test_a_revert_of_a_squash_merged_pull_request_by_its_message_passes(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-commit", bad)
    repo.git("commit", "-q", "-m", 'Revert "Release 2.0 (#41)"\n\nReverts acme/shop#41')
    repo.commit("Changelog: 2.0.1", {"CHANGELOG": "2.0.1: rolled back 2.0\n"})
    assert check()[0] == 0


def test_a_revert_of_a_merged_pull_request_passes(repo: Repo) -> None:
    repo.commit("service", {"app/service.py": SERVICE})
    repo.branch("feature/export")
    repo.commit("export", code_files(30, lines=20))
    repo.switch("main")
    repo.merge("feature/export", "--no-ff")
    merge = repo.head()
    repo.branch("hotfix/rollback-export")
    repo.git("revert", "--no-edit", "-m", "1", merge)
    code, lines = check()
    assert code == 0
    assert lines[0].startswith(
        "hotfix/rollback-export: diff-size: exempt: 30 files and 600 code lines, but the change "
        f"only reverts commits already on main ({merge[:10]})"
    )


def test_the_rest_next_to_a_revert_is_still_checked(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-edit", bad)
    repo.commit("and a tidy-up", {"app/extra.py": "A = 1\n\nB = 2\n"})
    repo.commit("and more", {"app/extra.py": "A = 1\nB = 2\n", **code_files(21, 1, "src/new")})
    code, lines = check()
    assert code == 1
    assert "app/extra.py:1: whitespace: the whole change of this file is whitespace" not in lines
    assert any(
        line.startswith("hotfix/rollback-release: diff-size: 22 changed files") for line in lines
    )


def test_a_commit_that_says_revert_but_is_no_inverse_is_checked_as_usual(repo: Repo) -> None:
    bad = bad_release(repo)
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-commit", bad)
    repo.write("src/module_0.py", "value_0 = 99\n")  # a partial revert, edited
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Revert most of the release")
    code, lines = check()
    assert code == 1
    assert any(
        line.startswith("hotfix/rollback-release: diff-size: 31 changed files") for line in lines
    )


def test_a_revert_of_a_pull_request_that_reached_main_through_develop_passes(repo: Repo) -> None:
    repo.commit("service", {"app/service.py": SERVICE})
    repo.branch("develop")
    repo.branch("feature/bulk-writes")
    repo.commit("less frequent db updates", code_files(30, lines=20))
    repo.switch("develop")
    repo.merge("feature/bulk-writes", "--no-ff")
    pull_request = repo.head()
    repo.switch("main")
    repo.merge("develop", "--no-ff")  # the release: the pull request is not on main's first parents
    repo.branch("hotfix/revert-bulk-writes")
    repo.git("revert", "--no-edit", "-m", "1", pull_request)
    repo.commit("bump version", {"VERSION": "1.0.1\n"})
    code, lines = check()
    assert code == 0
    assert lines[0].startswith(
        "hotfix/revert-bulk-writes: diff-size: not counted: 30 files and 600"
    )
    assert lines[0].endswith(
        f"reverting commits already on main ({pull_request[:10]}); the change after them counts"
    )


# --- rollbacks whose reverts are not exact inverses, with fix-ups after them -----------------


ORDERS = "".join(
    f"def step_{n}(store, order_id):\n    order = store.load(order_id)\n"
    f"    order.step = {n}\n    store.save(order)\n    return order_id\n\n\n"
    for n in range(8)
)


def reshaping_release(repo: Repo) -> str:
    """A release on main that moves the service, moves a function and renames a parameter."""
    repo.commit("service", {"app/service.py": SERVICE, "app/orders.py": ORDERS, **code_files(3)})
    steps = ORDERS.split("\n\n\n")
    reordered = "\n\n\n".join([steps[6], *steps[:6], *steps[7:]]).replace("order_id", "oid")
    repo.git("rm", "-q", "app/service.py")
    return repo.commit(
        "Release 2.0: users package",
        {"app/orders.py": reordered, "app/users/service.py": SERVICE + "\nVERSION = 2\n"},
    )


def test_reverts_resolved_by_hand_then_lint_fix_ups_pass(repo: Repo) -> None:
    release = reshaping_release(repo)
    repo.commit("later on main", {"src/module_0.py": "value_0 = 10\n"})
    repo.branch("hotfix/rollback-users")
    repo.git("revert", "--no-commit", release)
    # the conflict resolved by hand: one line of a reverted file differs from main's old one
    repo.write("app/orders.py", ORDERS.replace("order.step = 1", "order.step = -1"))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", f'Revert "Release 2.0"\n\nThis reverts commit {release}.')
    repo.commit(
        "lint and test fix-ups",
        {
            "app/orders.py": ORDERS.replace("order.step = 1", "order.step = 1  # noqa"),
            "tests/test_service.py": "".join(
                f"def test_{n}():\n    assert True\n" for n in range(10)
            ),
        },
    )
    assert check() == (
        0,
        ["tests/test_service.py: diff-size: not counted (test: test_*.py): +20 -0"],
    )


def test_what_follows_the_reverts_is_still_checked(repo: Repo) -> None:
    release = reshaping_release(repo)
    repo.branch("hotfix/rollback-users")
    repo.git("revert", "--no-edit", release)
    repo.git("mv", "src/module_1.py", "src/renamed.py")
    repo.git("commit", "-q", "-m", "and a move")
    code, lines = check()
    assert code == 1
    assert lines == [
        "src/renamed.py:1: rename: renamed: src/module_1.py -> src/renamed.py (similarity 100%)",
        "hotfix-guard failed: 1 error, 0 warnings (hotfix/rollback-users against main, merge base "
        f"{release[:12]} + staged changes)",
        "To fix: rename: git mv -- src/renamed.py src/module_1.py",
        "To fix: if rename must not hold for this hotfix, record why on the branch: "
        "hotfix-guard override rename --reason '<why, 10 characters or more>'",
    ]


def test_a_github_revert_of_a_merged_pull_request_by_number_passes(repo: Repo) -> None:
    repo.commit("service", {"app/service.py": SERVICE})
    repo.branch("feature/users")
    repo.git("mv", "app/service.py", "app/users.py")
    repo.commit(
        "users", {**code_files(30, lines=20), "app/users.py": SERVICE.replace("user_id", "uid")}
    )
    repo.switch("main")
    repo.merge("feature/users", "--no-ff", "-m", "Merge pull request #4127 from acme/feature/users")
    merge = repo.head()
    repo.branch("hotfix/revert-users")
    repo.git("revert", "--no-commit", "-m", "1", merge)
    repo.write("app/service.py", SERVICE.replace("    return user\n", "    return user  # 2.0.1\n"))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Revert #4127\n\nReverts acme/shop#4127")
    assert check() == (
        0,
        [
            "hotfix/revert-users: diff-size: exempt: 32 files and 668 code lines, but the change "
            f"only reverts commits already on main ({merge[:10]})"
        ],
    )


def test_a_message_that_names_a_revert_but_touches_other_files_is_checked(repo: Repo) -> None:
    release = reshaping_release(repo)
    repo.branch("hotfix/rollback-users")
    repo.git("revert", "--no-commit", release)
    repo.git("mv", "src/module_1.py", "src/renamed.py")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", f"Revert the release\n\nThis reverts commit {release}.")
    code, lines = check()
    assert code == 1
    assert (
        "src/renamed.py:1: rename: renamed: src/module_1.py -> src/renamed.py (similarity 100%)"
        in lines
    )
    assert any(line.startswith("app/service.py:1: rename: renamed: ") for line in lines)


def test_a_revert_of_a_commit_older_than_the_search_depth_passes_by_its_message(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hotfix_guard.engine.context import rollback

    monkeypatch.setattr(rollback, "REVERT_SEARCH_DEPTH", 2)  # main's history is long
    release = reshaping_release(repo)
    for n in range(3):
        repo.commit(f"later {n}", {f"docs/note_{n}.md": "note\n"})
    repo.branch("hotfix/rollback-users")
    repo.git("revert", "--no-edit", release)
    assert check() == (0, [])


def test_a_revert_that_also_adjusts_a_test_passes_by_its_message(repo: Repo) -> None:
    release = reshaping_release(repo)
    repo.commit("a test of the release", {"tests/test_orders.py": "def test_it():\n    pass\n"})
    repo.branch("hotfix/rollback-users")
    repo.git("revert", "--no-commit", release)
    repo.write("app/orders.py", ORDERS.replace("order.step = 1", "order.step = -1"))
    repo.write("tests/test_orders.py", "def test_it():\n    assert True\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", f"Revert the release\n\nThis reverts commit {release}.")
    assert check() == (
        0,
        ["tests/test_orders.py: diff-size: not counted (test: test_*.py): +1 -1"],
    )
