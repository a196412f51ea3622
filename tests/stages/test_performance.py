"""Performance by design: lean fast path, numbers before patches, bounded hunks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard import scope as scopes
from hotfix_guard.cli import cli
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.context import Context
from hotfix_guard.engine.coverage import analysis_findings
from hotfix_guard.engine.diff import FileChange
from hotfix_guard.git.repository import Repository
from tests.support.repos import Repo, code_files

ROOT = Path(__file__).resolve().parents[2]
HEAVY_MODULES = ("click", "git", "unidiff")


def imported_modules(repo: Repo, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "hotfix_guard", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result, modules


@pytest.mark.parametrize("args", [("hook",), ("check",)])
def test_fast_path_loads_no_click_gitpython_or_unidiff(repo: Repo, args: tuple[str, ...]) -> None:
    repo.commit("config", {"pyproject.toml": "[tool.hotfix-guard]\nmax-files = 5\n"})
    repo.branch("feature/monthly-report")
    result, modules = imported_modules(repo, *args)
    assert (result.returncode, result.stdout) == (0, "")
    assert "hotfix_guard.engine.fastpath" in modules  # the measurement saw the run
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY_MODULES)
    assert heavy == []


def test_the_fast_path_remembers_a_valid_config_until_it_changes(repo: Repo) -> None:
    repo.commit("config", {"pyproject.toml": "[tool.hotfix-guard]\nmax-files = 5\n"})
    repo.branch("feature/monthly-report")
    first, modules = imported_modules(repo, "hook")
    assert first.returncode == 0 and "hotfix_guard.config.loader" in modules
    second, modules = imported_modules(repo, "hook")
    assert second.returncode == 0 and "hotfix_guard.config.loader" not in modules
    # Nor what the config, the change model and git's spawning would load: no dataclass is made.
    assert {"dataclasses", "tomllib", "subprocess", "pathlib"} & modules == set()
    # Nor the catalog: the umbrella hook names no rule.
    assert "hotfix_guard.catalog" not in modules
    named, modules = imported_modules(repo, "hook", "--rule", "diff-size")
    assert (named.returncode, named.stdout) == (0, "") and "hotfix_guard.catalog" in modules
    # An edit is seen at once: now the branch is a hotfix branch and is checked (badly named).
    repo.write("pyproject.toml", '[tool.hotfix-guard]\nbranch-patterns = ["feature/*"]\n')
    edited, modules = imported_modules(repo, "hook")
    assert edited.returncode == 1 and "hotfix_guard.engine.stages" in modules
    assert "feature/monthly-report: branch-name: " in edited.stdout
    # A broken config is never remembered: every run reports it.
    repo.write("pyproject.toml", "[tool.hotfix-guard]\nmax-files = 'many'\n")
    for _ in range(2):
        broken, _modules = imported_modules(repo, "hook")
        assert (broken.returncode, broken.stderr.splitlines()[-1]) == (
            2,
            "hotfix-guard: pyproject.toml: max-files = 'many' is invalid: expected a positive "
            "integer",
        )
    assert repo.git("status", "--porcelain") == "M pyproject.toml"


def test_a_hotfix_branch_is_checked_without_click(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    result, modules = imported_modules(repo, "hook")
    assert result.returncode == 0
    assert "hotfix_guard.engine.stages" in modules and "click" not in modules


def test_a_hotfix_commit_check_makes_no_dataclass_and_no_temporary_file_module(repo: Repo) -> None:
    # What every commit on a hotfix branch pays: the records are NamedTuples, the index
    # snapshot's folder is made without tempfile, pairing lines loads difflib only when asked.
    repo.branch("hotfix/fix-login")
    repo.write("app/main.py", "def main():\n    return 2\n")
    repo.git("add", "app/main.py")
    result, modules = imported_modules(repo, "hook")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hotfix_guard.rules.noise" in modules  # every rule ran
    assert {"dataclasses", "tempfile", "shutil", "difflib"} & modules == set()


@pytest.mark.parametrize(
    ("args", "status"), [(("check", "--format", "xml"), 2), (("hook", "--help"), 0)]
)
def test_options_the_fast_path_does_not_read_go_to_click(
    repo: Repo, args: tuple[str, ...], status: int
) -> None:
    repo.branch("feature/monthly-report")
    result, modules = imported_modules(repo, *args)
    assert result.returncode == status and "click" in modules


def test_check_of_another_branch_in_json_is_answered_without_click(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    repo.git("switch", "-q", "main")
    result, modules = imported_modules(repo, "check", "--head", "hotfix/fix-login", "--format=json")
    assert (result.returncode, result.stdout.startswith('{\n  "ok": true')) == (0, True)
    assert "click" not in modules


# --- the change model: copies looked for only when they can matter ------------------------------


def context(repo: Repo, config: Config | None = None, head: str = "HEAD") -> Context:
    git_repo = Repository.discover(repo.path)
    config = config or Config()
    scope = scopes.resolve(git_repo, config, scopes.Target("hotfix/x", head))
    return Context(git_repo, config, scope)


MODULE = "".join(f"def step_{n}(value):\n    return value * {n} + {n * 7}\n\n" for n in range(12))


def test_a_copy_is_found_in_a_change_within_the_limits(repo: Repo) -> None:
    repo.commit("module", {"app/steps.py": MODULE})
    repo.branch("hotfix/x")
    repo.commit("copy", {"app/steps.py": MODULE + "# edited\n", "app/steps_copy.py": MODULE})
    change = context(repo).change
    assert not change.copies_skipped
    copy = next(f for f in change.files if f.path == "app/steps_copy.py")
    assert (copy.status, copy.old_path, copy.added) == ("C", "app/steps.py", 0)


def test_far_over_the_limits_copies_are_skipped_and_the_report_says_so(repo: Repo) -> None:
    repo.commit("module", {"app/steps.py": MODULE})
    repo.branch("hotfix/x")
    repo.commit(
        "copy and much more",
        {"app/steps.py": MODULE + "# edited\n", "app/steps_copy.py": MODULE, **code_files(12)},
    )
    config = Config(max_files=1, max_lines=4)
    ctx = context(repo, config)
    copy = next(f for f in ctx.change.files if f.path == "app/steps_copy.py")
    assert ctx.change.copies_skipped and ctx.analysis_limited
    assert (copy.status, copy.added) == ("A", MODULE.count("\n"))
    assert [f.message for f in analysis_findings(ctx)] == [
        "far over the limits (14 changed files, 73 changed code lines), so the detailed analysis "
        "was cut short: copies were not looked for (a copied file counts as added); counts, "
        "limits and the files to split out are complete"
    ]


def test_the_check_reports_the_cut_short_analysis_as_info(repo: Repo) -> None:
    repo.commit("module", {"app/steps.py": MODULE})
    repo.branch("hotfix/fix-login")
    repo.write(".hotfix-guard.toml", "max-files = 1\nmax-lines = 4\n")
    repo.commit("copy and more", {"app/steps_copy.py": MODULE, **code_files(12)})
    result = CliRunner().invoke(cli, ["check", "--rule", "diff-size"])
    assert result.exit_code == 1
    assert result.output.splitlines()[1:3] == [
        "hotfix/fix-login: diff-size: far over the limits (14 changed files, 74 changed code "
        "lines), so the detailed analysis was cut short: copies were not looked for (a copied "
        "file counts as added); counts, limits and the files to split out are complete",
        "hotfix-guard failed: 1 error, 0 warnings (hotfix/fix-login against main, merge base "
        f"{repo.git('rev-parse', 'main')[:12]} + staged changes)",
    ]


# --- streamed, budgeted hunk sections -----------------------------------------------------------


def code_only(file: FileChange) -> bool:
    return file.counted and not file.binary


def test_file_sections_pair_each_wanted_file_with_its_own_section(repo: Repo) -> None:
    repo.branch("hotfix/x")
    odd = "app/odd\nname \xe9.py"
    repo.commit(
        "fix",
        {
            "app/main.py": "def main():\n    return 1\n",
            odd: "value = 1\n",
            "tests/test_main.py": "def test_main():\n    pass\n",
        },
    )
    ctx = context(repo)
    chosen, coverage = ctx.analysis_files(code_only)
    sections = list(ctx.file_sections(chosen))
    assert [file.path for file, _ in sections] == ["app/main.py", odd]
    main_section, odd_section = (section or b"" for _, section in sections)
    assert main_section.startswith(b"diff --git a/app/main.py b/app/main.py\n")
    assert main_section.endswith(b"-    return 0\n+    return 1\n")
    assert odd_section.startswith(b'diff --git "a/app/odd\\nname \\303\\251.py"')
    assert odd_section.endswith(b"+value = 1\n")
    assert coverage.complete
    assert ctx.hunks_read() is None  # asking for sections is not the line rules' reading
    assert analysis_findings(ctx) == []


def test_far_over_the_limits_sections_stop_at_the_line_budget(repo: Repo) -> None:
    repo.commit("modules", code_files(5, lines=4))
    repo.branch("hotfix/x")
    edited = {path: str(text).replace("= ", "= 1 + ") for path, text in code_files(5, 4).items()}
    repo.commit("edit them all", edited)
    ctx = context(repo, Config(max_files=1, max_lines=2))
    assert ctx.analysis_line_budget == 20
    sections = list(ctx.file_sections(ctx.analysis_files(code_only)[0]))
    assert [file.path for file, _ in sections] == ["src/module_0.py", "src/module_1.py"]
    assert (sections[1][1] or b"").endswith(b"+value_3 = 1 + 1\n")
    assert analysis_findings(ctx) == []  # no rule read the hunks
    assert [patch.file.path for patch in ctx.file_patches] == ["src/module_0.py", "src/module_1.py"]
    assert [f.message for f in analysis_findings(ctx)] == [
        "far over the limits (5 changed files, 40 changed code lines), so the detailed analysis "
        "was cut short: hunks were read for 2 of 5 files (16 of 40 changed lines); counts, "
        "limits and the files to split out are complete"
    ]


def test_file_sections_of_the_staged_index(repo: Repo) -> None:
    repo.branch("hotfix/x")
    repo.write("app/main.py", "def main():\n    return 2\n")
    repo.git("add", "app/main.py")
    git_repo = Repository.discover(repo.path)
    scope = scopes.resolve(git_repo, Config(), scopes.Target("hotfix/x", "HEAD", staged=True))
    ctx = Context(git_repo, Config(), scope)
    sections = list(ctx.file_sections(ctx.analysis_files(code_only)[0]))
    assert [
        (file.path, (section or b"").endswith(b"+    return 2\n")) for file, section in sections
    ] == [("app/main.py", True)]


# --- the benchmark script -----------------------------------------------------------------------


def test_benchmark_script_has_help() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "--quick" in result.stdout
