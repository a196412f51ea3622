"""hotfix-guard's performance goals, measured on repositories this script builds itself.

    python benchmarks/run.py [--runs N] [--quick] [--keep] [--json FILE] [--only 3,5]

Five scenarios, each a ratio against what the check cannot do without, as medians over
several runs of the installed `hotfix-guard` console script (the one beside this Python):

1. not a hotfix branch: `hotfix-guard hook` as pre-commit runs it, against `no-commit-to-branch`
   from pre-commit-hooks (`pip install -e '.[bench]'`) on the same repository;
2. a small hotfix (3 files, 20 changed lines): `hotfix-guard check`, every rule, against
   `python -c pass` plus the raw git queries a check of that range needs;
3. a huge change (3,000 files, 518,100 changed lines, and half of it): `hotfix-guard check` against
   `git diff -M` of the same range, with hotfix-guard's own peak memory;
4. a remembered test pass: the pre-push check of a tree whose 2-second test command already passed;
5. a huge change of the files main's last commit added (3,000 files x 100 lines, every line
   changed): `hotfix-guard check` against `git diff -M main...branch` (the revert exemption must
   see cheaply that this is no revert);
6. finishing a clean hotfix (started, one fix commit, a local bare origin): `hotfix-guard finish
   --push` alone against git-flow's finish done with plain git (merge --no-ff into main, an
   annotated tag, merge --no-ff into develop, an atomic push, branch -d), each run on a fresh copy;
   with a whole incident (start, the fix's commit, finish --push) with hotfix-guard's hooks
   installed, as information.

The goals are issue 23's: 1. <= 0.75x, 2. <= 2.5x (this round; issue 9 asked 1.5x), 4. < 0.10 s,
5. <= 1.3x, 6. finish < 1.0 s; 3. keeps issue 6's.

`--quick` makes everything small and runs each command twice: a smoke test of the script, not a
measurement. Git children are not counted in the peak memory (git's own diff memory is git's).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import repos  # the builders beside this script
from measure import (
    Result,
    exit_code,
    git_commands_run,
    git_processes,
    medians,
    peak_rss_mib,
    run_once,
    script,
)

SLEEP_COMMAND = "python3 -c 'import time; time.sleep(2)'"
# --- scenarios ------------------------------------------------------------------------------------


def not_a_hotfix(work: Path, guard: str, runs: int) -> Result:
    result = Result("1. not a hotfix branch", "hook <= 0.75x no-commit-to-branch", None, 0.75)
    no_commit = script("no-commit-to-branch")
    if no_commit is None:
        result.details.append("no-commit-to-branch missing: pip install -e '.[bench]'")
        return result
    root = work / "app"
    repos.build_app(root)
    repos.git(root, "switch", "-q", "-c", "feature/monthly-report")
    env = repos.isolated_environ({"PRE_COMMIT": "1"})  # what pre-commit sets for a hook
    cpu: dict[str, float] = {}
    times = medians(
        {"hotfix-guard hook": [[guard, "hook"]], "no-commit-to-branch": [[no_commit]]},
        root,
        env,
        runs,
        expect=exit_code({"hotfix-guard hook": 0, "no-commit-to-branch": 0}),
        cpu=cpu,
    )
    result.value = times["hotfix-guard hook"] / times["no-commit-to-branch"]
    result.details.append(
        f"hotfix-guard hook {times['hotfix-guard hook'] * 1000:.1f} ms, "
        f"no-commit-to-branch {times['no-commit-to-branch'] * 1000:.1f} ms; CPU time "
        f"{cpu['hotfix-guard hook'] * 1000:.1f} ms against {cpu['no-commit-to-branch'] * 1000:.1f} "
        f"ms ({cpu['hotfix-guard hook'] / cpu['no-commit-to-branch']:.2f}x)"
    )
    return result


def small_hotfix(work: Path, guard: str, runs: int) -> Result:
    result = Result("2. small hotfix", "check <= 2.5x python -c pass + raw git", None, 2.5)
    root = work / "small"
    repos.build_app(root)
    repos.add_small_hotfix(root)
    env = repos.isolated_environ()
    base = repos.git(root, "merge-base", "HEAD", "main")
    # What any check of this range must ask git: the branch, main, the merge base, the numbers,
    # the patch (for the noise rules) and the branch's commits.
    raw_git = [
        ["git", "symbolic-ref", "-q", "HEAD"],
        ["git", "for-each-ref", "refs/heads", "refs/remotes"],
        ["git", "merge-base", "HEAD", "refs/heads/main"],
        ["git", "diff-index", "--cached", "-z", "--raw", "--numstat", "-M", base],
        ["git", "diff-index", "--cached", "-p", "-M", base],
        ["git", "rev-list", "--parents", "HEAD", "^refs/heads/main"],
    ]
    baseline = [[sys.executable, "-c", "pass"], *raw_git]
    cpu: dict[str, float] = {}
    times = medians(
        {"check": [[guard, "check"]], "baseline": baseline},
        root,
        env,
        runs,
        expect=exit_code({"check": 0}),
        cpu=cpu,
    )
    result.value = times["check"] / times["baseline"]
    ran = git_commands_run([guard, "check"], root, env)
    result.details.append(
        f"hotfix-guard check {times['check'] * 1000:.1f} ms, python -c pass + {len(raw_git)} git "
        f"queries {times['baseline'] * 1000:.1f} ms; the check ran {len(ran)} git commands; CPU "
        f"time {cpu['check'] * 1000:.1f} ms against {cpu['baseline'] * 1000:.1f} ms "
        f"({cpu['check'] / cpu['baseline']:.2f}x)"
    )
    return result


def huge_change(work: Path, guard: str, runs: int, quick: bool) -> list[Result]:
    shape = repos.HugeShape(
        **(
            {"modified_per_commit": 26, "added_per_commit": 3, "deleted_per_commit": 1}
            if quick
            else {}
        )
    )
    root = work / "huge"
    started = time.perf_counter()
    repos.build_huge(root, shape)
    built = time.perf_counter() - started
    env = repos.isolated_environ()
    ratio = Result("3. huge change", "check <= 1.5x git diff -M", None, 1.5)
    memory = Result("3. huge change, memory", "peak RSS <= 150 MB", None, 150, "MiB")
    growth = Result("3. huge change, growth", "time(full) / time(half) <= 2.2 (linear)", None, 2.2)
    seconds = {}
    for size, branch, commits in (
        ("half", "hotfix/huge-half", shape.commits // 2),
        ("full", "hotfix/huge-full", shape.commits),
    ):
        base = repos.git(root, "merge-base", branch, "main")
        check = [guard, "check", "--head", branch]
        times = medians(
            {"check": [check], "git diff -M": [["git", "diff", "-M", base, branch]]},
            root,
            env,
            max(3, runs // 3),
            expect=exit_code({"check": 1}),
        )
        files, lines = shape.totals(commits)
        rss = peak_rss_mib(check[1:], root, env)
        seconds[size] = times["check"]
        ratio.details.append(
            f"{size}: {files} files, {lines} changed lines: check {times['check']:.2f} s, "
            f"git diff -M {times['git diff -M']:.2f} s "
            f"({times['check'] / times['git diff -M']:.2f}x), peak RSS {rss:.0f} MiB"
        )
        ratio.value = times["check"] / times["git diff -M"]
        memory.value = max(memory.value or 0.0, rss)
    growth.value = seconds["full"] / seconds["half"]
    growth.details.append(f"twice the change took {growth.value:.2f}x the time")
    ratio.details.append(f"repository built with git fast-import in {built:.1f} s")
    return [ratio, memory, growth]


def rewrite_of_recent_files(work: Path, guard: str, runs: int, quick: bool) -> Result:
    result = Result(
        "5. huge change of main's recent files",
        "check <= 1.3x git diff -M main...branch",
        None,
        1.3,
    )
    root = work / "rewrite"
    files = 60 if quick else 3000
    repos.build_rewrite_of_recent_files(root, files=files)
    env = repos.isolated_environ()
    check = [guard, "check", "--head", "hotfix/rewrite"]
    diff = ["git", "diff", "-M", "main...hotfix/rewrite"]
    times = medians(
        {"check": [check], "git diff -M": [diff]},
        root,
        env,
        max(3, runs // 3),
        expect=exit_code({"check": 1}),
    )
    result.value = times["check"] / times["git diff -M"]
    result.details.append(
        f"{files} files x 100 lines, every line changed, all added by main's last commit: "
        f"check {times['check']:.2f} s, git diff -M {times['git diff -M']:.2f} s"
    )
    return result


def remembered_tests(work: Path, guard: str, runs: int) -> Result:
    result = Result("4. remembered test pass", "second push check < 0.10 s", None, 0.10, "s")
    env = repos.isolated_environ()
    help_result = subprocess.run([guard, "run-tests", "--help"], capture_output=True, env=env)
    if help_result.returncode != 0:
        result.details.append("`hotfix-guard run-tests` is not available")
        return result
    root = work / "tests"
    repos.build_app(root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f"test-commands = [{json.dumps(SLEEP_COMMAND)}]\n")
    repos.git(root, "commit", "-q", "-a", "-m", "Run the tests before a hotfix is pushed")
    repos.add_small_hotfix(root)
    first, passed = run_once([guard, "run-tests"], root, env)
    if passed.returncode != 0:
        result.details.append(f"run-tests failed: {(passed.stdout + passed.stderr).decode()}")
        return result
    # The same tree as a new commit (the message changed): what a second push brings.
    repos.git(root, "commit", "-q", "--amend", "-m", "Fix login timeout (reworded)")
    sha = repos.git(root, "rev-parse", "HEAD")
    ref = "refs/heads/hotfix/fix-login-timeout"
    push_line = f"{ref} {sha} {ref} {'0' * 40}\n".encode()
    cpu: dict[str, float] = {}
    times = medians(
        {"pre-push check": [[guard, "hook", "--stage", "pre-push"]]},
        root,
        env,
        runs,
        stdin=push_line,
        expect=exit_code({"pre-push check": 0}),
        cpu=cpu,
    )
    result.value = times["pre-push check"]
    result.details.append(
        f"first run of the tests {first:.2f} s; the second push's check "
        f"{result.value * 1000:.0f} ms (CPU time {cpu['pre-push check'] * 1000:.0f} ms)"
    )
    return result


FLOW_TAG = "v1.2.4"  # the patch release after build_app's v1.2.3


def git_flow_finish(hotfix: str) -> list[list[str]]:
    """What git-flow's `hotfix finish` runs, done with plain git (no check, no version bump)."""
    return [
        ["git", "switch", "-q", "main"],
        ["git", "merge", "-q", "--no-ff", "-m", f"Merge branch '{hotfix}'", hotfix],
        ["git", "tag", "-a", FLOW_TAG, "-m", "Hotfix: Fix login timeout"],
        ["git", "switch", "-q", "develop"],
        ["git", "merge", "-q", "--no-ff", "-m", f"Merge tag '{FLOW_TAG}' into develop", FLOW_TAG],
        ["git", "push", "-q", "--atomic", "origin", "main", "develop", FLOW_TAG],
        ["git", "branch", "-q", "-d", hotfix],
    ]


def finish_against_git_flow(work: Path, guard: str, runs: int) -> Result:
    result = Result("6. finish a clean hotfix", "finish --push < 1.0 s", None, 1.0, "s")
    base = work / "finish"
    live = base / "live"  # every run happens here: the remote is named by its absolute path
    app, _ = repos.build_released_app(live)
    patch = base / "fix.patch"
    patch.write_bytes(repos.fix_patch(app))
    copies = {
        "on main": base / "on-main",
        "on hotfix": base / "on-hotfix",
        "hooked": base / "hooked",
    }
    env = repos.isolated_environ()
    shutil.copytree(live, copies["on main"], symlinks=True)
    hooks = [arg for hook in repos.TRAILER_HOOKS for arg in ("--hook-type", hook)]
    subprocess.run([guard, "install", *hooks], cwd=app, env=env, capture_output=True, check=True)
    shutil.copytree(live, copies["hooked"], symlinks=True)
    fresh(live, copies["on main"])
    repos.start_clean_hotfix(app, guard, patch, trailers=True)
    shutil.copytree(live, copies["on hotfix"], symlinks=True)
    finish = [guard, "finish", "--push"]
    commands = {"finish": [finish], "git-flow": git_flow_finish(repos.HOTFIX)}
    source = {"finish": "on hotfix", "git-flow": "on hotfix", "incident": "hooked"}
    cpu: dict[str, float] = {}
    times = medians(
        commands,
        app,
        env,
        max(2, runs // 4),
        expect=exit_code({"finish": 0, "git-flow": 0}),
        cpu=cpu,
        prepare=lambda name: fresh(live, copies[source[name]]),
    )
    incident = [
        [guard, "start", "Fix login timeout", "--severity", "P1"],
        ["git", "apply", "--index", str(patch)],
        ["git", "commit", "-q", "-m", "Raise the login timeout"],
        finish,
    ]
    whole = medians(
        {"incident": incident},
        app,
        env,
        max(1, runs // 10),
        expect=exit_code({"incident": 0}),
        prepare=lambda name: fresh(live, copies[source[name]]),
    )
    fresh(live, copies["on hotfix"])
    every, own = git_processes(finish, app, env)
    result.value = times["finish"]
    result.details.append(
        f"finish --push {times['finish']:.2f} s, git-flow's finish in plain git "
        f"{times['git-flow']:.2f} s ({times['finish'] / times['git-flow']:.1f}x); CPU time "
        f"{cpu['finish']:.2f} s against {cpu['git-flow']:.2f} s; finish ran {own} git commands "
        f"({every} git processes with git's own children)"
    )
    result.details.append(
        f"a whole incident with hotfix-guard's hooks installed (start, the fix's commit, "
        f"finish --push; information): {whole['incident']:.2f} s"
    )
    return result


def fresh(live: Path, copy: Path) -> None:
    """LIVE becomes a fresh copy of COPY (a run changes the repositories it runs in)."""
    shutil.rmtree(live)
    shutil.copytree(copy, live, symlinks=True)


# --- report ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {git_version.strip()}"
    )


def load_average() -> str:
    """How busy the machine is: CPU-bound runs on a shared machine slow down with it."""
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def table(results: Sequence[Result]) -> str:
    rows = ["| scenario | goal | measured | verdict |", "| --- | --- | --- | --- |"]
    rows += [f"| {r.name} | {r.goal} | {r.shown()} | {r.verdict} |" for r in results]
    return "\n".join(rows)


def compile_package() -> None:
    """Byte-compile hotfix-guard as `pip install` does, so no run pays for compiling its source.

    An editable install under PYTHONDONTWRITEBYTECODE (set on some machines) would otherwise
    recompile every module on every run: a cost no installed hook pays.
    """
    import compileall

    import hotfix_guard

    compileall.compile_dir(Path(hotfix_guard.__file__).parent, quiet=1)


# Scenario number -> its results (work folder, console script, runs, quick).
SCENARIOS: dict[str, Callable[[Path, str, int, bool], list[Result]]] = {
    "1": lambda work, guard, runs, quick: [not_a_hotfix(work, guard, runs)],
    "2": lambda work, guard, runs, quick: [small_hotfix(work, guard, runs)],
    "3": huge_change,
    "4": lambda work, guard, runs, quick: [remembered_tests(work, guard, runs)],
    "5": lambda work, guard, runs, quick: [rewrite_of_recent_files(work, guard, runs, quick)],
    "6": lambda work, guard, runs, quick: [finish_against_git_flow(work, guard, runs)],
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=21,
        help="timed runs per command (median); the huge change runs a third as often",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny repositories, 2 runs: smoke test"
    )
    parser.add_argument("--keep", action="store_true", help="keep the built repositories")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help="the scenarios to run, by number (default: all): --only 3,5",
    )
    options = parser.parse_args(argv)
    chosen = [number.strip() for number in options.only.split(",") if number.strip()]
    if not chosen or any(number not in SCENARIOS for number in chosen):
        parser.error(f"--only takes scenario numbers among {', '.join(SCENARIOS)}")
    runs = 2 if options.quick else options.runs
    guard = script("hotfix-guard")
    if guard is None:
        parser.error("no hotfix-guard console script beside this Python: pip install -e '.[bench]'")
    compile_package()
    load_before = load_average()
    work = Path(tempfile.mkdtemp(prefix="hotfix-guard-bench-"))
    started = time.perf_counter()
    try:
        results = [
            result
            for number in chosen
            for result in SCENARIOS[number](work, guard, runs, options.quick)
        ]
    finally:
        if options.keep:
            print(f"repositories kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}")
    print(f"load average (1, 5, 15 min) at start {load_before}, at the end {load_average()}")
    print(f"medians of {runs} runs{' (quick: not a measurement)' if options.quick else ''}\n")
    print(table(results))
    print()
    for result in results:
        for detail in result.details:
            print(f"- {result.name}: {detail}")
    print(f"\nwhole benchmark: {elapsed:.0f} s")
    if options.json:
        options.json.write_text(
            json.dumps([{**r.__dict__, "verdict": r.verdict} for r in results], indent=2) + "\n"
        )
    return 0 if all(r.verdict != "MISSED" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
