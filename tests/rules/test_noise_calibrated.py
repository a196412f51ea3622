"""Shapes of real hotfixes the calibration (benchmarks/calibration.md) found, written by hand."""

from __future__ import annotations

import pytest

from hotfix_guard.engine import hunks
from tests.support.noise import SERVICE, check, findings, hotfix
from tests.support.repos import Repo


def test_a_new_file_that_shares_boilerplate_with_an_edited_one_is_not_a_copy(repo: Repo) -> None:
    header = "".join(f"# Copyright line {n} of the project's license header\n" for n in range(8))
    repo.commit("base", {"app/errors.py": header + "class AppError(Exception):\n    pass\n"})
    repo.branch("hotfix/fix-login")
    repo.commit(
        "fix",
        {
            "app/errors.py": header + "class AppError(Exception):\n    code = 500\n",
            "app/timeout.py": header + "class LoginTimeout(Exception):\n    code = 504\n",
        },
    )
    # git itself calls the new file a copy (89% similar), the rule does not.
    copies = repo.git("diff", "-M", "-C", "--name-status", "main", "HEAD").splitlines()
    assert "C089\tapp/errors.py\tapp/timeout.py" in copies
    assert findings("rename") == []


def test_whitespace_inside_a_word_is_a_real_change(repo: Repo) -> None:
    hotfix(
        repo,
        {"app/messages.py": "GREETING = 'hello world'\n"},
        base={"app/messages.py": "GREETING = 'helloworld'\n"},
    )
    assert findings("whitespace") == []


def test_copies_of_a_snippet_edited_alike_are_not_moved_between_files(repo: Repo) -> None:
    snippet = "".join(f"CHECKSUM_{n} = compute({n} , 'ean')\n" for n in range(6))
    hotfix(
        repo,
        {"app/ean8.py": snippet.replace(" , ", ", "), "app/ean13.py": snippet.replace(" , ", ", ")},
        base={"app/ean8.py": snippet, "app/ean13.py": snippet},
    )
    assert findings("moved-code") == []


def test_a_brace_moved_to_its_own_line_is_whitespace(repo: Repo) -> None:
    base = "class Monitor {\n    function report($e) {\n        return $e;\n    }\n}\n"
    braced = "class Monitor {\n    function report($e)\n    {\n        return $e;\n    }\n}\n"
    hotfix(repo, {"app/Monitor.php": braced}, base={"app/Monitor.php": base})
    assert findings("whitespace") == [
        "app/Monitor.php:2: whitespace: the whole change of this file is whitespace "
        "(line breaks, 3 changed lines)"
    ]


def test_statements_and_their_comments_moved_up_to_fix_the_order_pass(repo: Repo) -> None:
    # Shaped like a real hotfix: the form data must be set before the validators are adjusted.
    setup = (
        "    # collect the posted values\n    files = request.files()\n    other = request.post()\n"
        "    post = merge(other, files)\n    # validate with them\n    form.set_data(post)\n"
    )
    middle = "".join(f"    adjust_validator(form, {n})\n" for n in range(8))
    head = "def handle(form, request):\n    container = session()\n\n"
    base = f"{head}{middle}\n{setup}    return form\n"
    fixed = f"{head}{setup}\n{middle}    return form\n"
    hotfix(repo, {"app/upload.py": fixed}, base={"app/upload.py": base})
    assert findings("moved-code") == []


def test_a_change_too_big_to_read_is_left_to_diff_size(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hunks, "MAX_CHANGE_LINES", 20)
    hotfix(repo, {"app/service.py": SERVICE.replace("    ", "\t")})
    code, lines = check("whitespace", "moved-code")
    assert code == 0
    assert lines[:2] == [
        "hotfix/fix-login: whitespace: not checked: 32 changed code lines are more than the 20 "
        "the line rules read",
        "hotfix/fix-login: moved-code: not checked: 32 changed code lines are more than the 20 "
        "the line rules read",
    ]
