"""The shapes of good hotfixes the noise rules blocked, and the noise that stays blocked.

Each test is shaped like a case of the round-two review (benchmarks/calibration.md), written
by hand through real git: what an editor or a formatter does next to the fix warns; the same
kind of change in untouched places, or of real size, still blocks.
"""

from __future__ import annotations

import re

import pytest

from hotfix_guard.git import changes
from tests.support.noise import SERVICE, check, edit, findings, hotfix
from tests.support.repos import Repo

FIX = ("    if user.password != password:", "    if not user.active or user.password != password:")
EDITOR = "as an editor or a formatter makes them"


def warning(rule: str) -> str:
    """The one finding line of RULE's check, which passes with a warning."""
    code, lines = check(rule)
    assert code == 0 and lines[1].startswith("hotfix-guard passed with warnings: "), lines
    return lines[0]


# --- whitespace: what an editor does on save, a formatter next to the fix --------------------


def _with_trailing_spaces(text: str, count: int) -> str:
    """TEXT with trailing spaces on its first COUNT non-blank lines."""
    lines = text.splitlines(True)
    done = 0
    for index, line in enumerate(lines):
        if line.strip() and done < count:
            lines[index] = line.rstrip("\n") + "   \n"
            done += 1
    return "".join(lines)


def test_an_editor_stripping_trailing_spaces_on_five_lines_of_the_fixed_file_warns(
    repo: Repo,
) -> None:
    base = _with_trailing_spaces(SERVICE, 5)
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX)}, base={"app/service.py": base})
    assert warning("whitespace") == (
        f"app/service.py:1: whitespace: 3 whitespace-only changes in the fixed file, {EDITOR} "
        "(trailing whitespace, 10 changed lines)"
    )


def test_trailing_spaces_stripped_through_a_whole_file_still_block(repo: Repo) -> None:
    base = _with_trailing_spaces(SERVICE, 12)
    hotfix(repo, {"app/service.py": edit(SERVICE, FIX)}, base={"app/service.py": base})
    assert findings("whitespace") == [
        "app/service.py:1: whitespace: 4 whitespace-only changes away from the fix "
        "(trailing whitespace, 24 changed lines)"
    ]


DOCBLOCK = """\
<?php
class Login
{
    /**
     * @param string $user the user
     * @param string $password the password
     *
     * @return bool
     */
    public function check($user, $password)
    {
        return $this->store->verify($user, $password);
    }
}
"""


def test_docblock_columns_realigned_for_the_fixs_longer_tag_warn(repo: Repo) -> None:
    fixed = edit(
        DOCBLOCK,
        ("     * @param string $user", "     * @param  string $user"),
        ("     * @param string $password", "     * @param  string $password"),
        ("     * @return bool\n", "     * @return bool\n     * @throws \\RuntimeException\n"),
        ("        return $this", "        $this->guard->assertOpen($user);\n        return $this"),
    )
    hotfix(repo, {"src/Login.php": fixed}, base={"src/Login.php": DOCBLOCK})
    assert warning("whitespace") == (
        f"src/Login.php:5: whitespace: a whitespace-only change in the fixed file, {EDITOR} "
        "(spacing inside lines, 4 changed lines)"
    )


def test_a_formatter_rewrapping_the_fixed_functions_signature_warns(repo: Repo) -> None:
    fixed = edit(
        SERVICE,
        FIX,
        ("def profile(store, user_id):", "def profile(\n    store, user_id\n):"),
    )
    hotfix(repo, {"app/service.py": fixed})
    assert warning("whitespace") == (
        f"app/service.py:27: whitespace: a whitespace-only change in the fixed file, {EDITOR} "
        "(line breaks, 4 changed lines)"
    )


def test_statements_rewrapped_in_four_places_still_block(repo: Repo) -> None:
    fixed = edit(
        SERVICE,
        FIX,
        ("def login(store, user_id, password):", "def login(\n    store, user_id, password\n):"),
        ("def logout(store, user_id):", "def logout(\n    store, user_id\n):"),
        ("def profile(store, user_id):", "def profile(\n    store, user_id\n):"),
    )
    hotfix(repo, {"app/service.py": fixed})
    assert findings("whitespace") == [
        "app/service.py:13: whitespace: 3 whitespace-only changes away from the fix "
        "(line breaks, 12 changed lines)"
    ]


def test_a_rewrap_far_from_the_fix_still_blocks(repo: Repo) -> None:
    far = SERVICE + "".join(
        f"\n\ndef helper_{n}(value):\n    return value + {n}\n" for n in range(12)
    )
    fixed = edit(
        far,
        FIX,
        ("def helper_11(value):", "def helper_11(\n    value\n):"),
    )
    hotfix(repo, {"app/service.py": fixed}, base={"app/service.py": far})
    assert findings("whitespace") == [
        "app/service.py:81: whitespace: a whitespace-only change away from the fix "
        "(line breaks, 4 changed lines)"
    ]


def test_a_blank_line_in_a_pull_request_template_warns(repo: Repo) -> None:
    template = "## What\n\n## Why\n"
    hotfix(
        repo,
        {"app/service.py": edit(SERVICE, FIX), ".github/PULL_REQUEST_TEMPLATE.md": template + "\n"},
        base={"app/service.py": SERVICE, ".github/PULL_REQUEST_TEMPLATE.md": template},
    )
    assert warning("whitespace") == (
        ".github/PULL_REQUEST_TEMPLATE.md:4: whitespace: the whole change of this file is "
        "whitespace (blank lines, 1 changed line)"
    )


# --- identifier-rename: renames that are the fix ---------------------------------------------

PRICE = """\
def price(cart, code):
    total = cart.subtotal()
    total = apply_tax(total)
    log.debug("price %s", total)
    return total
"""


def test_a_local_renamed_inside_the_function_the_fix_rewrites_passes(repo: Repo) -> None:
    rewritten = (
        "def price(cart, code):\n    amount = cart.subtotal()\n    if code:\n"
        "        discount = lookup(code)\n        if discount is None:\n"
        "            raise ValueError(code)\n        amount = amount - discount.value\n"
        "    amount = apply_tax(amount)\n"
        '    log.debug("price %s", amount)\n    return amount\n'
    )
    hotfix(repo, {"app/price.py": rewritten}, base={"app/price.py": PRICE})
    assert check("identifier-rename") == (0, [])


def test_a_local_renamed_with_nothing_else_rewritten_still_blocks(repo: Repo) -> None:
    hotfix(
        repo,
        {"app/price.py": re.sub(r"\btotal\b", "amount", PRICE)},
        base={"app/price.py": PRICE},
    )
    assert findings("identifier-rename") == [
        "app/price.py:2: identifier-rename: 'total' renamed to 'amount' on 4 changed lines in "
        "1 file (app/price.py:2, app/price.py:3, app/price.py:4, ...)"
    ]


STACK = """\
class History<T> extends ArrayList<T> {
    T removeLast() {
        return remove(size() - 1);
    }
}
"""


def test_a_method_renamed_for_a_jdk_clash_passes(repo: Repo) -> None:
    caller = "class Undo {\n    void undo(History<Step> h) {\n        h.removeLast().revert();\n"
    redo = "class Redo {\n    void redo(History<Step> h) {\n        h.removeLast().apply();\n"
    caller, redo = caller + "    }\n}\n", redo + "    }\n}\n"
    base = {"src/History.java": STACK, "src/Undo.java": caller, "src/Redo.java": redo}
    fixed = {path: text.replace("removeLast", "popLast") for path, text in base.items()}
    hotfix(repo, fixed, base=base)
    assert check("identifier-rename") == (0, [])


def test_a_feature_flag_renamed_to_its_kill_switch_passes(repo: Repo) -> None:
    flags = "NEW_CHECKOUT = Flag('new-checkout')\n"
    cart = (
        "from flags import NEW_CHECKOUT\n\n\ndef checkout(cart):\n"
        "    if NEW_CHECKOUT.on:\n        return v2(cart)\n    return v1(cart)\n"
    )
    base = {"app/flags.py": flags, "app/cart.py": cart}
    fixed = {p: t.replace("NEW_CHECKOUT", "NEW_CHECKOUT_KILL_SWITCH") for p, t in base.items()}
    hotfix(repo, fixed, base=base)
    assert check("identifier-rename") == (0, [])


LAYOUT = """\
<LinearLayout xmlns:android="http://schemas.android.com/apk/res/android">
    <TextView android:id="@+id/title" android:layout_width="match_parent" />
    <TextView android:id="@+id/body" android:layout_width="match_parent" />
    <Button android:id="@+id/ok" android:layout_width="match_parent" />
</LinearLayout>
"""


def test_markup_attribute_names_are_not_identifiers(repo: Repo) -> None:
    fixed = LAYOUT.replace("layout_width", "layout_height")
    hotfix(repo, {"app/res/layout/main.xml": fixed}, base={"app/res/layout/main.xml": LAYOUT})
    assert check("identifier-rename") == (0, [])


# --- diff-size: generated data, deletions, a re-indent over the limit -------------------------


def _lines(count: int, prefix: str = "line") -> str:
    return "".join(f"{prefix}_{n} = {n}\n" for n in range(count))


def test_a_room_schema_export_is_data_not_code(repo: Repo) -> None:
    schema = "".join(f'  "column_{n}": "TEXT",\n' for n in range(680))
    hotfix(
        repo,
        {"app/service.py": edit(SERVICE, FIX), "app/schemas/AppDb/7.json": "{\n" + schema + "}\n"},
    )
    code, lines = check("diff-size")
    assert code == 0
    assert lines == [
        "app/schemas/AppDb/7.json: diff-size: not counted (data file: 682 changed lines): +682 -0"
    ]


def counted_as(changed: int, counted: int) -> str:
    """diff-size's pass when markup's whitespace or a deletion's removed lines were discounted."""
    return (
        f"hotfix/fix-login: diff-size: within the limits: {changed} changed code lines count as "
        f"{counted} (whitespace-only lines of markup left out, in a deletion lines removed beyond "
        "those added count a quarter)"
    )


def test_a_feature_deleted_by_hand_counts_its_removed_lines_at_a_quarter(repo: Repo) -> None:
    base = {"app/feature.py": _lines(551), "app/service.py": SERVICE}
    hotfix(repo, {"app/feature.py": _lines(40, "kept"), "app/service.py": SERVICE}, base=base)
    code, lines = check("diff-size")
    assert (code, lines) == (0, [counted_as(591, 208)])


def test_new_code_over_the_limit_still_blocks(repo: Repo) -> None:
    base = {"app/old.py": _lines(100), "app/service.py": SERVICE}
    hotfix(repo, {"app/old.py": "", "app/new.py": _lines(400, "new")}, base=base)
    code, lines = check("diff-size")
    assert code == 1
    assert lines[0] == (
        "hotfix/fix-login: diff-size: 2 changed files (limit 20) and 500 changed code lines "
        "(limit 400); to get under the limits, split out 1 file: app/new.py (+400 -0)"
    )


def test_a_big_deletion_still_over_the_limit_gives_both_counts(repo: Repo) -> None:
    base = {"app/old.py": _lines(1600), "app/service.py": SERVICE}
    hotfix(repo, {"app/old.py": _lines(100, "kept"), "app/new.py": _lines(400, "new")}, base=base)
    code, lines = check("diff-size")
    assert code == 1
    assert lines[0] == (
        "hotfix/fix-login: diff-size: 2 changed files (limit 20) and 2100 changed code lines, 975 "
        "as counted: whitespace-only lines of markup left out, in a deletion lines removed beyond "
        "those added count a quarter (limit 400); to get under the limits, split out 2 files: "
        "app/new.py (+400 -0), app/old.py (+100 -1600)"
    )


def test_one_line_over_the_limit_from_a_re_indented_view_passes(repo: Repo) -> None:
    views = "".join(f'    <TextView android:id="@+id/v{n}" />\n' for n in range(20))
    layout = f"<LinearLayout>\n{views}</LinearLayout>\n"
    wrapped = (
        layout.replace("<LinearLayout>\n", "<LinearLayout>\n  <ScrollView>\n")
        .replace("</LinearLayout>", "  </ScrollView>\n</LinearLayout>")
        .replace("    <TextView", "      <TextView")
    )
    base = {"app/res/layout/main.xml": layout, "app/big.py": _lines(10)}
    hotfix(repo, {"app/res/layout/main.xml": wrapped, "app/big.py": _lines(369)}, base=base)
    code, lines = check("diff-size")
    assert (code, lines) == (0, [counted_as(401, 361)])


@pytest.mark.parametrize("per_command", [1000, 1])
def test_markup_paths_are_asked_about_literally(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, per_command: int
) -> None:
    """Only the edited markup files are diffed again, by literal path, in batches."""
    monkeypatch.setattr(changes, "PATHS_PER_COMMAND", per_command)
    views = "".join(f'    <TextView android:id="@+id/v{n}" />\n' for n in range(20))
    layout = f"<LinearLayout>\n{views}</LinearLayout>\n"
    wrapped = layout.replace("    <TextView", "      <TextView")
    report = "".join(f"<row n='{n}'/>\n" for n in range(8))
    # Read as a pathspec, `:(glob)report.xml` would name report.xml, and its 10 lines would go
    # uncounted.
    odd = ":(glob)report.xml"
    base = {"app/res/lay out/main.xml": layout, odd: report, "app/big.py": _lines(10)}
    seen = "".join(f"<row n='{n}'{' seen' if n < 5 else ''}/>\n" for n in range(8))
    changed = {"app/res/lay out/main.xml": wrapped, odd: seen, "app/big.py": _lines(369)}
    hotfix(repo, changed, base=base)
    code, lines = check("diff-size")
    assert (code, lines) == (0, [counted_as(409, 369)])


# --- moved-code: a small move inside the fixed file ------------------------------------------


def test_a_seven_line_block_moved_inside_the_fixed_file_passes(repo: Repo) -> None:
    calls = "".join(f"    step_{n}(job)\n" for n in range(7))
    base = f"def run(job):\n    job.prepare()\n{calls}    job.finish()\n    job.report()\n"
    fixed = (
        "def run(job):\n    if not job.ready():\n        return\n    job.prepare()\n"
        f"    job.finish()\n{calls}    job.report()\n"
    )
    hotfix(repo, {"app/run.py": fixed}, base={"app/run.py": base})
    assert check("moved-code") == (0, [])


def test_a_block_moved_to_another_file_still_blocks(repo: Repo) -> None:
    calls = "".join(f"    step_{n}(job)\n" for n in range(7))
    base = {"app/run.py": f"def run(job):\n{calls}", "app/other.py": "def other(job):\n    pass\n"}
    fixed = {
        "app/run.py": "def run(job):\n    other(job)\n",
        "app/other.py": f"def other(job):\n{calls}",
    }
    hotfix(repo, fixed, base=base)
    assert findings("moved-code") == [
        "app/other.py:2: moved-code: a block of 7 significant lines (with a letter or digit, "
        "comments left out) moved here unchanged from app/run.py line 2"
    ]


# --- rename: resources, and a class hidden from the release build ----------------------------

VECTOR = (
    '<vector xmlns:android="http://schemas.android.com/apk/res/android"\n'
    + "".join(f'    <path android:pathData="M{n},0" />\n' for n in range(10))
    + "</vector>\n"
)


def test_a_drawable_split_into_light_and_dark_by_the_night_qualifier_passes(repo: Repo) -> None:
    base = {"app/src/main/res/drawable-night/logo.xml": VECTOR, "app/service.py": SERVICE}
    fixed = {
        "app/src/main/res/drawable/logo_dark.xml": VECTOR,
        "app/src/main/res/drawable/logo_light.xml": VECTOR.replace("M9,0", "M9,1"),
        "app/service.py": edit(SERVICE, FIX),
    }
    repo.commit("base", base)
    repo.branch("hotfix/fix-login")
    repo.git("rm", "-q", "app/src/main/res/drawable-night/logo.xml")
    repo.commit("fix", fixed)
    assert check("rename") == (0, [])


def test_a_class_moved_into_an_internal_module_passes(repo: Repo) -> None:
    source = (
        "package app\n\nclass Beta {\n"
        + "".join(f"    fun f{n}() = {n}\n" for n in range(10))
        + "}\n"
    )
    repo.commit("base", {"app/src/main/java/app/Beta.kt": source})
    repo.branch("hotfix/fix-login")
    repo.git("mv", "app/src/main/java/app/Beta.kt", "app/Beta.kt")
    repo.write("internal/src/main/java/app/Beta.kt", source)
    repo.git("rm", "-q", "--cached", "app/Beta.kt")
    (repo.path / "app/Beta.kt").unlink()
    repo.commit("hide the beta from the release build")
    assert check("rename") == (0, [])


def test_a_class_moved_to_another_package_still_blocks(repo: Repo) -> None:
    source = (
        "package app\n\nclass Beta {\n"
        + "".join(f"    fun f{n}() = {n}\n" for n in range(10))
        + "}\n"
    )
    repo.commit("base", {"app/src/main/java/app/Beta.kt": source})
    repo.branch("hotfix/fix-login")
    repo.git("rm", "-q", "app/src/main/java/app/Beta.kt")
    repo.commit("move", {"app/src/main/java/app/beta/Beta.kt": source})
    code, lines = check("rename")
    assert code == 1
    assert lines[0] == (
        "app/src/main/java/app/beta/Beta.kt:1: rename: renamed: app/src/main/java/app/Beta.kt -> "
        "app/src/main/java/app/beta/Beta.kt (similarity 100%)"
    )
