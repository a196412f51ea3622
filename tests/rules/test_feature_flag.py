"""feature-flag: a feature-flag mitigation changes only the flag files (feature-flag-paths), and
is held to the tightest size limits any severity sets."""

from __future__ import annotations

from click.testing import CliRunner

from hotfix_guard.cli import cli
from tests.support.repos import Repo

FLAGS = 'feature-flag-paths = ["config/features.yml", "*.flags.json"]\n'


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def flag_hotfix(repo: Repo, config: str = FLAGS) -> None:
    repo.commit("Flags", {".hotfix-guard.toml": config, "config/features.yml": "search: on\n"})
    code, output = run(
        "start", "Turn off search", "--severity", "P1", "--mitigation", "feature-flag"
    )
    assert code == 0, output


def test_a_flag_flip_passes_and_code_is_refused(repo: Repo) -> None:
    flag_hotfix(repo)
    assert repo.git("log", "-1", "--format=%(trailers:key=Mitigation,valueonly)") == "feature-flag"
    repo.commit("Turn search off", {"config/features.yml": "search: off\n",
                                    "web/search.flags.json": '{"search": false}\n'})  # fmt: skip
    code, output = run("check", "--rule", "feature-flag")
    assert (code, output.splitlines()[0][:20]) == (0, "hotfix-guard passed:")
    repo.commit("And patch the code", {"app/main.py": "def main():\n    return 1\n"})
    code, output = run("check", "--rule", "feature-flag")
    assert code == 1
    assert output.splitlines()[0] == (
        "app/main.py: feature-flag: app/main.py is not a flag file: a feature-flag mitigation "
        "changes only files matching feature-flag-paths (config/features.yml, *.flags.json)"
    )


def test_no_flag_files_configured_is_a_finding_and_other_mitigations_are_not_judged(
    repo: Repo,
) -> None:
    flag_hotfix(repo, config='[rules]\nseverity = "off"\n')
    repo.commit("Turn search off", {"config/features.yml": "search: off\n"})
    code, output = run("check", "--rule", "feature-flag")
    assert code == 1
    assert output.splitlines()[0] == (
        "hotfix/turn-off-search: feature-flag: the hotfix is a feature-flag mitigation but "
        "feature-flag-paths is empty: name the flag files in the config (feature-flag-paths = "
        '["config/features.yml"])'
    )
    repo.switch("main")
    code, output = run("start", "Fix search", "--severity", "P1")
    assert code == 0, output
    repo.commit("Fix search", {"app/main.py": "def main():\n    return 1\n"})
    assert run("check", "--rule", "feature-flag")[0] == 0


def test_a_flag_flip_gets_the_tightest_limits(repo: Repo) -> None:
    flag_hotfix(repo, FLAGS + "[severity.P0]\nmax-files = 1\n")
    repo.commit("Flip two flags", {"config/features.yml": "search: off\n",
                                   "a.flags.json": "{}\n"})  # fmt: skip
    code, output = run("check", "--rule", "diff-size")
    assert code == 1
    assert output.splitlines()[0].startswith(
        "hotfix/turn-off-search: diff-size: 2 changed files (limit 1)"
    )
