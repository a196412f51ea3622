"""The CI setups in docs/ci are ready to copy: valid YAML, full history, commands that exist."""

from __future__ import annotations

import shlex
from pathlib import Path

import click
import yaml

from hotfix_guard.cli import cli

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ci"


def commands(steps: list[str]) -> list[list[str]]:
    return [shlex.split(step)[1:] for step in steps if step.startswith("hotfix-guard ")]


def test_the_github_workflow_fetches_history_and_runs_ci() -> None:
    workflow = yaml.safe_load((DOCS / "github-actions.yml").read_text())
    steps = workflow["jobs"]["hotfix-guard"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = [step["run"].removesuffix(" || true") for step in steps if "run" in step]
    assert commands(runs) == [
        ["ci", "--format", "github"],
        ["ci", "--format", "sarif", "--output", "hotfix-guard.sarif"],
    ]


def test_the_gitlab_job_fetches_history_and_reports_code_quality() -> None:
    job = yaml.safe_load((DOCS / "gitlab-ci.yml").read_text())["hotfix-guard"]
    assert job["variables"]["GIT_DEPTH"] == 0
    assert commands(job["script"]) == [
        ["ci", "--format", "gitlab", "--output", "gl-code-quality-report.json"]
    ]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"


def test_the_formats_they_use_are_the_commands_choices() -> None:
    [option] = [param for param in cli.commands["ci"].params if param.name == "output_format"]
    assert isinstance(option.type, click.Choice)
    assert {"github", "sarif", "gitlab"} <= set(option.type.choices)
