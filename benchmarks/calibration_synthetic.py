"""Synthetic hotfixes for the calibration: each shape of issue 19 built in a real repository.

Every case is a small git history: BASE committed on main, then a hotfix branch with the
changes of FIX (a path mapped to None is deleted; `steps` run git commands in between, for
reverts). The rules run as calibrate_noise.py runs them (the branch's change from the merge
base); each case has the verdict a strict but reasonable reviewer gives. Hand-written tests of
the same shapes assert the exact messages (tests/rules/test_calibrated_shapes.py, test_rollback.py).

    python benchmarks/calibration_synthetic.py      # prints each case; exit 1 on a mismatch
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Files = dict[str, "str | None"]
Steps = Callable[[Callable[..., str]], None]


def lines(count: int, prefix: str = "line") -> str:
    return "".join(f"{prefix}_{n} = {n}\n" for n in range(count))


SERVICE = (
    "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
    + "".join(
        f"def action_{n}(store, user_id):\n    user = store.load(user_id)\n"
        f'    log.info("action {n} %s", user_id)\n    return user\n\n\n'
        for n in range(6)
    )
    + "def check_password(user, password):\n    if user.password != password:\n"
    "        raise PermissionError(user.name)\n"
)
FIXED = SERVICE.replace("    if user.password", "    if not user.active or user.password")
DOCBLOCK = (
    "<?php\nclass Login\n{\n    /**\n     * @param string $user the user\n"
    "     * @param string $password the password\n     *\n     * @return bool\n     */\n"
    "    public function check($user, $password)\n    {\n"
    "        return $this->store->verify($user, $password);\n    }\n}\n"
)
PRICE = (
    "def price(cart, code):\n    total = cart.subtotal()\n    total = apply_tax(total)\n"
    '    log.debug("price %s", total)\n    return total\n'
)
LAYOUT = (
    "<LinearLayout>\n"
    + "".join(
        f'    <TextView android:id="@+id/v{n}" android:layout_width="match_parent" />\n'
        for n in range(20)
    )
    + "</LinearLayout>\n"
)
VECTOR = (
    '<vector xmlns:android="http://schemas.android.com/apk/res/android">\n'
    + "".join(
        f'    <path android:fillColor="#FF000000" android:pathData="M{n},0L{n},24" />\n'
        for n in range(10)
    )
    + "</vector>\n"
)
KOTLIN = "package app\n\nclass Beta {\n" + "".join(f"    fun f{n}() = {n}\n" for n in range(10))
KOTLIN += "}\n"
CALLS = "".join(f"    step_{n}(job)\n" for n in range(7))
KEPT = "".join(f"    job.check_{n}()\n" for n in range(8))
ORDERS = "".join(
    f"def step_{n}(store, order_id):\n    order = store.load(order_id)\n"
    f"    order.step = {n}\n    store.save(order)\n    return order_id\n\n\n"
    for n in range(8)
)
STEPS = ORDERS.split("\n\n\n")
# A release that moves a function up and renames a parameter: what a rollback reverts.
RESHAPED = "\n\n\n".join([STEPS[6], *STEPS[:6], *STEPS[7:]]).replace("order_id", "oid")


def trailing(text: str, count: int) -> str:
    out, done = [], 0
    for line in text.splitlines(True):
        if line.strip() and done < count:
            line, done = line.rstrip("\n") + "   \n", done + 1
        out.append(line)
    return "".join(out)


def rewrap(text: str, name: str) -> str:
    """The signature of function NAME wrapped over three lines, as a formatter does."""
    return re.sub(rf"def {name}\((.*?)\):", rf"def {name}(\n    \1\n):", text)


def revert_by_hand(git: Callable[..., str]) -> None:
    release = git("rev-parse", "main~0")
    git("revert", "--no-commit", release)
    resolved = ORDERS.replace("order.step = 1", "order.step = -1")  # a conflict, by hand
    Path(git("rev-parse", "--show-toplevel"), "app/orders.py").write_text(resolved)
    git("add", "-A")
    git("commit", "-q", "-m", f'Revert "Release"\n\nThis reverts commit {release}.')


def revert_pull_request(git: Callable[..., str]) -> None:
    merge = git("rev-parse", "main")
    git("revert", "--no-commit", "-m", "1", merge)
    Path(git("rev-parse", "--show-toplevel"), "app/s.py").write_text(FIXED)  # a conflict, by hand
    git("add", "-A")
    git("commit", "-q", "-m", "Revert #4127\n\nReverts acme/shop#4127")


@dataclass(frozen=True)
class Case:
    name: str
    shape: str  # the issue's numbered shape (2-7), or "noise"
    base: Files
    fix: Files
    verdict: str  # pass or block
    steps: Steps | None = None
    # Commits on main after BASE: each a commit message and its files (a release to revert).
    main: tuple[tuple[str, Files], ...] = field(default=())


CASES = [
    Case(
        "editor strips trailing spaces on 5 lines",
        "2",
        {"app/s.py": trailing(SERVICE, 5)},
        {"app/s.py": FIXED},
        "pass",
    ),
    Case(
        "newline added at the end of the fixed file",
        "2",
        {"app/s.py": SERVICE.rstrip("\n")},
        {"app/s.py": FIXED},
        "pass",
    ),
    Case(
        "two stray blank lines",
        "2",
        {"app/s.py": SERVICE},
        {
            "app/s.py": FIXED.replace("import logging\n\n", "import logging\n", 1).replace(
                "\n\n\ndef action_5", "\n\n\n\ndef action_5"
            )
        },
        "pass",
    ),
    Case(
        "docblock columns realigned for a longer tag",
        "2",
        {"src/Login.php": DOCBLOCK},
        {
            "src/Login.php": DOCBLOCK.replace("@param string", "@param  string")
            .replace("     * @return bool\n", "     * @return bool\n     * @throws \\Error\n")
            .replace(
                "        return $this", "        $this->guard->open($user);\n        return $this"
            )
        },
        "pass",
    ),
    Case(
        "formatter re-wraps the neighbour's signature",
        "2",
        {"app/s.py": SERVICE},
        {"app/s.py": rewrap(FIXED, "action_5")},
        "pass",
    ),
    Case(
        "a blank line in a pull request template",
        "2",
        {"app/s.py": SERVICE, ".github/PULL_REQUEST_TEMPLATE.md": "## What\n\n## Why\n"},
        {"app/s.py": FIXED, ".github/PULL_REQUEST_TEMPLATE.md": "## What\n\n## Why\n\n"},
        "pass",
    ),
    Case(
        "trailing spaces stripped through a whole file",
        "noise",
        {"app/s.py": trailing(SERVICE, 20)},
        {"app/s.py": FIXED},
        "block",
    ),
    Case(
        "signatures re-wrapped in three places",
        "noise",
        {"app/s.py": SERVICE},
        {"app/s.py": rewrap(rewrap(rewrap(FIXED, "action_1"), "action_3"), "action_5")},
        "block",
    ),
    Case(
        "a blank line in a code file the fix does not touch",
        "noise",
        {"app/s.py": SERVICE, "app/o.py": "A = 1\n\nB = 2\n"},
        {"app/s.py": FIXED, "app/o.py": "A = 1\nB = 2\n"},
        "block",
    ),
    Case(
        "a function body re-indented",
        "noise",
        {"app/s.py": SERVICE},
        {"app/s.py": FIXED.replace("    user = store", "        user = store")},
        "block",
    ),
    Case(
        "reverts resolved by hand, then fix-ups",
        "3",
        {"app/orders.py": ORDERS, "app/users.py": SERVICE},
        {
            "app/orders.py": ORDERS.replace("= 1\n", "= -1  # noqa\n"),
            "tests/test_orders.py": lines(20),
        },
        "pass",
        steps=revert_by_hand,
        main=(
            (
                "Release",
                {
                    "app/orders.py": RESHAPED,
                    "app/users.py": None,
                    "app/people.py": SERVICE + "VERSION = 2\n",
                },
            ),
        ),
    ),
    Case(
        "GitHub Revert #N of a merged pull request",
        "3",
        {"app/s.py": SERVICE},
        {},
        "pass",
        steps=revert_pull_request,
        main=(
            (
                "Merge pull request #4127 from acme/feature",
                {
                    **{f"src/m{n}.py": lines(20) for n in range(25)},
                    "app/s.py": None,
                    "app/users.py": SERVICE.replace("user_id", "uid"),
                },
            ),
        ),
    ),
    Case(
        "a local renamed in the function the fix rewrites",
        "4",
        {"app/p.py": PRICE},
        {
            "app/p.py": "def price(cart, code):\n    amount = cart.subtotal()\n    if code:\n"
            "        discount = lookup(code)\n        if discount is None:\n"
            "            raise ValueError(code)\n        amount = amount - discount.value\n"
            '    amount = apply_tax(amount)\n    log.debug("price %s", amount)\n'
            "    return amount\n"
        },
        "pass",
    ),
    Case(
        "a method renamed for the JDK's List.removeLast",
        "4",
        {
            f"src/C{n}.java": f"class C{n} {{\n    void go(History h) {{\n        h.removeLast();\n"
            "    }\n}\n"
            for n in range(3)
        },
        {
            f"src/C{n}.java": f"class C{n} {{\n    void go(History h) {{\n        h.popLast();\n"
            "    }\n}\n"
            for n in range(3)
        },
        "pass",
    ),
    Case(
        "a feature flag renamed to its kill switch",
        "4",
        {"app/f.py": "NEW_FLOW = Flag()\nif NEW_FLOW.on:\n    a()\nif NEW_FLOW.on:\n    b()\n"},
        {
            "app/f.py": "NEW_FLOW_KILL_SWITCH = Flag()\nif NEW_FLOW_KILL_SWITCH.on:\n    a()\n"
            "if NEW_FLOW_KILL_SWITCH.on:\n    b()\n"
        },
        "pass",
    ),
    Case(
        "layout_width changed to layout_height",
        "4",
        {"res/layout/main.xml": LAYOUT},
        {"res/layout/main.xml": LAYOUT.replace("layout_width", "layout_height")},
        "pass",
    ),
    Case(
        "a function renamed across files",
        "noise",
        {"app/a.py": "def get_user(x):\n    return x\n", "app/b.py": "get_user(1)\nget_user(2)\n"},
        {
            "app/a.py": "def fetch_user(x):\n    return x\n",
            "app/b.py": "fetch_user(1)\nfetch_user(2)\n",
        },
        "block",
    ),
    Case(
        "a Room schema export of 680 lines",
        "5",
        {"app/s.py": SERVICE},
        {"app/s.py": FIXED, "app/schemas/Db/7.json": lines(680)},
        "pass",
    ),
    Case(
        "a feature deleted by hand: +40 -551",
        "5",
        {"app/feature.py": lines(551)},
        {"app/feature.py": lines(40, "kept")},
        "pass",
    ),
    Case(
        "401 lines, the extra ones an XML re-indent",
        "5",
        {"res/layout/main.xml": LAYOUT, "app/big.py": lines(10)},
        {
            "res/layout/main.xml": LAYOUT.replace("    <TextView", "      <TextView")
            .replace("<LinearLayout>\n", "<LinearLayout>\n  <ScrollView>\n")
            .replace("</LinearLayout>", "  </ScrollView>\n</LinearLayout>"),
            "app/big.py": lines(369),
        },
        "pass",
    ),
    Case(
        "500 lines of new code",
        "noise",
        {"app/s.py": SERVICE},
        {"app/s.py": FIXED, "app/new.py": lines(500)},
        "block",
    ),
    Case(
        "a call list moved while the function is restructured",
        "6",
        {"app/run.py": f"def run(job):\n    job.prepare()\n{CALLS}{KEPT}    job.finish()\n"},
        {
            "app/run.py": f"def run(job):\n    if not job.ready():\n        return\n"
            f"    job.prepare()\n{KEPT}{CALLS}    job.finish()\n"
        },
        "pass",
    ),
    Case(
        "a block moved to another file",
        "noise",
        {"app/run.py": f"def run(job):\n{CALLS}", "app/o.py": "def other(job):\n    pass\n"},
        {"app/run.py": "def run(job):\n    other(job)\n", "app/o.py": f"def other(job):\n{CALLS}"},
        "block",
    ),
    Case(
        "an icon swapped (vector boilerplate shared)",
        "7",
        {"res/drawable/ic_old.xml": VECTOR},
        {
            "res/drawable/ic_old.xml": None,
            "res/drawable/ic_new.xml": VECTOR.replace("L1,24", "L2,20").replace("L3,24", "L4,20"),
        },
        "pass",
    ),
    Case(
        "a night asset split into _light and _dark",
        "7",
        {"res/drawable-night/logo.xml": VECTOR},
        {
            "res/drawable-night/logo.xml": None,
            "res/drawable/logo_dark.xml": VECTOR,
            "res/drawable/logo_light.xml": VECTOR.replace("FF000000", "FFFFFFFF"),
        },
        "pass",
    ),
    Case(
        "a class moved into an internal module",
        "7",
        {"app/src/main/java/app/Beta.kt": KOTLIN},
        {"app/src/main/java/app/Beta.kt": None, "internal/src/main/java/app/Beta.kt": KOTLIN},
        "pass",
    ),
    Case(
        "a class moved to another package",
        "noise",
        {"app/src/main/java/app/Beta.kt": KOTLIN},
        {"app/src/main/java/app/Beta.kt": None, "app/src/main/java/app/beta/Beta.kt": KOTLIN},
        "block",
    ),
]


def build(case: Case, root: Path) -> tuple[str, str]:
    """The case's history in ROOT; (merge base, hotfix tip)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def commit(message: str, files: Files) -> None:
        for path, text in files.items():
            target = root / path
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        git("add", "-A")
        git("commit", "-q", "--allow-empty", "-m", message)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Calibration")
    git("config", "user.email", "calibration@example.invalid")
    commit("base", case.base)
    for message, files in case.main:
        commit(message, files)
    git("switch", "-q", "-c", "hotfix/case")
    if case.steps is not None:
        case.steps(git)
    if case.fix:
        commit("fix", case.fix)
    return git("merge-base", "main", "HEAD"), git("rev-parse", "HEAD")


def run_cases() -> list[tuple[Case, list[str]]]:
    """Each case with the rules that block it."""
    from calibrate_noise import Sample, check

    results = []
    for case in CASES:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            base, head = build(case, root)
            outcome = check(str(root), Sample("hotfix", case.name, base, head))
            blocked = sorted({f.rule for f in outcome.findings})
            if outcome.error:
                blocked.append(f"crash: {outcome.error}")
            results.append((case, blocked))
    return results


def report(results: list[tuple[Case, list[str]]]) -> list[str]:
    """Print every case; return the mismatches."""
    mismatches = []
    for case, blocked in results:
        verdict = "block" if blocked else "pass"
        mark = "ok  " if verdict == case.verdict else "MISS"
        said = f"blocks ({', '.join(blocked)})" if blocked else "passes"
        print(f"  {mark} [{case.shape}] {case.name}: {said}")
        if verdict != case.verdict:
            mismatches.append(case.name)
    print(
        f"synthetic cases matching their verdict: {len(results) - len(mismatches)}/{len(results)}"
    )
    return mismatches


if __name__ == "__main__":
    sys.exit(1 if report(run_cases()) else 0)
