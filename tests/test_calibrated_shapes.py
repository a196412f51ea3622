"""Issue 19's shapes of good hotfixes the noise rules blocked, and the noise that stays blocked.

Each test is shaped like a case of the round-two review (benchmarks/calibration.md), written
by hand through real git: what an editor or a formatter does next to the fix warns; the same
kind of change in untouched places, or of real size, still blocks.
"""

from __future__ import annotations

import re

from tests.conftest import Repo
from tests.test_noise_rules import SERVICE, check, edit, findings, hotfix

FIX = ("    if user.password != password:", "    if not user.active or user.password != password:")
EDITOR = "as an editor or a formatter makes them"

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
    code, lines = check("whitespace")
    assert code == 0
    assert lines[0] == (
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
    code, lines = check("whitespace")
    assert code == 0
    assert lines[0] == (
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
    code, lines = check("whitespace")
    assert code == 0
    assert lines[0] == (
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
    code, lines = check("whitespace")
    assert code == 0
    assert lines[0] == (
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
