"""The timeline, the postmortem draft and its file, from hotfixes made by hand with plain git."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hotfix_guard.cli import cli
from hotfix_guard.config.loader import CONFIG_FILE, Config, from_files
from hotfix_guard.git.history import History
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident import timeline
from hotfix_guard.incident.postmortem import slug
from hotfix_guard.incident.postmortem_template import render
from hotfix_guard.incident.record import commit_records
from tests.support.incident import RECORD, at, base_history, hand_made_hotfix
from tests.support.lifecycle import hotfix, released
from tests.support.repos import Repo

__all__ = ["hotfix", "released"]  # fixtures


def build(tag: str, config: Config | None = None) -> timeline.Hotfix:
    repo = Repository.discover()
    with History(repo) as history:
        return timeline.build(repo, history, config or Config(), tag)


def config_with(toml: str) -> Config:
    return from_files({CONFIG_FILE: toml.encode()}.get)


def rows(hotfix: timeline.Hotfix) -> list[tuple[str, str, str]]:
    return [(f"{e.time:%m-%d %H:%M}", e.kind, e.what) for e in hotfix.events]


def short(repo: Repo, rev: str) -> str:
    return repo.git("rev-parse", rev)[:12]


def search_hotfix(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, times: tuple[str, ...], **extra: Any
) -> None:
    """A second hotfix (hotfix/fix-search, v1.2.5, not backported) after hand_made_hotfix's."""
    hand_made_hotfix(
        repo,
        monkeypatch,
        name="hotfix/fix-search",
        tag="v1.2.5",
        description="Fix search",
        times=times,
        backport_at=None,
        value=3,
        **extra,
    )


def test_timeline_rows_their_order_and_their_commits(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch)
    hotfix = build("v1.2.4")
    assert rows(hotfix) == [
        ("11-20 10:00", "branch-cut", "hotfix/fix-login-timeout cut from main (the time of the "
         "commit it starts from)"),
        ("11-28 20:50", "detected", "detected"),
        ("11-28 21:05", "commit", "commit: Raise the login timeout"),
        ("11-28 21:40", "commit", "commit: Test the login timeout"),
        ("11-28 22:10", "merged", "hotfix/fix-login-timeout merged into main"),
        ("11-28 22:15", "tagged", "tagged v1.2.4: restored"),
        ("11-28 23:00", "backport", "backported to develop"),
    ]  # fmt: skip
    first = short(repo, "hotfix/fix-login-timeout~1")
    assert [e.ref for e in hotfix.events] == [
        short(repo, "v1.2.3^{}"),
        first,  # the first commit that recorded the detection time
        first,
        short(repo, "hotfix/fix-login-timeout"),
        short(repo, "main"),
        "v1.2.4",
        short(repo, "develop"),
    ]
    assert (hotfix.record.severity, hotfix.record.incident) == ("P1", "INC-42")
    assert (hotfix.files, hotfix.added, hotfix.removed) == (
        ("app/main.py", "tests/test_2.py"),
        2,
        1,
    )


def verdicts(hotfix: timeline.Hotfix, config: Config) -> tuple[str, str]:
    response, restore = timeline.hotfix_clocks(hotfix, config)
    return response.verdict(), restore.verdict()


def test_both_clocks_against_the_severity_targets(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch)
    assert verdicts(build("v1.2.4"), Config()) == (
        "15m; target for P1: 1h, met",
        "1h 25m; no target for P1 (set restore-within)",
    )
    restore_hour = config_with('[severity.P1]\nrestore-within = "1h"\n')
    assert verdicts(build("v1.2.4"), restore_hour)[1] == "1h 25m; target for P1: 1h, missed by 25m"
    at_the_edge = config_with('[severity.P1]\nrespond-within = "15m"\nrestore-within = "1h25m"\n')
    assert verdicts(build("v1.2.4"), at_the_edge) == (
        "15m; target for P1: 15m, met",
        "1h 25m; target for P1: 1h 25m, met",
    )
    search_hotfix(
        repo,
        monkeypatch,
        ("08:30", "09:00", "09:20", "09:25"),
        record="Severity: P0\nDetected: 2026-11-29T08:00:00Z",
        day="2026-11-29",
    )
    assert verdicts(build("v1.2.5"), Config()) == (
        "30m; target for P0: 15m, missed by 15m",
        "1h 25m; no target for P0 (set restore-within)",
    )


def test_missing_trailers_leave_both_clocks_unknown(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, record="")
    hotfix = build("v1.2.4")
    assert hotfix.record.is_empty
    assert [kind for _, kind, _ in rows(hotfix)] == [
        "branch-cut", "commit", "commit", "merged", "tagged", "backport"
    ]  # fmt: skip
    assert verdicts(hotfix, Config()) == ("unknown: no Detected: trailer to start it",) * 2
    text = render(hotfix, Config())
    assert (
        "| **Severity** | [P0-P3] |\n| **Author** | [Name] |\n| Incident | [not recorded] |" in text
    )
    assert "| **Duration** | [X hours Y minutes] (no Detected: trailer) |" in text
    assert "| [Time] | Issue first detected |" in text
    assert "Was it a rollback or hotfix? A hotfix: a minimal change to the cause. (No " in text
    assert "git does not say when it was detected (no Detected: trailer)." in text


def test_a_squash_merged_hotfix_has_no_branch_in_history(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    repo.branch("hotfix/fix-login")
    at(monkeypatch, "2026-11-28T21:05:00Z")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 2\n"})
    repo.switch("main")
    repo.git("merge", "-q", "--squash", "hotfix/fix-login")
    at(monkeypatch, "2026-11-28T21:30:00Z")
    repo.commit("Fix login (#12)\n\nSeverity: P2\nDetected: 2026-11-28T20:00:00Z")
    repo.git("branch", "-D", "hotfix/fix-login")
    at(monkeypatch, "2026-11-28T21:45:00Z")
    repo.tag("v1.2.4", "Hotfix: Fix login")
    hotfix = build("v1.2.4")
    assert hotfix.branch is None and hotfix.merge is None
    assert rows(hotfix) == [
        ("11-28 20:00", "detected", "detected"),
        ("11-28 21:30", "commit", "commit: Fix login (#12)"),
        ("11-28 21:45", "tagged", "tagged v1.2.4: restored"),
    ]
    assert hotfix.files == ("app/main.py",)
    text = render(hotfix, Config())
    assert "| Branch | none in history (a squash merge, or a fix committed on main) |" in text
    assert "it was committed on main as one commit and released as `v1.2.4` with 1 commit:" in text
    assert "| 2026-11-28 21:30 | Fix deployed |" in text


def test_a_lightweight_tag_is_dated_by_its_commit(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, backport_at=None)
    repo.tag("v1.2.4-light", target="v1.2.4^{}")
    hotfix = build("v1.2.4-light")
    assert hotfix.tag.annotated is False
    assert f"{hotfix.restored:%H:%M}" == "22:10"
    assert hotfix.description == "fix login timeout"  # no message: the branch's words


def test_non_ascii_descriptions_keep_their_words_and_fold_into_the_file_name(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, description="Réparer la connexion — 登录超时")
    hotfix = build("v1.2.4")
    assert hotfix.description == "Réparer la connexion — 登录超时"
    assert render(hotfix, Config()).startswith(
        "# Incident Postmortem: Réparer la connexion — 登录超时\n"
    )
    assert slug(hotfix.description) == "reparer-la-connexion"
    assert slug("登录超时") == ""
    result = CliRunner().invoke(cli, ["postmortem"])
    assert result.exit_code == 0, result.output
    assert (repo.path / "docs/postmortems/2026-11-28-reparer-la-connexion.md").exists()


def test_no_such_tag_is_one_line_and_exit_2(repo: Repo) -> None:
    result = CliRunner().invoke(cli, ["postmortem", "v9.9.9"])
    assert result.exit_code == 2
    assert result.output == (
        "hotfix-guard: no tag 'v9.9.9' that points at a commit (git tag --list shows the tags)\n"
    )
    result = CliRunner().invoke(cli, ["postmortem"])
    assert result.exit_code == 2
    assert result.output == (
        "hotfix-guard: no hotfix tag found: name the tag (hotfix-guard postmortem v1.2.4); a "
        "hotfix tag's message starts with 'Hotfix:'\n"
    )


def test_postmortem_writes_the_latest_hotfix_and_never_overwrites(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two hotfixes on one day: each gets its own file; the default is the later tag."""
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, times=("09:05", "09:40", "10:10", "10:15"))
    search_hotfix(repo, monkeypatch, ("15:00", "15:10", "15:20", "15:30"))
    first = CliRunner().invoke(cli, ["postmortem"])
    assert first.exit_code == 0
    assert first.output == (
        "wrote docs/postmortems/2026-11-28-fix-search.md: the postmortem draft of v1.2.5 (6 "
        "timeline rows from git); fill in: impact, timeline, root cause, detection, lessons "
        "learned, action items\n"
    )
    second = CliRunner().invoke(cli, ["postmortem", "v1.2.4"])
    assert second.exit_code == 0
    assert "docs/postmortems/2026-11-28-fix-the-login-timeout.md" in second.output
    draft = repo.path / "docs/postmortems/2026-11-28-fix-search.md"
    draft.write_text("edited by people\nv1.2.5\n")
    again = CliRunner().invoke(cli, ["postmortem", "v1.2.5"])
    assert again.exit_code == 2
    assert again.output == (
        "hotfix-guard: docs/postmortems/2026-11-28-fix-search.md already holds the postmortem "
        "of v1.2.5: edit it (an existing file is never overwritten), or pass --output PATH\n"
    )
    assert draft.read_text() == "edited by people\nv1.2.5\n"
    taken = CliRunner().invoke(cli, ["postmortem", "v1.2.5", "--output", "README"])
    assert taken.exit_code == 2
    assert taken.output == (
        "hotfix-guard: README exists: an existing file is never overwritten; pass another "
        "--output\n"
    )
    assert (repo.path / "README").read_text() == "demo\n"


def test_the_same_description_on_one_day_adds_the_tag_to_the_file_name(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch, times=("09:05", "09:40", "10:10", "10:15"))
    hand_made_hotfix(
        repo, monkeypatch, name="hotfix/again", tag="v1.2.5", backport_at=None, value=3
    )
    assert CliRunner().invoke(cli, ["postmortem", "v1.2.4"]).exit_code == 0
    result = CliRunner().invoke(cli, ["postmortem", "v1.2.5"])
    assert result.exit_code == 0
    assert result.output.startswith(
        "wrote docs/postmortems/2026-11-28-fix-the-login-timeout-v1-2-5.md:"
    )


def test_output_dash_prints_the_draft_and_writes_nothing(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch)
    result = CliRunner().invoke(cli, ["postmortem", "--output", "-"])
    assert result.exit_code == 0
    assert result.output == render(build("v1.2.4"), Config())
    assert not (repo.path / "docs").exists()


def test_the_draft_exactly(repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The runbook's template section by section, from a hotfix whose trailers say it all."""
    base_history(repo, monkeypatch)
    record = f"{RECORD}\nService: login\nImpact: EU users cannot log in\nMitigation: hotfix"
    hand_made_hotfix(repo, monkeypatch, record=record)
    draft = tmp_path / "draft.md"
    result = CliRunner().invoke(cli, ["postmortem", "v1.2.4", "--output", str(draft)])
    assert result.exit_code == 0
    expected = (Path(__file__).parents[1] / "data" / "postmortem-v1.2.4.md").read_text()
    assert draft.read_text() == expected


def test_commit_records_say_which_commit_recorded_what(repo: Repo) -> None:
    repo.branch("hotfix/fix-login")
    first = repo.commit("fix\n\nSeverity: P2")
    second = repo.commit("more\n\nSeverity: P1\nIncident: INC-1")
    records = commit_records(Repository.discover(), "HEAD", ["main"])
    assert [(sha, r.severity, r.incident) for sha, r in records] == [
        (first, "P2", None),
        (second, "P1", "INC-1"),
    ]


def test_a_hotfix_shaped_as_finish_makes_it(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """finish merges with `Merge branch 'hotfix/x' into main: <description> (P1,
    INC-42)` and the trailers, tags with them, and backports by merging the tag."""
    base_history(repo, monkeypatch)
    record = "Severity: P1\nIncident: INC-42\nDetected: 2026-11-28T20:50:00Z"
    repo.branch("hotfix/fix-login-timeout")
    at(monkeypatch, "2026-11-28T21:05:00Z")
    repo.commit(f"Raise the timeout\n\n{record}", {"app/main.py": "x = 2\n"})
    repo.switch("main")
    at(monkeypatch, "2026-11-28T21:30:00Z")
    repo.git(
        "merge", "-q", "--no-ff", "hotfix/fix-login-timeout", "-m",
        "Merge branch 'hotfix/fix-login-timeout' into main: Fix login timeout (P1, INC-42)\n\n"
        f"Hotfix v1.2.4.\n\n{record}",
    )  # fmt: skip
    repo.tag("v1.2.4", f"Hotfix: Fix login timeout\n\n{record}")
    repo.switch("develop")
    at(monkeypatch, "2026-11-28T21:35:00Z")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "refs/tags/v1.2.4")
    hotfix = build("v1.2.4")
    assert (hotfix.branch, hotfix.description) == ("hotfix/fix-login-timeout", "Fix login timeout")
    assert [kind for _, kind, _ in rows(hotfix)] == [
        "branch-cut", "detected", "commit", "merged", "tagged", "backport"
    ]  # fmt: skip
    assert verdicts(hotfix, Config()) == (
        "15m; target for P1: 1h, met",
        "40m; no target for P1 (set restore-within)",
    )


def test_the_summary_carries_the_tag_message_without_its_trailers(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(
        repo, monkeypatch, description="Fix the login timeout\n\nThe session store took 6 s."
    )
    hotfix = build("v1.2.4")
    assert hotfix.notes == "The session store took 6 s."
    text = render(hotfix, Config())
    resolution = text[text.index("## Resolution") : text.index("## Lessons")]
    assert resolution.startswith(
        "## Resolution\n\nWhat fixed it: Fix the login timeout. The session store took 6 s.\n\n"
        "The change touched 2 files"
    )
    assert "Severity:" not in resolution


def test_odd_merges_are_described_not_crashed_on(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge whose subject names no branch, and one whose second parent main already had."""
    base_history(repo, monkeypatch)
    repo.branch("hotfix/fix-login")
    at(monkeypatch, "2026-11-28T21:05:00Z")
    repo.commit("Fix login\n\nSeverity: P2", {"app/main.py": "x = 2\n"})
    repo.switch("main")
    repo.git("merge", "-q", "--no-ff", "-m", "Ship the login fix", "hotfix/fix-login")
    repo.tag("v1.2.4", "Hotfix: Fix login")
    hotfix = build("v1.2.4")
    assert (hotfix.branch, hotfix.description) == ("the merged branch", "Fix login")
    tree = repo.git("rev-parse", "HEAD^{tree}")
    empty = repo.git("commit-tree", tree, "-p", "HEAD", "-p", "HEAD~1", "-m", "Merge nothing")
    repo.tag("v1.2.5", "Hotfix: Nothing", target=empty)
    hotfix = build("v1.2.5")
    assert (hotfix.commits, hotfix.files) == ((), ())
    assert [kind for _, kind, _ in rows(hotfix)] == ["branch-cut", "merged", "tagged"]
    assert "released as `v1.2.5` with 0 commits:\n\n- no commit\n" in render(hotfix, Config())


def test_a_linked_work_tree_reads_the_same_history(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch)
    repo.git("worktree", "add", "-q", "--detach", str(tmp_path / "linked"), "v1.2.3")
    expected = CliRunner().invoke(cli, ["postmortem", "--output", "-"]).output
    monkeypatch.chdir(tmp_path / "linked")
    result = CliRunner().invoke(cli, ["postmortem", "--output", "-"])
    assert (result.exit_code, result.output) == (0, expected)


def test_a_hotfix_made_with_start_and_finish(hotfix: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """start records the incident, finish merges, tags and backports: the draft and the status
    message read the same record from git."""
    from tests.support.lifecycle import DETECTED, invoke

    severity = invoke("check", "--rule", "severity")
    assert severity.exit_code == 0  # start's commit carries it
    assert severity.output.startswith("hotfix-guard passed: ")
    assert invoke("finish", "--push").exit_code == 0
    result = invoke("postmortem", "--output", "-")
    assert result.exit_code == 0, result.output
    draft = result.output
    assert draft.startswith("# Incident Postmortem: Fix login timeout\n")
    assert "| **Severity** | P1 |\n| **Author** | [Name] |\n| Incident | INC-42 |" in draft
    assert (
        "Was it a rollback or hotfix? A hotfix: a minimal change to the cause. (Mitigation: hotfix)"
        in draft
    )
    # Every step git recorded: the rows of three cells.
    hotfix_rows = [
        line.split(" | ")[1]
        for line in draft.splitlines()
        if line.startswith("| 20") and line.count(" | ") == 2
    ]
    # The fixture's commits are made now, after the fixed detection time: cut comes second.
    assert [row for row in hotfix_rows if " cut from main " not in row] == [
        "detected",
        "commit: Start hotfix: Fix login timeout",  # start records the incident in a commit
        "commit: Return 1 on login timeout",
        "hotfix/fix-login-timeout merged into main",
        "tagged v1.2.4: restored",
        "backported to develop",
    ]
    assert f"| {DETECTED[:10]} {DETECTED[11:16]} | detected |" in draft
    message = invoke("status-message", "resolved", "--time", "2026-11-28T23:00:00Z")
    lines = message.output.splitlines()
    assert [lines[0], lines[3], lines[5]] == [
        "✅ [P1] Resolved: [service] issue",
        "Resolution: Fix login timeout",
        "Postmortem to follow within 48 hours.",
    ]
    assert lines[2].startswith("Duration: ") and "hours" in lines[2]


def test_the_repository_can_bring_its_own_template(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_history(repo, monkeypatch)
    hand_made_hotfix(repo, monkeypatch)
    repo.write(".hotfix-guard.toml", 'postmortem-template = "docs/pm.md"\n')
    repo.write("docs/pm.md", "# {title} ({tag}, {severity})\n\n{{not a field}}: {duration}\n")
    result = CliRunner().invoke(cli, ["postmortem", "--output", "-"])
    assert (result.exit_code, result.output) == (
        0,
        "# Fix the login timeout (v1.2.4, P1)\n\n{not a field}: 1 hour 25 minutes (detected "
        "2026-11-28 20:50 UTC, restored by v1.2.4 2026-11-28 22:15 UTC)\n",
    )
    repo.write("docs/pm.md", "# {title} ({tag}) by {owner}\n")
    result = CliRunner().invoke(cli, ["postmortem", "--output", "-"])
    assert result.exit_code == 2
    assert result.output.startswith(
        "hotfix-guard: postmortem-template docs/pm.md: expected templates naming only {title}, "
        "{tag}, {date}, "
    )
    assert result.output.endswith(", {mitigation}, not {owner}\n")
    repo.write("docs/pm.md", "# {title:>99999999} ({tag})\n")
    assert CliRunner().invoke(cli, ["postmortem", "--output", "-"]).output == (
        "hotfix-guard: postmortem-template docs/pm.md: expected a width of at most 200 in "
        "{title:>99999999}\n"
    )
    repo.write("docs/pm.md", "# {title}\n")
    result = CliRunner().invoke(cli, ["postmortem", "--output", "-"])
    assert result.output == (
        "hotfix-guard: postmortem-template docs/pm.md: names no {tag}; the postmortem rule finds "
        "a postmortem by its tag\n"
    )
