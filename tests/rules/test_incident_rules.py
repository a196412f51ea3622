"""The severity and postmortem rules, and the limits a severity table sets for diff-size."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.stages import PushedRef, push_stage
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.due import names_tag, postmortem_states
from tests.support.incident import at, hand_made_hotfix
from tests.support.repos import Repo, code_files, without_pass_summary


def check(*args: str) -> tuple[int, str]:
    """Exit code and output, without the one-line summary of a clean pass."""
    result = CliRunner().invoke(cli, ["check", *args])
    lines = without_pass_summary(result.output.splitlines())
    return result.exit_code, "".join(f"{line}\n" for line in lines)


# --- severity ----------------------------------------------------------------------------------


def test_severity_warns_on_a_hotfix_without_the_trailer(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix", {"app/main.py": "def main():\n    return 1\n"})
    code, output = check("--rule", "severity")
    assert code == 0
    assert output.splitlines()[0] == (
        "hotfix/fix-login: severity: no commit of the hotfix carries a Severity: trailer; the "
        "severity sets the response and restore targets and the size limits"
    )
    assert output.splitlines()[2] == (
        "To fix: severity: record the severity in the next commit (git commit --trailer "
        "'Severity: P1'), the level from the runbook's table: P0 system down (complete outage, "
        "data loss); P1 major feature broken (auth broken, payments failing); P2 feature "
        "degraded (slow performance, partial outage); P3 minor issue (UI bug, non-critical error)"
    )


def test_severity_names_an_invalid_value_and_can_be_an_error(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("fix\n\nSeverity: P5", {"app/main.py": "def main():\n    return 1\n"})
    repo.write(".hotfix-guard.toml", '[rules]\nseverity = "error"\n')
    code, output = check("--rule", "severity")
    assert code == 1
    assert output.splitlines()[0] == (
        "hotfix/fix-login: severity: Severity: 'P5' is not one of P0, P1, P2, P3; the severity "
        "sets the response and restore targets and the size limits"
    )


def test_severity_passes_with_the_newest_trailer_and_is_silent_before_the_first_commit(
    repo: Repo,
) -> None:
    repo.branch("hotfix/fix-login")
    repo.write("app/main.py", "def main():\n    return 1\n")
    repo.git("add", "-A")
    assert check("--rule", "severity") == (0, "")  # staged only: no message to judge yet
    repo.commit("fix\n\nSeverity: P9")
    repo.commit("fix it\n\nseverity: P2")  # keys are case-insensitive; the newest wins
    assert check("--rule", "severity") == (0, "")


def test_a_severity_table_sets_the_diff_size_limits_and_the_report_says_so(repo: Repo) -> None:
    repo.write(".hotfix-guard.toml", "[severity.P0]\nmax-files = 2\n")
    repo.commit("config")
    repo.branch("hotfix/fix-login")
    repo.commit("fix\n\nSeverity: P0", code_files(3))
    code, output = check("--rule", "diff-size")
    assert code == 1
    assert output.splitlines()[0] == (
        "hotfix/fix-login: diff-size: 3 changed files (limit 2) and 9 changed code lines (limit "
        "400), the limits of severity P0 ([severity.P0]); to get under the limits, split out 1 "
        "file: src/module_0.py (+3 -0)"
    )
    repo.commit("reclassified\n\nSeverity: P2")
    assert check("--rule", "diff-size") == (0, "")


# --- postmortem --------------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def tagged_hours_ago(repo: Repo, monkeypatch: pytest.MonkeyPatch, hours: float) -> datetime:
    """A hotfix merged and tagged HOURS ago (real time: the rule compares with now)."""
    tagged = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=hours)
    at(monkeypatch, iso(tagged - timedelta(hours=1)))
    repo.git("commit", "-q", "--amend", "--no-edit", "--reset-author")
    repo.git("branch", "develop")
    hand_made_hotfix(
        repo,
        monkeypatch,
        day=f"{tagged:%Y-%m-%d}",
        times=tuple(f"{tagged - timedelta(minutes=m):%H:%M}" for m in (30, 20, 10, 0)),  # type: ignore[arg-type]
        backport_at=None,
    )
    return tagged


def push_main(repo: Repo) -> list[str]:
    pushed = [PushedRef("refs/heads/main", repo.head(), "refs/heads/main", "0" * 40)]
    report = push_stage(Repository.discover(), pushed, ["postmortem"])
    return [f"{f.where}: {f.rule}: {f.severity}: {f.message}" for f in report.findings]


def test_postmortem_is_due_48_hours_after_the_tag(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    tagged = tagged_hours_ago(repo, monkeypatch, 49)
    due = tagged + timedelta(hours=48)
    assert push_main(repo) == [
        f"v1.2.4: postmortem: warning: hotfix tag v1.2.4 was made {tagged:%Y-%m-%d %H:%M} UTC "
        f"and its postmortem was due {due:%Y-%m-%d %H:%M} UTC, but no file in docs/postmortems/ "
        "names it; draft one: hotfix-guard postmortem v1.2.4"
    ]
    # A push is judged by the config committed in the pushed commit.
    repo.commit("postmortems are a must", {".hotfix-guard.toml": '[rules]\npostmortem = "error"\n'})
    assert [line.split(": ")[2] for line in push_main(repo)] == ["error"]
    repo.commit("three days for a postmortem", {".hotfix-guard.toml": 'postmortem-due = "3d"\n'})
    assert push_main(repo) == []


def test_postmortem_is_not_due_before_48_hours(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    tagged_hours_ago(repo, monkeypatch, 47)
    assert push_main(repo) == []
    repo_git = Repository.discover()
    now = datetime.now(timezone.utc)
    [state] = postmortem_states(repo_git, Config(), repo.head(), now)
    assert (state.tag.name, state.written, state.overdue(now)) == ("v1.2.4", None, False)
    assert state.overdue(now + timedelta(hours=2))
    assert postmortem_states(repo_git, Config(), repo.head(), now, due_only=True) == []


def test_a_committed_file_that_names_the_tag_is_the_postmortem(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    tagged_hours_ago(repo, monkeypatch, 72)
    repo.write("docs/postmortems/2026-login.md", "# Login\nReleased as v1.2.40.\n")
    repo.commit("a postmortem of another release")
    assert len(push_main(repo)) == 1  # v1.2.40 is not v1.2.4
    repo.write("notes/pm.md", "v1.2.4\n")
    repo.commit("in the wrong directory")
    assert len(push_main(repo)) == 1
    repo.write("docs/postmortems/2026-login.md", "# Login (v1.2.4)\n")
    assert len(push_main(repo)) == 1  # not committed: the pushed commit is judged
    repo.write(".hotfix-guard.toml", 'postmortem-dir = "notes"\n')
    assert len(push_main(repo)) == 1  # nor is an uncommitted config
    repo.commit("postmortems live in notes/")
    assert push_main(repo) == []


def test_a_file_named_after_the_tag_counts(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    tagged_hours_ago(repo, monkeypatch, 72)
    repo.commit("pm", {"docs/postmortems/v1.2.4.md": "to be written\n"})
    assert push_main(repo) == []


def test_names_tag_is_a_whole_word() -> None:
    assert names_tag("Released as v1.2.4.", "v1.2.4")
    assert names_tag("2026-11-28-v1.2.4.md", "v1.2.4")
    assert names_tag("v1.2.4-postmortem.md", "v1.2.4")
    assert not names_tag("v1.2.4.1", "v1.2.4")
    assert not names_tag("v1.2.40", "v1.2.4")
    assert not names_tag("v1.2.4-rc.1", "v1.2.4")
    assert not names_tag("xv1.2.4", "v1.2.4")


def test_postmortem_dir_must_stay_inside_the_repository(tmp_path: Path) -> None:
    from hotfix_guard.config.loader import load
    from hotfix_guard.errors import UsageError

    for value in ("../elsewhere", "/abs", "docs/../../x"):
        (tmp_path / ".hotfix-guard.toml").write_text(f'postmortem-dir = "{value}"\n')
        with pytest.raises(UsageError) as raised:
            load(tmp_path)
        assert str(raised.value) == (
            f".hotfix-guard.toml: postmortem-dir = {value!r} is invalid: expected a directory "
            "inside the repository, such as 'docs/postmortems'"
        )


def gitpython_loaded(repo: Repo, args: tuple[str, ...], stdin: str = "") -> bool:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "hotfix_guard", *args],
        cwd=repo.path,
        input=stdin,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-500:]
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "hotfix_guard.catalog" in modules  # the measurement saw the run
    return "git" in modules


def test_gitpython_stays_out_of_the_hooks(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The severity rule at commit time and the postmortem rule at the push of main read git with
    plain queries; GitPython is for the postmortem and status-message commands only."""
    tagged_hours_ago(repo, monkeypatch, 72)
    pushed = f"refs/heads/main {repo.head()} refs/heads/main {'0' * 40}\n"
    assert not gitpython_loaded(repo, ("hook", "--stage", "pre-push"), pushed)
    repo.branch("hotfix/fix-search")
    repo.commit("fix\n\nSeverity: P2", {"app/search.py": "x = 1\n"})
    assert not gitpython_loaded(repo, ("hook",))
    assert not gitpython_loaded(repo, ("status-message", "investigating"))  # the branch's record
    repo.switch("main")
    assert gitpython_loaded(repo, ("postmortem", "--output", "-"))


def test_a_real_push_of_main_warns_then_blocks_until_the_postmortem_is_committed(
    repo: Repo, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through `git push` and the pre-push hook `hotfix-guard install` adds, a hand-made hotfix
    tagged three days ago. Its first commit is on origin already, with a config in which
    main-landing only warns, as a repository adopting the rule may start."""
    repo.write(".hotfix-guard.toml", '[rules]\nmain-landing = "warn"\n')
    repo.git("add", ".hotfix-guard.toml")
    tagged_hours_ago(repo, monkeypatch, 72)
    repo.git("push", "-q", "--no-verify", "--force", "origin", "main^:refs/heads/main")
    monkeypatch.delenv("GIT_AUTHOR_DATE")
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    installed = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "install", "--hook-type", "pre-push"],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr

    def push() -> tuple[int, str]:
        result = subprocess.run(
            ["git", "push", "-q", "origin", "main", "v1.2.4"],
            capture_output=True,
            text=True,
        )
        return result.returncode, result.stdout + result.stderr

    code, output = push()
    assert code == 0, output
    assert "v1.2.4: postmortem: hotfix tag v1.2.4 was made " in output
    strict = '[rules]\npostmortem = "error"\nmain-landing = "warn"\n'
    repo.commit("strict", {".hotfix-guard.toml": strict})
    code, output = push()  # judged by main's config before the push: still a warning
    assert (code, "v1.2.4: postmortem: hotfix tag v1.2.4 was made " in output) == (0, True)
    repo.commit("Tweak the readme", {"README.md": "more\n"})
    code, output = push()
    assert code == 1, output
    # The backport warns, and so does main-landing (the readme commit is not a merge).
    assert "hotfix-guard failed: 1 error, 2 warnings (main at " in output
    drafted = CliRunner().invoke(cli, ["postmortem"])
    assert drafted.exit_code == 0, drafted.output
    repo.commit("Postmortem of v1.2.4")
    code, output = push()
    assert (code, "postmortem" in output) == (0, False)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('postmortem-due = "soon"\n',
         "postmortem-due = 'soon' is invalid: expected a duration such as '30m', '4h', '2d' or "
         "'1h30m'"),
        ('status-message = "short"\n',
         "status-message = 'short' is invalid: expected a table of templates by state "
         "(investigating, identified, monitoring, resolved)"),
    ],
)  # fmt: skip
def test_incident_keys_name_the_key_value_and_expectation(
    tmp_path: Path, toml: str, message: str
) -> None:
    from hotfix_guard.config.loader import load
    from hotfix_guard.errors import UsageError

    (tmp_path / ".hotfix-guard.toml").write_text(toml)
    with pytest.raises(UsageError) as raised:
        load(tmp_path)
    assert str(raised.value) == f".hotfix-guard.toml: {message}"
    (tmp_path / ".hotfix-guard.toml").write_text(
        'postmortem-dir = "docs/pm/"\npostmortem-due = "2d"\n'
    )
    config = load(tmp_path)
    assert (config.postmortem_dir, config.postmortem_due) == ("docs/pm", timedelta(days=2))


def test_ci_on_a_push_of_main_runs_the_postmortem_rule(
    repo: Repo, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.ci import ci_clone, run_ci

    tagged_hours_ago(repo, monkeypatch, 72)
    repo.git("push", "-q", "--force", "origin", "main", "v1.2.4")
    clone = ci_clone(remote, tmp_path, "main", depth=None)  # with history and tags
    environ = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push",
               "GITHUB_REF": "refs/heads/main", "GITHUB_SHA": repo.head()}  # fmt: skip
    result = run_ci(clone, environ)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(
        "v1.2.4: postmortem: hotfix tag v1.2.4 was made "
    )


def test_status_says_when_the_postmortem_is_due_from_the_tag_and_the_config(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    tagged = tagged_hours_ago(repo, monkeypatch, 72)

    def postmortem() -> str:
        result = CliRunner().invoke(cli, ["status", "--format", "json"])
        assert result.exit_code == 0, result.output
        [hotfix] = json.loads(result.output)["hotfixes"]
        return str(hotfix["postmortem"])

    assert postmortem() == f"overdue since {iso(tagged + timedelta(hours=48))}"
    repo.write(".hotfix-guard.toml", 'postmortem-due = "5d"\npostmortem-dir = "pm"\n')
    assert postmortem() == f"due {iso(tagged + timedelta(days=5))}"
    repo.write("pm/login.md", "# Postmortem of v1.2.4 (a draft, not committed yet)\n")
    assert postmortem() == "present"
