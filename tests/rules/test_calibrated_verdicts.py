"""Verdicts a strict but reasonable reviewer gives, on shapes of real hotfixes.

Each test is shaped like a case from the calibration (benchmarks/calibration.md), written by
hand: the trivial noise a reviewer lets through warns, the noise a reviewer rejects still blocks.
"""

from __future__ import annotations

from tests.support.noise import SERVICE, check, edit, findings, hotfix
from tests.support.repos import Repo

FIX = ("    if user.password != password:", "    if not user.active or user.password != password:")

# --- whitespace: a line or two of an editor's noise in the fixed file warns --------------------


def test_a_blank_line_removed_away_from_the_fix_warns(repo: Repo) -> None:
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX, ("import logging\n\n", "import logging\n"))})
    code, lines = check("whitespace")
    assert (code, lines[0]) == (
        0,
        "app/service.py:2: whitespace: a whitespace-only change away from the fix "
        "(blank lines, 1 changed line)",
    )
    assert lines[1].startswith("hotfix-guard passed with warnings: 0 errors, 1 warning ")


def test_trailing_whitespace_an_editor_stripped_warns(repo: Repo) -> None:
    base = edit(SERVICE, ("import logging\n", "import logging   \n"))
    hotfix(
        repo,
        {"app/service.py": edit(base, FIX, ("import logging   \n", "import logging\n"))},
        base={"app/service.py": base},
    )
    code, lines = check("whitespace")
    assert code == 0
    assert lines[0] == (
        "app/service.py:1: whitespace: a whitespace-only change in the fixed file, as an editor "
        "or a formatter makes them (trailing whitespace, 2 changed lines)"
    )


def test_a_missing_newline_at_the_end_of_the_fixed_file_warns(repo: Repo) -> None:
    early_fix = ("store.load(user_id)", "store.load(user_id, fresh=True)")
    hotfix(repo, {"app/service.py": edit(SERVICE, early_fix).rstrip("\n")})
    code, lines = check("whitespace")
    assert (code, lines[0]) == (
        0,
        "app/service.py:34: whitespace: a whitespace-only change in the fixed file, as an editor "
        "or a formatter makes them (newline at end of file, 2 changed lines)",
    )


def test_more_than_the_warn_lines_of_spacing_still_blocks(repo: Repo) -> None:
    noisy = edit(
        SERVICE,
        FIX,
        ('    log.info("login %s", user_id)', '    log.info("login %s",  user_id)'),
        ('    log.info("logout %s", user_id)', '    log.info( "logout %s", user_id )'),
    )
    hotfix(repo, {"app/service.py": noisy})
    assert findings("whitespace") == [
        "app/service.py:15: whitespace: 2 whitespace-only changes away from the fix "
        "(spacing inside lines, 4 changed lines)"
    ]


def test_the_warn_threshold_is_a_config_key(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "whitespace-warn-lines = 0\n")
    respaced = ('    log.info("login %s", user_id)', '    log.info("login %s",  user_id)')
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX, respaced)})
    assert findings("whitespace") == [
        "app/service.py:15: whitespace: a whitespace-only change away from the fix "
        "(spacing inside lines, 2 changed lines)"
    ]


def test_a_single_blank_line_in_a_file_the_fix_does_not_touch_blocks(repo: Repo) -> None:
    hotfix(
        repo,
        {"app/service.py": edit(SERVICE, FIX), "app/other.py": "A = 1\nB = 2\n"},
        base={"app/service.py": SERVICE, "app/other.py": "A = 1\n\nB = 2\n"},
    )
    assert findings("whitespace") == [
        "app/other.py:2: whitespace: the whole change of this file is whitespace "
        "(blank lines, 1 changed line)"
    ]


# --- a re-indent with nested blocks is a re-indent ---------------------------------------------

NESTED = """\
<?php
function total($items)
{
    $sum = 0;
    foreach ($items as $item) {
        if ($item->active) {
            $sum += $item->price;
        }
    }
    return $sum;
}

function count_active($items)
{
    $count = 0;
    foreach ($items as $item) {
        if ($item->active) {
            $count++;
        }
    }
    return $count;
}
"""


def _reindent(text: str, start: str, end: str) -> str:
    """Text with the lines from START up to END (exclusive) indented by one more level."""
    head, rest = text.split(start, 1)
    body, tail = (start + rest).split(end, 1)
    return (
        head
        + "".join("    " + line if line.strip() else line for line in body.splitlines(True))
        + end
        + tail
    )


def test_a_function_body_with_nested_blocks_reindented_is_refused(repo: Repo) -> None:
    reindented = NESTED.replace("    ", "  ")
    hotfix(repo, {"app/Cart.php": reindented}, base={"app/Cart.php": NESTED})
    assert findings("whitespace") == [
        "app/Cart.php:4: whitespace: the whole change of this file is whitespace "
        "(indentation, 24 changed lines)"
    ]


def test_a_nested_reindent_next_to_a_fix_elsewhere_in_the_file_is_refused(repo: Repo) -> None:
    fixed = NESTED.replace("$count++;", "$count += 1;")
    first, second = fixed.split("function count_active")
    hotfix(
        repo,
        {"app/Cart.php": first.replace("    ", "  ") + "function count_active" + second},
        base={"app/Cart.php": NESTED},
    )
    assert findings("whitespace") == [
        "app/Cart.php:4: whitespace: a whitespace-only change away from the fix "
        "(indentation, 12 changed lines)"
    ]


def test_a_fix_that_wraps_nested_blocks_in_a_new_block_passes(repo: Repo) -> None:
    wrapped = NESTED.replace(
        "    $count = 0;\n    foreach ($items as $item) {\n        if ($item->active) {\n"
        "            $count++;\n        }\n    }\n",
        "    $count = 0;\n    if (is_array($items)) {\n        foreach ($items as $item) {\n"
        "            if ($item->active) {\n                $count++;\n            }\n"
        "        }\n    }\n",
    )
    hotfix(repo, {"app/Cart.php": wrapped}, base={"app/Cart.php": NESTED})
    assert check("whitespace") == (0, [])


# --- a longer key added to an aligned array re-aligns its neighbours ---------------------------

ALIGNED = """\
<?php
return [
    'host'    => 'localhost',
    'port'    => 5432,
    // credentials come from the environment
    'user'    => getenv('DB_USER'),
    'charset' => 'utf8',
];
"""


def test_columns_realigned_to_a_longer_key_the_fix_adds_pass(repo: Repo) -> None:
    fixed = """\
<?php
return [
    'host'            => 'localhost',
    'port'            => 5432,
    // credentials come from the environment
    'user'            => getenv('DB_USER'),
    'charset'         => 'utf8',
    'connect_timeout' => 5,
];
"""
    hotfix(repo, {"config/db.php": fixed}, base={"config/db.php": ALIGNED})
    assert check("whitespace") == (0, [])


def test_columns_realigned_for_no_reason_still_block(repo: Repo) -> None:
    fixed = (
        ALIGNED.replace("'port'    => 5432", "'port'    => 5433")
        .replace("    'host'    =>", "    'host'  =>")
        .replace("    'user'    =>", "    'user'  =>")
        .replace("'charset' =>", "'charset'=>")
    )
    hotfix(repo, {"config/db.php": fixed}, base={"config/db.php": ALIGNED})
    assert findings("whitespace") == [
        # the 'host' line shares a block with the fix's line: counted in the total only
        "config/db.php:6: whitespace: a whitespace-only change away from the fix "
        "(spacing inside lines, 4 changed lines; 6 whitespace-only changed lines in this file "
        "in all)"
    ]


def test_a_whitespace_finding_reports_the_full_size_of_the_reformat(repo: Repo) -> None:
    # A reformat of a whole file around the fix: the fix's own re-indented line counts too.
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX).replace("    ", "\t")})
    assert findings("whitespace") == [
        "app/service.py:7: whitespace: 4 whitespace-only changes away from the fix "
        "(tabs and spaces, 28 changed lines; 30 whitespace-only changed lines in this file in all)"
    ]


def test_spacing_inside_a_message_string_is_a_real_change(repo: Repo) -> None:
    # Shaped like a real hotfix: a translated message that had a double space.
    base = "<?php\nreturn [\n    'notDigits' => 'The input  must contain only digits',\n];\n"
    hotfix(
        repo,
        {"resources/en/Validate.php": base.replace("input  must", "input must")},
        base={"resources/en/Validate.php": base},
    )
    assert check("whitespace") == (0, [])


def test_a_reformat_around_strings_is_still_whitespace(repo: Repo) -> None:
    base = "<?php\n$a = ['x'=>\"one two\",'y'=>'three'];\n"
    hotfix(
        repo,
        {"app/a.php": "<?php\n$a = ['x' => \"one two\", 'y' => 'three'];\n"},
        base={"app/a.php": base},
    )
    assert findings("whitespace") == [
        "app/a.php:2: whitespace: the whole change of this file is whitespace "
        "(spacing inside lines, 2 changed lines)"
    ]
