"""Every failing rule gets one "To fix:" line with the values the tool knows, safe to paste."""

from __future__ import annotations

import os
import shlex
import subprocess

from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.report.fixes import quote
from tests.support.noise import SERVICE
from tests.support.repos import Repo, code_files


def test_each_failing_rule_has_its_own_fix_line_with_quoted_paths(repo: Repo) -> None:
    repo.commit("base", {"web/log in.js": "var a = 1;\nvar b = 2;\n", "app/old.py": SERVICE})
    base = repo.head()[:12]
    repo.branch("hotfix/fix-login")
    repo.git("mv", "app/old.py", "app/new.py")
    repo.commit("fix", {"web/log in.js": "var a = 1;\n\tvar b = 2;\n", **code_files(21)})
    result = CliRunner().invoke(
        cli, ["check", "--rule", "diff-size", "--rule", "rename", "--rule", "whitespace"]
    )
    fixes = [line for line in result.output.splitlines() if line.startswith("To fix: ")]
    three = "src/module_0.py src/module_1.py src/module_10.py"  # 23 files: 3 over the limit
    assert result.exit_code == 1
    assert fixes == [
        f"To fix: diff-size: git diff {base} -- {three} > split-out.patch && "
        f"git restore --source={base} --staged --worktree -- {three} (then apply "
        "split-out.patch in a separate change through the normal release)",
        "To fix: rename: git mv -- app/new.py app/old.py",
        f"To fix: whitespace: git checkout -p {base} -- 'web/log in.js' (undo the "
        "whitespace-only hunks)",
        "To fix: if diff-size, rename, whitespace must not hold for this hotfix, record why on "
        "the branch: hotfix-guard override diff-size,rename,whitespace --reason '<why, 10 "
        "characters or more>'",
    ]


def test_a_path_with_a_newline_and_odd_bytes_is_quoted_on_one_line() -> None:
    path = os.fsdecode(b"app/new\nline \xe9.py")
    quoted = quote(path)
    assert quoted == "$'app/new\\x0aline \\xe9.py'"
    # bash reads it back to the very bytes (the hint is safe to paste)
    echoed = subprocess.run(
        ["bash", "-c", f"printf %s {quoted}"], capture_output=True, check=True
    ).stdout
    assert echoed == os.fsencode(path)
    assert quote("it's") == shlex.quote("it's")


def test_a_wrong_tag_version_says_which_tag_to_delete_and_which_to_make(repo: Repo) -> None:
    repo.tag("v1.2.3", "Release 1.2.3")
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")
    repo.tag("v1.2.5", "Hotfix: login times out")
    result = CliRunner().invoke(cli, ["check-tag", "v1.2.5"])
    merge = repo.head()[:10]
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "To fix: tag-version: git tag -d v1.2.5 && git tag -a v1.2.4 -m "
        f"'Hotfix: <what it fixes>' {merge}"
    )
