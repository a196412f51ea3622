"""The server hook: a real bare repository with hooks/pre-receive installed, real `git push`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.repos import Repo, code_files

ROOT = Path(__file__).resolve().parents[2]
OVERRIDE = "Hotfix-Guard-Override: diff-size: the generated API client ships as one unit"
TOO_BIG = (
    "remote: hotfix/big: diff-size: 25 changed files (limit 20) and 75 changed code lines "
    "(limit 400); to get under the limits, split out 5 files: src/module_0.py (+3 -0), "
    "src/module_1.py (+3 -0), src/module_10.py (+3 -0), src/module_11.py (+3 -0), "
    "src/module_12.py (+3 -0)"
)


def push(repo: Repo, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`git push --no-verify ARGS`: every client-side hook skipped, as a hurried developer may."""
    result = subprocess.run(
        ["git", "push", "--no-verify", "--porcelain", "origin", *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    return result.returncode, result.stderr + result.stdout


def remote_lines(output: str) -> list[str]:
    return [line.rstrip() for line in output.splitlines() if line.startswith("remote: ")]


def on_server(server: Path, ref: str) -> bool:
    return (
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", ref], cwd=server, capture_output=True
        ).returncode
        == 0
    )


def big_hotfix(repo: Repo, message: str = "Fix login") -> None:
    repo.branch("hotfix/big")
    # A hotfix carries its severity (the severity rule warns otherwise), in the trailer block.
    severity = "\nSeverity: P1" if "\n\n" in message else "\n\nSeverity: P1"
    repo.commit(message + severity, code_files(25), verify=False)


def test_a_no_verify_push_of_an_oversized_hotfix_is_refused(repo: Repo, server: Path) -> None:
    big_hotfix(repo)
    status, output = push(repo, "hotfix/big")
    assert status == 1
    base = repo.git("rev-parse", "main")[:12]
    split = " ".join(f"src/module_{n}.py" for n in (0, 1, 10, 11, 12))
    assert remote_lines(output) == [
        TOO_BIG,
        "remote: hotfix-guard failed: 1 error, 0 warnings (hotfix/big against main, merge base "
        f"{repo.git('rev-parse', 'main')[:12]})",
        f"remote: To fix: diff-size: git diff {base} -- {split} > split-out.patch && git restore "
        f"--source={base} --staged --worktree -- {split} (then apply split-out.patch in a "
        "separate change through the normal release)",
        "remote: To fix: if diff-size must not hold for this hotfix, record why on the branch: "
        "hotfix-guard override diff-size --reason '<why, 10 characters or more>'",
    ]
    assert (
        "!\trefs/heads/hotfix/big:refs/heads/hotfix/big\t"
        "[remote rejected] (pre-receive hook declined)" in output
    )
    assert not on_server(server, "refs/heads/hotfix/big")


def test_the_same_hotfix_with_an_override_trailer_goes_and_is_listed(
    repo: Repo, server: Path
) -> None:
    big_hotfix(repo, f"Fix login\n\n{OVERRIDE}")
    status, output = push(repo, "hotfix/big")
    assert status == 0, output
    lines = remote_lines(output)
    assert lines[0] == (
        f"{TOO_BIG} [overridden: the generated API client ships as one unit (commit "
        f"{repo.head()[:12]})]"
    )
    assert lines[1].startswith("remote: hotfix-guard passed: 0 errors, 0 warnings, 1 overridden")
    assert on_server(server, "refs/heads/hotfix/big")
    listed = run_cli(server, "overrides", "--format", "json")
    [entry] = json.loads(listed.stdout)["overrides"]
    assert (entry["kind"], entry["where"], entry["rules"]) == ("commit", repo.head(), ["diff-size"])
    assert entry["reason"] == "the generated API client ships as one unit"
    assert entry["author"] == "Test Author <author@example.invalid>"


def test_a_push_option_overrides_and_the_server_records_it(repo: Repo, server: Path) -> None:
    big_hotfix(repo)
    option = "hotfix-guard.override=diff-size: P0 outage, split after the incident"
    status, output = push(repo, "-o", option, "hotfix/big", env={"GL_USERNAME": "alice"})
    assert status == 0, output
    assert remote_lines(output)[0].endswith(
        "[overridden: P0 outage, split after the incident (push option)]"
    )
    [record] = [
        json.loads(line)
        for line in (server / "hotfix-guard" / "overrides.jsonl").read_text().splitlines()
    ]
    assert record["pusher"] == "alice"
    assert record["rules"] == ["diff-size"]
    assert record["refs"] == [f"refs/heads/hotfix/big 000000000000..{repo.head()[:12]}"]
    text = run_cli(server, "overrides").stdout.splitlines()
    assert text[0].endswith(
        "  push refs/heads/hotfix/big 000000000000.."
        f"{repo.head()[:12]}  alice  diff-size: P0 outage, split after the incident"
    )
    assert text[1] == "1 override: 0 in commits, 1 recorded by the server"


def test_a_bad_push_option_refuses_the_push(repo: Repo, server: Path) -> None:
    big_hotfix(repo)
    status, output = push(repo, "-o", "hotfix-guard.override=diff-sise: too big", "hotfix/big")
    assert status == 1
    assert (
        "remote: push option: override: 'diff-sise: too big' names an unknown rule 'diff-sise'; "
        "rules that can be overridden: branch-name, branch-base, diff-size,"
    ) in output
    assert not (server / "hotfix-guard" / "overrides.jsonl").exists()


def test_one_bad_ref_refuses_every_ref_of_the_push(repo: Repo, server: Path) -> None:
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    repo.switch("main")
    big_hotfix(repo)
    status, output = push(repo, "hotfix/fix-login", "hotfix/big", "main:refs/heads/feature")
    assert status == 1
    assert output.count("(pre-receive hook declined)") == 3
    for ref in ("refs/heads/hotfix/fix-login", "refs/heads/hotfix/big", "refs/heads/feature"):
        assert not on_server(server, ref)


def test_the_config_that_judges_a_push_is_mains_not_the_pushed_one(
    repo: Repo, server: Path
) -> None:
    repo.branch("hotfix/big")
    repo.commit("Fix", {**code_files(25), ".hotfix-guard.toml": "max-files = 1000\n"}, verify=False)
    status, output = push(repo, "hotfix/big")
    assert status == 1
    assert "remote: hotfix/big: diff-size: 26 changed files (limit 20)" in output


def test_test_commands_on_main_do_not_run_on_the_server(repo: Repo, server: Path) -> None:
    repo.commit("configure", {".hotfix-guard.toml": 'test-commands = ["false"]\n'}, verify=False)
    # main moves only by merges: a config commit straight on main needs the emergency route.
    status, output = push(repo, "main")
    assert status == 1
    assert "remote: main: main-landing: 1 commit lands on main without a merge of" in output
    setup = "hotfix-guard.override=main-landing: set up the test commands of main"
    assert push(repo, "-o", setup, "main")[0] == 0
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    status, output = push(repo, "hotfix/fix-login")
    assert status == 0, output
    assert "tests" not in "".join(remote_lines(output))


def release_then_merge_a_hotfix(repo: Repo) -> None:
    """v1.2.3 released and pushed, then hotfix/fix-login merged into main (not pushed)."""
    repo.tag("v1.2.3", "Release 1.2.3")
    assert push(repo, "v1.2.3")[0] == 0
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    repo.switch("main")
    repo.merge("hotfix/fix-login", "--no-ff")


def test_tags_deletions_and_other_branches(repo: Repo, server: Path) -> None:
    release_then_merge_a_hotfix(repo)
    repo.tag("v1.2.4")  # lightweight
    status, output = push(repo, "main", "v1.2.4")
    assert status == 1
    assert "remote: v1.2.4: tag-annotated: v1.2.4 is a lightweight tag" in output
    repo.git("tag", "-d", "v1.2.4")
    repo.tag("v1.2.4", "Hotfix: login times out")
    # The tag points at the merge that the same push brings to main: main after the push counts.
    status, output = push(repo, "hotfix/fix-login", "main", "v1.2.4")
    assert status == 0, output
    assert push(repo, ":refs/heads/hotfix/fix-login")[0] == 0
    repo.branch("feature/anything")
    repo.commit("anything", code_files(30, prefix="feature/f"), verify=False)
    assert push(repo, "feature/anything")[0] == 0


def test_two_release_tags_pushed_on_one_commit_are_each_judged_alone(
    repo: Repo, server: Path
) -> None:
    release_then_merge_a_hotfix(repo)
    repo.tag("v1.2.4", "Hotfix: login times out")
    repo.tag("v1.2.9", "Hotfix: login times out")
    status, output = push(repo, "hotfix/fix-login", "main", "v1.2.4", "v1.2.9")
    assert status == 1, output
    assert [line for line in remote_lines(output) if line.startswith("remote: v1.2.")] == [
        "remote: v1.2.9: tag-version: v1.2.9 skips v1.2.4, v1.2.5, v1.2.6, v1.2.7, v1.2.8: "
        "after v1.2.3 comes v1.2.4"
    ]
    assert not on_server(server, "refs/tags/v1.2.4")  # one push: all of it or nothing


def test_under_gitlab_a_refusal_is_prefixed_for_its_ui(repo: Repo, server: Path) -> None:
    big_hotfix(repo)
    status, output = push(repo, "hotfix/big", env={"GL_ID": "user-1", "GL_PROTOCOL": "ssh"})
    assert status == 1
    lines = remote_lines(output)
    assert lines and all(line.startswith("remote: GL-HOOK-ERR: ") for line in lines)


def test_hostile_ref_names_reach_no_shell(repo: Repo, server: Path, tmp_path: Path) -> None:
    name = "hotfix/$(touch${IFS}pwned)`touch${IFS}pwned2`;touch${IFS}pwned3"
    repo.branch(name)
    repo.commit("Fix", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    status, output = push(repo, name)
    assert status == 1
    assert f"remote: {name}: branch-name: " in output
    for directory in (repo.path, server, tmp_path):
        assert not list(directory.glob("pwned*"))


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", *args], cwd=cwd, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result


def test_malformed_input_refuses_with_one_line(
    server: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(server)
    monkeypatch.setenv("GL_PROTOCOL", "web")
    result = subprocess.run(
        [sys.executable, "-m", "hotfix_guard", "pre-receive"],
        input="not a ref line\n",
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "GL-HOOK-ERR: hotfix-guard: pre-receive input line 'not a ref line' is not "
        "`<old> <new> <ref>`\n"
    )


def test_a_server_without_hotfix_guard_refuses(
    repo: Repo, server: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOTFIX_GUARD", str(tmp_path / "not-installed"))
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    status, output = push(repo, "hotfix/fix-login")
    assert status == 1
    assert remote_lines(output) == [
        "remote: hotfix-guard: not found on the server; install it from its repository "
        "(pipx install git+<its URL>, or pipx install <a clone>) or set HOTFIX_GUARD"
    ]


def test_main_cannot_get_a_config_that_would_lock_every_push(repo: Repo, server: Path) -> None:
    repo.commit("typo", {".hotfix-guard.toml": "max-filez = 30\n"}, verify=False)
    status, output = push(repo, "main")
    assert status == 1  # git push fails whatever the hook's status
    assert remote_lines(output) == [
        f"remote: hotfix-guard: the pushed main ({repo.head()[:12]}) has an invalid config, "
        "which would stop every later push: .hotfix-guard.toml: unknown key 'max-filez' in "
        ".hotfix-guard.toml (did you mean 'max-files'?); known keys: "
        + remote_lines(output)[0].split("known keys: ")[1]
    ]


def test_a_broken_config_on_main_is_repaired_by_a_push_of_main_alone(
    repo: Repo, server: Path
) -> None:
    # A config broken before the hook was installed (the hook is bypassed here on purpose).
    repo.commit("typo", {".hotfix-guard.toml": "max-filez = 30\n"}, verify=False)
    (server / "hooks" / "pre-receive").rename(server / "hooks" / "off")
    assert push(repo, "main")[0] == 0
    (server / "hooks" / "off").rename(server / "hooks" / "pre-receive")
    repo.branch("hotfix/fix-login")
    repo.commit("Fix login", {"app/main.py": "def main():\n    return 1\n"}, verify=False)
    status, output = push(repo, "hotfix/fix-login", "main")
    assert status == 1
    assert "the config on main is invalid, so no push can be checked" in output
    repo.switch("main")
    repo.commit("fix typo", {".hotfix-guard.toml": "max-files = 30\n"}, verify=False)
    status, output = push(repo, "main")
    assert status == 0, output
    assert "remote: hotfix-guard: this push repairs the invalid config of main" in output
    assert push(repo, "hotfix/fix-login")[0] == 0


def test_a_file_where_the_log_folder_goes_refuses_the_override_in_one_line(
    repo: Repo, server: Path
) -> None:
    (server / "hotfix-guard").write_text("not a folder\n")
    big_hotfix(repo)
    option = "hotfix-guard.override=diff-size: P0 outage, split after the incident"
    status, output = push(repo, "-o", option, "hotfix/big")
    assert status == 1
    assert "Traceback" not in output, output
    assert (
        f"remote: hotfix-guard: cannot record the override in {server}/hotfix-guard/"
        "overrides.jsonl (File exists): the push is refused; the server's admin must make "
        "that path a writable file"
    ) in output
    assert not on_server(server, "refs/heads/hotfix/big")


def test_damaged_lines_of_the_override_log_are_skipped(repo: Repo, server: Path) -> None:
    good = {
        "date": "2026-11-28T22:10:00Z",
        "pusher": "alice",
        "refs": ["refs/heads/hotfix/big 000000000000..1234567890ab"],
        "rules": ["diff-size"],
        "reason": "P0 outage, split after the incident",
    }
    damaged = [
        {**good, "date": "2026-13-45T99:00:00Z"},
        {**good, "date": "9999-12-31T23:59:59-01:00"},
        {**good, "date": 20261128},
        {**good, "date": "2026-11-28T22:10:00"},  # no zone
    ]
    log = server / "hotfix-guard" / "overrides.jsonl"
    log.parent.mkdir()
    log.write_text("".join(json.dumps(line) + "\n" for line in [*damaged, good]) + "{not json\n")
    text = run_cli(server, "overrides").stdout.splitlines()
    assert text == [
        "2026-11-28T22:10:00Z  push refs/heads/hotfix/big 000000000000..1234567890ab  alice  "
        "diff-size: P0 outage, split after the incident",
        "1 override: 0 in commits, 1 recorded by the server",
    ]


def test_a_push_option_without_its_equals_sign_says_why_it_was_not_taken(
    repo: Repo, server: Path
) -> None:
    big_hotfix(repo)
    status, output = push(repo, "-o", "hotfix-guard.override", "hotfix/big")
    assert status == 1
    assert (
        "remote: push option: override: push option 'hotfix-guard.override' is not "
        "hotfix-guard.override=<rule>: <reason> (the '=' is missing): no override was given; push "
        "again with -o 'hotfix-guard.override=<rule>: <reason>'"
    ) in output
    assert not on_server(server, "refs/heads/hotfix/big")
