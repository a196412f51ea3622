"""The command line surface: help everywhere, version, module entry, and the demo."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard import __version__
from hotfix_guard.cli import cli


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: cli {command} [OPTIONS]")


def test_version_through_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "--version"], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, f"hotfix-guard, version {__version__}\n")


def test_unknown_rule_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["check", "--rule", "nope"])
    assert result.exit_code == 2
    assert "Invalid value for '--rule': 'nope' is not one of" in result.output


def test_demo_shows_a_passing_and_a_failing_hotfix_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = CliRunner().invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    output = result.output
    assert "$ hotfix-guard check --head hotfix/fix-login-timeout" in output
    assert "hotfix-guard passed: 0 errors" in output
    assert "hotfix/Quick_Cleanup: branch-name:" in output
    assert "hotfix/Quick_Cleanup: branch-base: carries 1 commit that is not on main" in output
    assert "hotfix/Quick_Cleanup: diff-size: 28 changed files (limit 20)" in output
    assert "app/handlers.py:1: rename: renamed: app/module_29.py -> app/handlers.py" in output
    assert "app/module_28.py:2: whitespace: the whole change of this file is whitespace" in output
    assert output.rstrip().endswith("that is hotfix-guard's job.")
    assert list(tmp_path.iterdir()) == []
