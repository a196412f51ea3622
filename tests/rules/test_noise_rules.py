"""The no-refactor rules on real repositories: noise fails, realistic fixes pass."""

from __future__ import annotations

from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.noise import FIX, SERVICE, check, edit, findings, hotfix
from tests.support.repos import Repo

# --- fixes that must pass ---------------------------------------------------------------------


def test_a_plain_one_line_fix_passes_every_noise_rule(repo: Repo) -> None:
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX)})
    assert check() == (0, [])


def test_reindent_from_a_new_if_around_the_fix_passes(repo: Repo) -> None:
    wrapped = edit(
        SERVICE,
        (
            '    log.info("logout %s", user_id)\n    user.session = None\n    store.save(user)\n',
            '    log.info("logout %s", user_id)\n    if user.session is not None:\n'
            "        user.session = None\n        store.save(user)\n",
        ),
    )
    hotfix(repo, {"app/service.py": wrapped})
    assert check() == (0, [])


def test_a_block_wrapped_in_try_with_a_blank_line_inside_passes(repo: Repo) -> None:
    # git keeps the blank line as context, splitting the re-indented lines into two blocks.
    base = "def run(job):\n    job.prepare()\n    job.lock()\n\n    job.start()\n    job.wait()\n"
    fixed = (
        "def run(job):\n    try:\n        job.prepare()\n        job.lock()\n\n"
        "        job.start()\n        job.wait()\n    finally:\n        job.unlock()\n"
    )
    hotfix(repo, {"app/jobs.py": fixed}, base={"app/jobs.py": base})
    assert check() == (0, [])


def test_a_blank_line_added_next_to_the_fix_passes(repo: Repo) -> None:
    hotfix(repo, {"app/service.py": edit(SERVICE, (FIX[0], "\n" + FIX[1]))})
    assert check() == (0, [])


def test_one_call_site_switched_to_another_function_passes(repo: Repo) -> None:
    hotfix(
        repo,
        {
            "app/service.py": edit(
                SERVICE, ("    check_password(user, password)", "    verify(user, password)")
            )
        },
    )
    assert check() == (0, [])


def test_a_single_statement_moved_to_fix_the_order_passes(repo: Repo) -> None:
    moved = edit(
        SERVICE,
        (
            '    log.info("login %s", user_id)\n    check_password(user, password)\n',
            '    check_password(user, password)\n    log.info("login %s", user_id)\n',
        ),
    )
    hotfix(repo, {"app/service.py": moved})
    assert check() == (0, [])


def test_a_fix_in_a_crlf_file_passes(repo: Repo) -> None:
    crlf = SERVICE.replace("\n", "\r\n").encode()
    fixed = edit(SERVICE, FIX).replace("\n", "\r\n").encode()
    hotfix(repo, {"app/service.py": fixed}, base={"app/service.py": crlf})
    assert check() == (0, [])


def test_binary_files_are_left_to_the_other_rules(repo: Repo) -> None:
    hotfix(
        repo,
        {"app/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-new"},
        base={"app/logo.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-old"},
    )
    assert check() == (0, [])


def test_a_fix_in_a_latin1_file_passes(repo: Repo) -> None:
    base = "# caf\xe9\ndef greet():\n    return 'h\xe9llo'\n".encode("latin-1")
    fixed = "# caf\xe9\ndef greet():\n    return 'h\xe9llo!'\n".encode("latin-1")
    hotfix(repo, {"app/greet.py": fixed}, base={"app/greet.py": base})
    assert check() == (0, [])


def test_tests_reformatted_in_the_hotfix_are_not_checked_for_line_noise(repo: Repo) -> None:
    test_text = "def test_login():\n    assert login()\n"
    hotfix(
        repo,
        {
            "app/service.py": edit(SERVICE, FIX),
            "tests/test_login.py": test_text.replace("    ", "\t"),
        },
        base={"app/service.py": SERVICE, "tests/test_login.py": test_text},
    )
    assert check() == (0, [])


def test_a_file_deleted_and_an_unrelated_one_added_is_not_a_rename(repo: Repo) -> None:
    repo.commit("base", {"app/old.py": "def legacy():\n    return 'legacy path'\n"})
    repo.branch("hotfix/fix-login")
    repo.git("rm", "-q", "app/old.py")
    repo.commit("fix", {"app/new.py": "import os\n\nTIMEOUT = int(os.environ['TIMEOUT'])\n"})
    assert findings("rename") == []


# --- noise that must fail ---------------------------------------------------------------------


def test_renamed_and_edited_file_is_reported_with_similarity(repo: Repo) -> None:
    repo.commit("base", {"app/service.py": SERVICE})
    repo.branch("hotfix/fix-login")
    repo.git("mv", "app/service.py", "app/users.py")
    repo.commit("fix", {"app/users.py": edit(SERVICE, FIX)})
    assert findings("rename") == [
        "app/users.py:1: rename: renamed: app/service.py -> app/users.py "
        "(similarity 93%, edited: +1 -1)"
    ]


def test_copied_file_is_reported(repo: Repo) -> None:
    repo.commit("base", {"app/service.py": SERVICE})
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/service.py": edit(SERVICE, FIX), "app/service_v2.py": SERVICE})
    assert findings("rename") == [
        "app/service_v2.py:1: rename: copied: app/service.py -> app/service_v2.py (similarity 100%)"
    ]


def test_reindented_file_is_whitespace_only(repo: Repo) -> None:
    hotfix(repo, {"app/service.py": SERVICE.replace("    ", "\t")})
    assert findings("whitespace") == [
        "app/service.py:7: whitespace: the whole change of this file is whitespace "
        "(tabs and spaces, 32 changed lines)"
    ]


def test_crlf_conversion_and_trailing_spaces_are_whitespace_only(repo: Repo) -> None:
    hotfix(
        repo,
        {
            "app/service.py": SERVICE.replace("\n", "\r\n").encode(),
            "app/other.py": "A = 1\nB = 2\n",
        },
        base={"app/service.py": SERVICE, "app/other.py": "A = 1  \nB = 2\n"},
    )
    assert findings("whitespace") == [
        "app/other.py:1: whitespace: the whole change of this file is whitespace "
        "(trailing whitespace, 2 changed lines)",
        "app/service.py:1: whitespace: the whole change of this file is whitespace "
        "(blank lines, line endings, 68 changed lines)",
    ]


def test_whitespace_changes_away_from_the_fix_are_reported_at_the_first(repo: Repo) -> None:
    noisy = edit(
        SERVICE,
        FIX,
        ("import logging\n", "import logging\n\n"),
        ('    log.info("login %s", user_id)', '    log.info("login %s",  user_id)'),
        ('    log.info("logout %s", user_id)', '    log.info("logout %s",  user_id)'),
    )
    hotfix(repo, {"app/service.py": noisy})
    assert findings("whitespace") == [
        "app/service.py:3: whitespace: 3 whitespace-only changes away from the fix "
        "(blank lines, spacing inside lines, 5 changed lines)"
    ]


def test_identifier_renamed_on_several_lines_and_files(repo: Repo) -> None:
    renamed = SERVICE.replace("get_user", "fetch_user")
    caller = (
        "from app.service import get_user\n\n\ndef show(store, uid):\n"
        "    return get_user(store, uid)\n"
    )
    hotfix(
        repo,
        {"app/service.py": renamed, "app/views.py": caller.replace("get_user", "fetch_user")},
        base={"app/service.py": SERVICE, "app/views.py": caller},
    )
    assert findings("identifier-rename") == [
        "app/service.py:6: identifier-rename: 'get_user' renamed to 'fetch_user' on 6 changed "
        "lines in 2 files (app/service.py:6, app/service.py:14, app/service.py:21, ...)"
    ]


def test_identifier_rename_threshold_is_configurable(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "identifier-rename-min-lines = 10\n")
    hotfix(repo, {"app/service.py": SERVICE.replace("get_user", "fetch_user")})
    assert findings("identifier-rename") == []


def test_a_rename_mixed_with_reindent_still_counts(repo: Repo) -> None:
    hotfix(repo, {"app/service.py": SERVICE.replace("user_id", "uid").replace("    ", "  ")})
    found = findings("identifier-rename")
    assert found[0].startswith(
        "app/service.py:6: identifier-rename: 'user_id' renamed to 'uid' on "
    )


def test_block_moved_to_another_file(repo: Repo) -> None:
    without_profile = edit(
        SERVICE,
        (
            "def profile(store, user_id):\n    user = get_user(store, user_id)\n"
            '    return {"id": user_id, "name": user.name, "email": user.email}\n\n\n',
            "",
        ),
    )
    moved_to = (
        "from app.service import get_user\n\n\n"
        "def profile(store, user_id):\n    user = get_user(store, user_id)\n"
        '    return {"id": user_id, "name": user.name, "email": user.email}\n'
    )
    hotfix(repo, {"app/service.py": without_profile, "app/profile.py": moved_to}, base=None)
    assert findings("moved-code") == []  # three lines: below the default of five
    repo.write(".hotfix-guard.toml", "moved-code-min-lines = 3\n")
    assert findings("moved-code") == [
        "app/profile.py:4: moved-code: a block of 3 significant lines (with a letter or digit, "
        "comments left out) moved here unchanged from app/service.py line 27"
    ]


def test_block_moved_within_a_file_and_reindented(repo: Repo) -> None:
    functions = SERVICE.split("\n\n\n")
    # login() goes to the end of the file, indented as a method would be.
    reordered = "\n\n\n".join([*functions[:2], *functions[3:]]).rstrip("\n") + "\n\n\n"
    reordered += (
        "\n".join(("    " + line) if line else line for line in functions[2].split("\n")) + "\n"
    )
    hotfix(repo, {"app/service.py": reordered})
    assert findings("moved-code") == [
        "app/service.py:30: moved-code: a block of 5 significant lines (with a letter or digit, "
        "comments left out) moved here unchanged from this file line 13"
    ]


def test_noise_levels_come_from_the_rules_table(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", '[rules]\nwhitespace = "warn"\nrename = "off"\n')
    hotfix(repo, {"app/service.py": SERVICE.replace("    ", "\t")})
    code, lines = check()
    assert code == 0
    assert lines[0].startswith("app/service.py:7: whitespace: the whole change")
    assert lines[1].startswith("hotfix-guard passed with warnings: 0 errors, 1 warning")
    assert lines[2].startswith("To fix: whitespace: git checkout -p ")
    assert lines[2].endswith(" -- app/service.py (undo the whitespace-only hunks)")


def test_reformat_interleaved_with_the_fix_is_reported_even_within_its_hunk(repo: Repo) -> None:
    # Functions two lines apart make git show the whole file as one hunk around the fix.
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX).replace("    ", "\t")})
    assert findings("whitespace") == [
        "app/service.py:7: whitespace: 4 whitespace-only changes away from the fix "
        "(tabs and spaces, 28 changed lines; 30 whitespace-only changed lines in this file in all)"
    ]


def test_a_blank_line_a_few_lines_from_the_fix_belongs_to_it(repo: Repo) -> None:
    spaced = edit(
        SERVICE,
        FIX,
        ("def check_password(user, password):\n", "\ndef check_password(user, password):\n"),
    )
    hotfix(repo, {"app/service.py": spaced})
    assert findings("whitespace") == []


def test_a_bad_threshold_is_one_line_and_exit_2(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "moved-code-min-lines = 0\n")
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX)})
    result = CliRunner().invoke(cli, ["check", "--rule", "moved-code"])
    assert (result.exit_code, result.output) == (
        2,
        "hotfix-guard: .hotfix-guard.toml: moved-code-min-lines = 0 is invalid: "
        "expected a positive integer\n",
    )
