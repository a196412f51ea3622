"""Renames, moves and retargets a strict but reasonable reviewer tells apart.

Each test is shaped like a case from the calibration (benchmarks/calibration.md), written by
hand, on both sides: what must pass and what must still block.
"""

from __future__ import annotations

from tests.support.noise import check, findings, hotfix
from tests.support.repos import Repo

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
        "src/Sound.java:13: moved-code: a block of 6 significant lines (with a letter or digit, "
        "comments left out) moved here unchanged from src/Player.java line 3"
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
