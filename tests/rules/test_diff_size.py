"""diff-size: what counts, what is listed but not counted, what to split out, revert exemption."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.engine.diff import FileChange
from hotfix_guard.rules.size import files_to_split_out
from tests.support.repos import Repo, code_files


def check(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "--rule", "diff-size", *args])
    return result.exit_code, result.output.splitlines()


def lines_of(count: int) -> str:
    return "".join(f"line_{n} = {n}\n" for n in range(count))


def test_lockfiles_tests_and_generated_files_are_listed_not_counted(repo: Repo) -> None:
    repo.commit("attributes", {".gitattributes": "api/generated.py linguist-generated\n"})
    repo.branch("hotfix/fix-login")
    repo.commit(
        "fix with companions",
        {
            "app/main.py": "def main():\n    return 1\n",
            "package-lock.json": lines_of(900),
            "tests/test_login.py": lines_of(500),
            "web/app.min.js": lines_of(450),
            "api/generated.py": lines_of(420),
            "vendor/lib/x.go": lines_of(410),
        },
    )
    code, lines = check()
    assert code == 0
    assert lines == [
        "api/generated.py: diff-size: not counted (linguist-generated): +420 -0",
        "package-lock.json: diff-size: not counted (lockfile: package-lock.json): +900 -0",
        "tests/test_login.py: diff-size: not counted (test: test_*.py): +500 -0",
        "vendor/lib/x.go: diff-size: not counted (excluded: vendor/): +410 -0",
        "web/app.min.js: diff-size: not counted (excluded: *.min.js): +450 -0",
        lines[-1],
    ]
    assert lines[-1] == (
        "hotfix-guard passed: hotfix/fix-login: 1 file, 2 code lines (limits 20 files, "
        "400 lines), 1 check passed"
    )


def test_a_commit_is_judged_by_the_gitattributes_of_its_own_folders(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit(
        "fix, with generated and vendored companions",
        {
            "gen dir/.gitattributes": "*.py linguist-generated\n",
            "gen dir/sub/api.py": lines_of(420),
            "new\nline/.gitattributes": "* linguist-vendored\n",
            "new\nline/lib.c": lines_of(430),
            "weird/.gitattributes/inside.py": lines_of(3),  # a folder: it says nothing
            "app/main.py": lines_of(2),
        },
    )
    repo.write(b"lat\xe9n/.gitattributes", b"* linguist-generated\n")
    repo.write(b"lat\xe9n/x.c", lines_of(410))
    repo.commit("latin-1 folder")
    repo.write("app/.gitattributes", "* linguist-generated\n")  # not committed: not the commit's
    code, lines = check("--head", "hotfix/fix-login")
    assert lines == [
        "gen dir/sub/api.py: diff-size: not counted (linguist-generated): +420 -0",
        '"lat\\xe9n/.gitattributes": diff-size: not counted (linguist-generated): +1 -0',
        '"lat\\xe9n/x.c": diff-size: not counted (linguist-generated): +410 -0',
        '"new\\nline/.gitattributes": diff-size: not counted (linguist-vendored): +1 -0',
        '"new\\nline/lib.c": diff-size: not counted (linguist-vendored): +430 -0',
        "hotfix-guard passed: hotfix/fix-login: 3 files, 8 code lines (limits 20 files, "
        "400 lines), 1 check passed",
    ]
    assert code == 0


def test_test_layouts_of_several_languages_do_not_count(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    tests = [
        "pkg/handler_test.go",
        "src/test/java/app/LoginTest.java",
        "web/login.spec.ts",
        "web/__tests__/login.js",
        "spec/login_spec.rb",
        "tests/Unit/LoginTest.php",
        "app/LoginTest.kt",
        "test_login.py",
    ]
    repo.commit("tests", {path: lines_of(100) for path in tests})
    code, lines = check()
    assert code == 0
    assert len(lines) == len(tests) + 1
    assert all("not counted (test: " in line for line in lines[:-1])


def test_line_limit_alone(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("big", {"app/big.py": lines_of(300), "app/other.py": lines_of(150)})
    code, lines = check()
    assert code == 1
    assert lines[0] == (
        "hotfix/fix-login: diff-size: 2 changed files (limit 20) and 450 changed code lines "
        "(limit 400); to get under the limits, split out 1 file: app/big.py (+300 -0)"
    )


def test_staged_changes_count_at_commit_time(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("small", {"app/a.py": lines_of(300)})
    assert check()[0] == 0
    repo.write("app/b.py", lines_of(200))
    repo.git("add", "app/b.py")
    assert check()[0] == 1
    assert check("--no-staged")[0] == 0


def test_configured_limits(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "max-files = 2\nmax-lines = 5\n")
    repo.commit("config")
    repo.branch("hotfix/fix-login")
    repo.commit("three", code_files(3, lines=1))
    code, lines = check()
    assert code == 1
    assert "3 changed files (limit 2) and 3 changed code lines (limit 5)" in lines[0]


def test_level_warn_passes_with_warning(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "[rules]\ndiff-size = 'warn'\n")
    repo.commit("config")
    repo.branch("hotfix/fix-login")
    repo.commit("big", code_files(21))
    code, lines = check()
    assert code == 0
    assert lines[-2].startswith("hotfix-guard passed with warnings: 0 errors, 1 warning")


def test_revert_of_main_commits_is_exempt(repo: Repo) -> None:
    bad = repo.commit("bad release", code_files(30, lines=20))
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-edit", bad)
    code, lines = check()
    assert code == 0
    assert lines[0] == (
        "hotfix/rollback-release: diff-size: exempt: 30 files and 600 code lines, but the change "
        f"only reverts commits already on main ({bad[:10]})"
    )


def test_staged_revert_is_exempt_but_revert_plus_changes_is_not(repo: Repo) -> None:
    bad = repo.commit("bad release", code_files(30, lines=20))
    repo.branch("hotfix/rollback-release")
    repo.git("revert", "--no-commit", bad)
    assert check()[0] == 0
    repo.write("app/extra.py", "x = 1\n")
    repo.git("add", "app/extra.py")
    assert check()[0] == 1


def test_odd_paths_are_shown_on_one_line(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "max-files = 1\n")
    repo.commit("config")
    repo.branch("hotfix/odd-paths")
    repo.write("with space/and\nnewline.py", lines_of(8))
    repo.write(b"latin1-\xe9.py", lines_of(9))
    repo.commit("odd")
    code, lines = check()
    assert code == 1
    assert lines[0].endswith('split out 1 file: "with space/and\\nnewline.py" (+8 -0)')


def file_change(path: str, lines: int) -> FileChange:
    return FileChange(path, None, "M", None, lines, 0, False, False, "code", None)


def test_split_out_keeps_the_likely_fix_and_prefers_what_it_touches_least() -> None:
    files = [file_change(f"f{n}.py", n) for n in range(1, 8)]  # 28 lines in 7 files
    # f7.py changes the most existing code: the likeliest fix, named only if nothing else would do
    assert [f.path for f in files_to_split_out(files, max_files=10, max_lines=20)] == [
        "f6.py",
        "f5.py",
    ]
    assert [f.path for f in files_to_split_out(files, max_files=5, max_lines=100)] == [
        "f1.py",
        "f2.py",
    ]
    assert files_to_split_out(files, max_files=7, max_lines=28) == []
    assert [f.path for f in files_to_split_out(files[6:], max_files=1, max_lines=5)] == ["f7.py"]


def test_split_out_names_added_files_before_the_edited_ones() -> None:
    fix = file_change("web/login.js", 12)
    data = FileChange("data/schema.json", None, "A", None, 900, 0, False, False, "code", None)
    helper = file_change("web/util.js", 2)
    assert files_to_split_out([fix, data, helper], max_files=2, max_lines=400) == [data]


def test_a_schema_export_and_a_bundled_data_list_are_not_counted(repo: Repo) -> None:
    repo.branch("hotfix/fix-migration")
    schema = "{\n" + "".join(f'  "column_{n}": "TEXT",\n' for n in range(1500)) + '  "v": 3\n}\n'
    repo.commit(
        "fix the migration",
        {
            "app/db.py": "VERSION = 3\n",
            "app/schemas/AppDatabase/3.json": schema,
            "data/blocklist.list": "".join(f"host{n}.example\n" for n in range(5000)),
            "data/small.json": '{"ok": true}\n',
        },
    )
    code, lines = check()
    assert (code, lines[:2]) == (
        0,
        [
            "app/schemas/AppDatabase/3.json: diff-size: not counted (data file: 1503 changed "
            "lines): +1503 -0",
            "data/blocklist.list: diff-size: not counted (data file: 5000 changed lines): +5000 -0",
        ],
    )


def test_split_out_is_linear_it_never_compares_two_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 files: a comparison of dataclasses per pair made it quadratic."""
    files = [file_change(f"src/module_{n}.py", 1 + n % 7) for n in range(20_000)]

    def no_comparisons(self: FileChange, other: object) -> bool:
        raise AssertionError("files_to_split_out compared two files")

    monkeypatch.setattr(FileChange, "__eq__", no_comparisons)
    chosen = files_to_split_out(files, max_files=20, max_lines=400)
    assert len(chosen) == 19_980
    assert len({id(f) for f in chosen}) == len(chosen)


def test_the_fix_names_at_most_20_files_and_says_so(repo: Repo) -> None:
    repo.branch("hotfix/wide")
    repo.commit("Touch everything", code_files(45))
    code, lines = check()
    assert code == 1
    [fix] = [line for line in lines if line.startswith("To fix: diff-size: ")]
    assert fix.count(".py") == 2 * 20  # each path in the diff and in the restore
    assert fix.endswith(
        "(then apply split-out.patch in a separate change through the normal release; these "
        "are 20 of 25: run the check again for the rest)"
    )


def test_a_file_with_a_huge_line_is_counted_but_not_read_and_the_report_says_so(
    repo: Repo,
) -> None:
    """One minified line of 100 KB: the line rules would hold it whole in memory many times."""
    repo.branch("hotfix/bundle")
    repo.commit("Ship the bundle", {"web/bundle.js": "var a=" + "1+" * 50_000 + "1;\n"})
    result = CliRunner().invoke(cli, ["check", "--rule", "diff-size", "--rule", "whitespace"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "hotfix/bundle: diff-size: the hunks of web/bundle.js were not read (a line over 64 KiB "
        "or a patch over 8 MiB): the line rules say nothing about them; counts and limits are "
        "complete"
    )


def test_one_file_over_the_line_limit_is_one_changed_file(repo: Repo) -> None:
    repo.branch("hotfix/long")
    repo.commit("One long fix", {"app/long.py": lines_of(401)})
    code, lines = check()
    assert code == 1
    assert lines[0].startswith(
        "hotfix/long: diff-size: 1 changed file (limit 20) and 401 changed code lines (limit 400)"
    )
