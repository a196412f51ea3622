"""Verdicts a strict but reasonable reviewer gives, on shapes of real hotfixes (issue 10).

Each test is shaped like a case from the calibration (benchmarks/calibration.md), written by
hand: the trivial noise a reviewer lets through warns, the noise a reviewer rejects still blocks.
"""

from __future__ import annotations

from tests.conftest import Repo
from tests.test_noise_rules import SERVICE, check, edit, findings, hotfix

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
        "app/service.py:1: whitespace: a whitespace-only change away from the fix "
        "(trailing whitespace, 2 changed lines)"
    )


def test_a_missing_newline_at_the_end_of_the_fixed_file_warns(repo: Repo) -> None:
    early_fix = ("store.load(user_id)", "store.load(user_id, fresh=True)")
    hotfix(repo, {"app/service.py": edit(SERVICE, early_fix).rstrip("\n")})
    code, lines = check("whitespace")
    assert (code, lines[0]) == (
        0,
        "app/service.py:34: whitespace: a whitespace-only change away from the fix "
        "(newline at end of file, 2 changed lines)",
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
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX, ("import logging\n\n", "import logging\n"))})
    assert findings("whitespace") == [
        "app/service.py:2: whitespace: a whitespace-only change away from the fix "
        "(blank lines, 1 changed line)"
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


# --- identifier-rename: a retarget at an existing name is a fix --------------------------------

HELPERS = """\
<?php
function esc_url($url) { return filter_var($url, FILTER_SANITIZE_URL); }
function esc_url_raw($url) { return esc_url($url); }
"""
LINKS = """\
<?php
function links($page) {
    $home = esc_url($page->home);
    $next = esc_url($page->next);
    $prev = esc_url($page->prev);
    return [$home, $next, $prev];
}
"""


def test_call_sites_pointed_at_an_existing_function_pass(repo: Repo) -> None:
    hotfix(
        repo,
        {"app/links.php": LINKS.replace("esc_url(", "esc_url_raw(")},
        base={"app/helpers.php": HELPERS, "app/links.php": LINKS},
    )
    assert check("identifier-rename") == (0, [])


def test_a_typo_of_a_name_that_was_never_defined_fixed_on_every_use_passes(repo: Repo) -> None:
    base = (
        "<?php\nfunction run($db, $sql) {\n    $statement = $db->prepare($sql);\n"
        "    $statment->bind();\n    $statment->execute();\n    return $statment->rows();\n}\n"
    )
    hotfix(
        repo, {"app/run.php": base.replace("$statment", "$statement")}, base={"app/run.php": base}
    )
    assert check("identifier-rename") == (0, [])


def test_a_rename_to_a_new_name_that_leaves_no_old_use_blocks(repo: Repo) -> None:
    hotfix(
        repo,
        {"app/links.php": LINKS.replace("$page", "$document")},
        base={"app/helpers.php": HELPERS, "app/links.php": LINKS},
    )
    assert findings("identifier-rename") == [
        "app/links.php:2: identifier-rename: '$page' renamed to '$document' on 4 changed lines "
        "in 1 file (app/links.php:2, app/links.php:3, app/links.php:4, ...)"
    ]


def test_a_change_of_naming_style_blocks_even_when_the_new_name_exists(repo: Repo) -> None:
    styled = "<?php\nfunction f($inputFilter) { return $inputFilter; }\n"
    code = (
        "<?php\nfunction g($inputfilter) {\n    $inputfilter->setData([]);\n"
        "    $inputfilter->validate();\n    return $inputfilter;\n}\n"
    )
    hotfix(
        repo,
        {"app/g.php": code.replace("$inputfilter", "$inputFilter")},
        base={"app/f.php": styled, "app/g.php": code},
    )
    assert findings("identifier-rename") == [
        "app/g.php:2: identifier-rename: '$inputfilter' renamed to '$inputFilter' on 4 changed "
        "lines in 1 file (app/g.php:2, app/g.php:3, app/g.php:4, ...)"
    ]


def test_words_in_string_literals_are_not_identifiers(repo: Repo) -> None:
    remote = (
        "const flags = {\n  login: remote.get('login_flow_v1'),\n"
        "  signup: remote.get('signup_flow_v1'),\n  reset: remote.get('reset_flow_v1'),\n};\n"
    )
    hotfix(
        repo,
        {"web/flags.js": remote.replace("_flow_v1", "_flow_v2")},
        base={"web/flags.js": remote},
    )
    assert check("identifier-rename") == (0, [])


def test_the_same_word_changed_in_a_translation_file_is_wording(repo: Repo) -> None:
    strings = "en:\n  login: Log in\n  logout: Log out\n  relogin: Log in again\n"
    hotfix(
        repo,
        {"config/locales/en.yml": strings.replace("Log", "Sign")},
        base={"config/locales/en.yml": strings},
    )
    assert check("identifier-rename") == (0, [])


# --- rename: a shared licence header does not make two files one --------------------------------

LICENCE = "".join(
    f" * Licence line {n}: the project's BSD licence text, kept whole.\n" for n in range(12)
)


def replace_files(
    repo: Repo, base: dict[str, str], removed: list[str], added: dict[str, str]
) -> None:
    """Commit BASE on main, cut hotfix/fix-login, delete REMOVED and add ADDED in one commit."""
    repo.commit("base", dict(base))
    repo.branch("hotfix/fix-login")
    repo.git("rm", "-q", *removed)
    repo.commit("fix", dict(added))


def php_class(name: str, body: str) -> str:
    return f"<?php\n/**\n{LICENCE} */\n\nnamespace App;\n\nclass {name}\n{{\n{body}}}\n"


def test_a_file_replaced_by_an_unrelated_one_sharing_its_header_is_not_a_rename(repo: Repo) -> None:
    old = php_class(
        "LegacyMailer", "    public function send($m) { return mail($m->to, $m->s); }\n"
    )
    new = php_class(
        "SmtpTransport",
        "    private $socket;\n"
        "    public function open($host) { $this->socket = fsockopen($host); }\n",
    )
    replace_files(
        repo,
        {"src/LegacyMailer.php": old},
        ["src/LegacyMailer.php"],
        {"src/SmtpTransport.php": new},
    )
    status = repo.git("diff", "-M", "--name-status", "main", "HEAD").splitlines()
    assert any(line.startswith("R") for line in status), status  # git pairs them on the header
    assert check("rename") == (0, [])


def test_a_class_moved_with_its_header_is_still_a_rename(repo: Repo) -> None:
    body = "".join(f"    public function step{n}() {{ return {n}; }}\n" for n in range(6))
    old = php_class("Pattern", body)
    moved = old.replace("class Pattern", "class PatternInterface")
    replace_files(
        repo,
        {"src/Cache/Pattern.php": old},
        ["src/Cache/Pattern.php"],
        {"src/Cache/Pattern/PatternInterface.php": moved},
    )
    assert findings("rename") == [
        "src/Cache/Pattern/PatternInterface.php:1: rename: renamed: src/Cache/Pattern.php -> "
        "src/Cache/Pattern/PatternInterface.php (similarity 97%, edited: +1 -1)"
    ]


def test_a_resource_split_into_light_and_dark_variants_is_not_a_rename(repo: Repo) -> None:
    icon = '<vector android:width="24dp">\n  <path android:fillColor="#FF000000"/>\n</vector>\n'
    replace_files(
        repo,
        {"res/drawable/ic_play.xml": icon},
        ["res/drawable/ic_play.xml"],
        {
            "res/drawable/ic_play_light.xml": icon,
            "res/drawable/ic_play_dark.xml": icon.replace("#FF000000", "#FFFFFFFF"),
        },
    )
    assert check("rename") == (0, [])


# --- moved-code: a licence header is not code ---------------------------------------------------

HEADER = (
    "/*\n"
    + "".join(f"  Catroid licence line {n}: GNU Affero GPL text\n" for n in range(8))
    + " */\n"
)


def test_a_licence_header_moved_between_files_is_not_moved_code(repo: Repo) -> None:
    hotfix(
        repo,
        {
            "src/Player.java": "package app;\nclass Player { int volume = 5; }\n",
            "src/Sound.java": HEADER + "package app;\nclass Sound { int rate = 44100; }\n",
        },
        base={
            "src/Player.java": HEADER + "package app;\nclass Player { int volume = 4; }\n",
            "src/Sound.java": "package app;\nclass Sound { int rate = 44100; }\n",
        },
    )
    assert check("moved-code") == (0, [])


def test_code_moved_next_to_a_header_is_still_moved_code(repo: Repo) -> None:
    body = "".join(f"    void step{n}() {{ run({n}); }}\n" for n in range(6))
    hotfix(
        repo,
        {
            "src/Player.java": "package app;\nclass Player {\n}\n",
            "src/Sound.java": HEADER + "package app;\nclass Sound {\n" + body + "}\n",
        },
        base={
            "src/Player.java": "package app;\nclass Player {\n" + body + "}\n",
            "src/Sound.java": HEADER + "package app;\nclass Sound {\n}\n",
        },
    )
    assert findings("moved-code") == [
        "src/Sound.java:13: moved-code: a block of 6 lines moved here unchanged from "
        "src/Player.java line 3"
    ]


def test_a_method_renamed_with_its_declaration_blocks_though_old_uses_remain(repo: Repo) -> None:
    # Shaped like a real refactor: an interface method and two implementations renamed, while
    # a caller elsewhere still uses the old name (so the old name survives in the tree).
    iface = "<?php\ninterface Deps\n{\n    public function getDependencyModules();\n}\n"
    impl = (
        "<?php\nclass {0} implements Deps\n{{\n"
        "    public function getDependencyModules() {{}}\n}}\n"
    )
    base = {
        "src/Deps.php": iface,
        "src/A.php": impl.format("A"),
        "src/B.php": impl.format("B"),
        "src/caller.php": "<?php\n$m->getDependencyModules();\n",
    }
    renamed = {
        path: text.replace("getDependencyModules", "getModuleDependencies")
        for path, text in base.items()
        if path != "src/caller.php"
    }
    hotfix(repo, renamed, base=base)
    assert findings("identifier-rename") == [
        "src/A.php:4: identifier-rename: 'getDependencyModules' renamed to 'getModuleDependencies' "
        "on 3 changed lines in 3 files (src/A.php:4, src/B.php:4, src/Deps.php:4)"
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
