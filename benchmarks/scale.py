"""Issue 18's scale goals: time linear in the number of changed files, and bounded memory for any
single file, measured on repositories this script builds itself.

    python benchmarks/scale.py [--files 5000,20000,100000] [--runs N] [--skip-memory]

1. many files: a hotfix branch changes one line in each of N files; `hotfix-guard check --head`
   against `git diff -M` of the same range (goal: <= 1.3x at 100,000 files, and linear);
2. one huge file: a hotfix adds a 30 MB single-line file, or a 200 MB file of short lines;
   `hotfix-guard check --head` with its peak memory (goal: < 200 MB, analysis capped and said).

Each check must exit 1 (far over the limits). Medians of interleaved runs (measure.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import repos  # the builders beside this script
from measure import exit_code, medians, peak_rss_mib, run_once, script


def build_many(root: Path, files: int) -> None:
    """main with FILES small files; `hotfix/many` changes one line of each."""
    stream = repos.FastImport()
    base = {f"src/pkg_{n % 100}/module_{n}.py": repos.source_file(n, 6) for n in range(files)}
    first = stream.commit("main", "Release 1.2.3", base)
    changed = {
        f"src/pkg_{n % 100}/module_{n}.py": repos.source_file(n, 6, range(1)) for n in range(files)
    }
    stream.commit("hotfix/many", "Change every module", changed, (), first)
    stream.run(root)
    repos.git(root, "symbolic-ref", "HEAD", "refs/heads/main")


def build_huge_file(root: Path, name: str, content: bytes) -> None:
    """main with one small file; `hotfix/huge` adds NAME with CONTENT."""
    stream = repos.FastImport()
    first = stream.commit("main", "Release 1.2.3", {"README": b"demo\n"})
    stream.commit("hotfix/huge", "Add the data", {name: content}, (), first)
    stream.run(root)
    repos.git(root, "symbolic-ref", "HEAD", "refs/heads/main")


def many_files(work: Path, guard: str, counts: list[int], runs: int) -> list[str]:
    lines, seconds = [], {}
    for count in counts:
        root = work / f"many-{count}"
        started = time.perf_counter()
        build_many(root, count)
        built = time.perf_counter() - started
        env = repos.isolated_environ()
        check = [guard, "check", "--head", "hotfix/many"]
        diff = ["git", "diff", "-M", "main...hotfix/many"]
        times = medians(
            {"check": [check], "git diff -M": [diff]},
            root,
            env,
            runs,
            expect=exit_code({"check": 1}),
        )
        rss = peak_rss_mib(check[1:], root, env)
        seconds[count] = times["check"]
        lines.append(
            f"{count:>7} files: check {times['check']:.2f} s, git diff -M "
            f"{times['git diff -M']:.2f} s ({times['check'] / times['git diff -M']:.2f}x), "
            f"peak RSS {rss:.0f} MiB (built in {built:.0f} s)"
        )
    ordered = sorted(seconds)
    for small, big in zip(ordered, ordered[1:]):
        lines.append(
            f"{big // small}x the files took {seconds[big] / seconds[small]:.2f}x the time "
            f"({small} -> {big})"
        )
    return lines


def huge_files(work: Path, guard: str) -> list[str]:
    shapes = {
        "30 MB on one line": ("data/one-line.py", b"x = '" + b"a" * 30 * 2**20 + b"'\n"),
        "200 MB of short lines": ("data/short-lines.py", b"v = 1\n" * (200 * 2**20 // 6)),
    }
    lines = []
    for label, (name, content) in shapes.items():
        root = work / name.replace("/", "-")
        build_huge_file(root, name, content)
        env = repos.isolated_environ()
        check = [guard, "check", "--head", "hotfix/huge"]
        seconds, result = run_once(check, root, env)
        rss = peak_rss_mib(check[1:], root, env)
        said = [line for line in result.stdout.decode(errors="replace").splitlines() if line]
        lines.append(
            f"{label}: check {seconds:.2f} s, exit {result.returncode}, peak RSS {rss:.0f} MiB; "
            f"first line: {said[0][:150] if said else '(none)'}"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="5000,20000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    options = parser.parse_args()
    guard = script("hotfix-guard")
    if guard is None:
        raise SystemExit("hotfix-guard is not installed beside this Python")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hotfix-guard-scale-") as scratch:
        work = options.work or Path(scratch)
        counts = [int(count) for count in options.files.split(",") if count]
        for line in many_files(work, guard, counts, options.runs):
            print(line, flush=True)
        if not options.skip_memory:
            for line in huge_files(work, guard):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
