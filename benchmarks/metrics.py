"""The metrics report's scale: time and peak memory over a history of thousands of hotfix tags.

    python benchmarks/metrics.py [--hotfixes N] [--runs N] [REPO ...]

It builds a git-flow history with N hotfixes (default 2,500), each a branch commit carrying the
incident trailers, merged into main, tagged `Hotfix: ...` and merged into develop, plus a feature
release every 20 hotfixes, with one `git fast-import`. It then times `hotfix-guard metrics
--format json` against `git log` of main with the same fields (what the report cannot do without),
as medians, and prints the ratio and hotfix-guard's peak memory (git's children not counted).
REPO arguments (clones of real projects) are measured too, each alone and then all at once (one
process per repository, up to the machine's cores).

The goal (issue 21): under 10 s and under 300 MB for the largest project.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import repos  # the builders beside this script

START = 1_600_000_000
IDENTITY = repos.IDENTITY


def build(root: Path, hotfixes: int) -> None:
    """main, develop and HOTFIXES hotfixes with tags, as one fast-import stream."""
    parts: list[bytes] = []
    marks = iter(range(1, 10**9))

    def commit(ref: str, when: int, message: str, files: dict[str, str], *parents: str) -> str:
        mark = f":{next(marks)}"
        text = message.encode()
        parts.append(
            f"commit {ref}\nmark {mark}\nauthor {IDENTITY} {when} +0000\n"
            f"committer {IDENTITY} {when} +0000\ndata {len(text)}\n".encode()
            + text
            + b"\n"
        )
        parts.extend(f"from {parents[0]}\n".encode() for _ in parents[:1])
        parts.extend(f"merge {other}\n".encode() for other in parents[1:])
        for path, content in files.items():
            data = content.encode()
            parts.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        parts.append(b"\n")
        return mark

    def tag(name: str, target: str, when: int, message: str) -> None:
        text = message.encode()
        parts.append(
            f"tag {name}\nfrom {target}\ntagger {IDENTITY} {when} +0000\n"
            f"data {len(text)}\n".encode()
            + text
            + b"\n"
        )

    main = commit("refs/heads/main", START, "Release 1.0.0", {"app/core.py": "VERSION = 0\n"})
    tag("v1.0.0", main, START, "Release 1.0.0")
    develop = commit(
        "refs/heads/develop", START + 60, "Start develop", {"app/dev.py": "x = 0\n"}, main
    )
    minor, patch = 0, 0
    for number in range(hotfixes):
        when = START + (number + 1) * 86_400
        detected = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when - 3_600))
        trailers = f"Severity: P{number % 4}\nIncident: INC-{number}\nDetected: {detected}"
        fix = commit(
            f"refs/heads/hotfix/fix-{number}",
            when,
            f"Fix {number}\n\n{trailers}",
            {f"app/module_{number % 200}.py": f"VALUE = {number}\n"},
            main,
        )
        patch += 1
        main = commit(
            "refs/heads/main", when + 1_800, f"Merge branch 'hotfix/fix-{number}'", {}, main, fix
        )
        tag(f"v1.{minor}.{patch}", main, when + 1_800, f"Hotfix: fix {number}\n\n{trailers}")
        develop = commit(
            "refs/heads/develop", when + 7_200, f"Merge tag 'v1.{minor}.{patch}'", {}, develop, main
        )
        if number % 20 == 19:
            minor, patch = minor + 1, 0
            main = commit(
                "refs/heads/main", when + 40_000, "Merge branch 'release'", {}, main, develop
            )
            tag(f"v1.{minor}.0", main, when + 40_000, f"Release 1.{minor}.0")
    root.mkdir(parents=True, exist_ok=True)
    repos.git(root, "init", "-q", "-b", "main")
    repos.git(root, "fast-import", "--quiet", "--force", stdin=b"".join(parts))
    repos.git(root, "checkout", "-q", "-f", "main")


def timed(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds of COMMAND, its CPU seconds (git's included: a loaded machine stretches wall
    time, not CPU time), and the peak memory in MiB of the largest process so far."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=repos.isolated_environ())
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu, max(after.ru_maxrss, before.ru_maxrss) / 1024


def measure(name: str, root: Path, runs: int) -> None:
    metrics = [str(Path(sys.executable).with_name("hotfix-guard")), "metrics", "--format", "json"]
    log_format = "--format=%H %P %at %ct %an %s %(trailers:only,unfold)"
    git_log = ["git", "log", log_format, "HEAD", "--"]
    ours = [timed(metrics, root) for _ in range(runs)]
    gits = [timed(git_log, root) for _ in range(runs)]
    wall, cpu = (statistics.median(run[i] for run in ours) for i in (0, 1))
    git_wall, git_cpu = (statistics.median(run[i] for run in gits) for i in (0, 1))
    peak = max(run[2] for run in ours)
    print(
        f"{name}: metrics {wall:.2f} s wall, {cpu:.2f} s CPU (medians of {runs}); git log "
        f"{git_wall:.2f} s wall, {git_cpu:.2f} s CPU; CPU ratio {cpu / git_cpu:.1f}x; "
        f"peak memory {peak:.0f} MiB (the largest process so far)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hotfixes", type=int, default=2_500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("repos", nargs="*", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "history"
        started = time.perf_counter()
        build(root, args.hotfixes)
        print(f"built {args.hotfixes} hotfix tags in {time.perf_counter() - started:.1f} s")
        measure(f"synthetic ({args.hotfixes} hotfix tags)", root, args.runs)
    for repo in args.repos:
        measure(repo.name, repo, args.runs)
    if len(args.repos) > 1:
        command = [
            str(Path(sys.executable).with_name("hotfix-guard")),
            "metrics",
            "--format",
            "json",
            *map(str, args.repos),
        ]
        seconds, cpu, peak = timed(command, Path.cwd())
        print(
            f"all {len(args.repos)} at once: {seconds:.2f} s wall, {cpu:.2f} s CPU, "
            f"peak memory {peak:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
