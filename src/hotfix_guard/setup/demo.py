"""`hotfix-guard demo`: a throwaway repository with one good and one bad hotfix, both checked."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from hotfix_guard.config.loader import Config
from hotfix_guard.engine.request import Request
from hotfix_guard.engine.stages import check_change
from hotfix_guard.git.process import run
from hotfix_guard.git.repository import Repository
from hotfix_guard.report.findings import Report, render_text
from hotfix_guard.scope import Target

IDENTITY = {
    "GIT_AUTHOR_NAME": "Demo Author",
    "GIT_AUTHOR_EMAIL": "demo@example.invalid",
    "GIT_COMMITTER_NAME": "Demo Author",
    "GIT_COMMITTER_EMAIL": "demo@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}

LOGIN = """\
def login(user, password, session):
    if not user.check_password(password):
        return None
    session.start(user, timeout=5)
    return session
"""


def demo_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """ENVIRON without git's variables (nothing inherited may point the demo's git elsewhere),
    with the demo's own identity and no user or system config."""
    kept = {name: value for name, value in environ.items() if not name.startswith("GIT_")}
    return {**kept, **IDENTITY}


class _Builder:
    def __init__(self, root: Path, env: Mapping[str, str]) -> None:
        self.root = root
        self.env = env

    def git(self, *args: str) -> None:
        run(args, cwd=self.root, env=self.env)

    def write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def build_demo_repository(root: Path, env: Mapping[str, str]) -> None:
    """main with a small app, a develop branch ahead of it, and two hotfix branches."""
    repo = _Builder(root, env)
    repo.git("init", "-q", "-b", "main")
    repo.write("app/login.py", LOGIN)
    for number in range(30):
        repo.write(
            f"app/module_{number}.py", f"def handler_{number}(request):\n    return {number}\n"
        )
    repo.commit("Release 1.2.3")
    repo.git("tag", "-a", "v1.2.3", "-m", "Release 1.2.3")

    repo.git("switch", "-q", "-c", "develop")
    repo.write("app/reports.py", "def monthly_report():\n    return []\n")
    repo.commit("Add monthly reports (unreleased)")

    repo.git("switch", "-q", "-c", "hotfix/fix-login-timeout", "main")
    repo.write("app/login.py", LOGIN.replace("timeout=5", "timeout=30"))
    repo.write("tests/test_login.py", "def test_timeout():\n    assert 30 > 5\n")
    repo.commit("Fix login timeout\n\nSeverity: P1\nIncident: INC-42")

    # The bad one: cut from develop instead of main, and a "small fix" that touches everything.
    repo.git("switch", "-q", "-c", "hotfix/Quick_Cleanup", "develop")
    for number in range(25):
        body = "".join(f"    step_{line} = request.get({line})\n" for line in range(20))
        repo.write(
            f"app/module_{number}.py",
            f"def handler_{number}(request):\n{body}    return {number}\n",
        )
    # ...and brings a move and a reformat along with it.
    repo.git("mv", "app/module_29.py", "app/handlers.py")
    repo.write("app/module_28.py", "def handler_28(request):\n\treturn 28\n")
    repo.commit("Fix login and clean up handlers\n\nSeverity: P1\nIncident: INC-42")
    repo.git("switch", "-q", "main")


def run_demo(keep: bool, echo: Callable[[str], None]) -> int:
    """Build, check both hotfixes, print both reports; 0 when the good passes and the bad fails."""
    env = demo_environment(os.environ)
    root = Path(tempfile.mkdtemp(prefix="hotfix-guard-demo-")).resolve()
    try:
        build_demo_repository(root, env)
        repo = Repository(root, root / ".git", shallow=False, env=env)
        reports = [
            _check(repo, branch, echo)
            for branch in ("hotfix/fix-login-timeout", "hotfix/Quick_Cleanup")
        ]
    finally:
        if keep:
            echo(f"\nThe demo repository is kept at {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    good, bad = reports
    as_expected = good.ok and not bad.ok
    echo(
        "\nThe good hotfix passed and the bad one was stopped: that is hotfix-guard's job."
        if as_expected
        else "\nUnexpected: the demo's verdicts are not the expected ones."
    )
    return 0 if as_expected else 1


def _check(repo: Repository, branch: str, echo: Callable[[str], None]) -> Report:
    echo(f"$ hotfix-guard check --head {branch}")
    report = check_change(repo, Request(Config()), Target(branch, branch))
    echo(render_text(report))
    echo("")
    return report
