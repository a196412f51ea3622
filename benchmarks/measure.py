"""How the benchmark measures: interleaved medians of wall and CPU time, peak memory, git calls.

Used by run.py (the scenarios and the report).
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Prints the process's own peak RSS (KiB) on stderr when the check exits. VmHWM, not ru_maxrss:
# Linux carries ru_maxrss over exec, so it would report this (bigger) benchmark process.
RSS_WRAPPER = (
    "import atexit, resource, sys\n"
    "def peak():\n"
    "    try:\n"
    "        with open('/proc/self/status') as status:\n"
    "            for line in status:\n"
    "                if line.startswith('VmHWM:'):\n"
    "                    return int(line.split()[1])\n"
    "    except OSError:\n"
    "        pass\n"
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "atexit.register(lambda: print('peak-rss-kib', peak(), file=sys.stderr))\n"
    "from hotfix_guard.__main__ import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@dataclass
class Result:
    name: str
    goal: str
    value: float | None
    limit: float
    unit: str = "x"
    details: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "not available yet"
        return "met" if self.value <= self.limit else "MISSED"

    def shown(self) -> str:
        if self.value is None:
            return "-"
        return (
            f"{self.value:.2f}{self.unit}" if self.unit == "x" else f"{self.value:.3g} {self.unit}"
        )


def script(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def run_once(
    command: Sequence[str], cwd: Path, env: dict[str, str], stdin: bytes = b""
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, input=stdin, capture_output=True)
    return time.perf_counter() - start, result


def medians(
    commands: Mapping[str, Sequence[Sequence[str]]],
    cwd: Path,
    env: dict[str, str],
    runs: int,
    stdin: bytes = b"",
    expect: Callable[[str, subprocess.CompletedProcess[bytes]], None] | None = None,
    cpu: dict[str, float] | None = None,
    prepare: Callable[[str], None] | None = None,
) -> dict[str, float]:
    """Median wall time of each named command sequence; rounds interleave them against drift.

    CPU, when given, gets the median CPU time (user + system) of each sequence, git children
    included: a second view that a loaded machine distorts less than wall time. PREPARE, when
    given, is called with the sequence's name before each run of it, untimed (a fresh copy of
    the repositories a sequence changes)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu_times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs + 1):  # the first round warms caches and is dropped
        for name, sequence in commands.items():
            if prepare is not None:
                prepare(name)
            total = 0.0
            before = children_cpu()
            for command in sequence:
                seconds, result = run_once(command, cwd, env, stdin)
                if expect is not None:
                    expect(name, result)
                total += seconds
            times[name].append(total)
            cpu_times[name].append(children_cpu() - before)
    if cpu is not None:
        cpu.update({name: statistics.median(values[1:]) for name, values in cpu_times.items()})
    return {name: statistics.median(values[1:]) for name, values in times.items()}


def children_cpu() -> float:
    """CPU seconds of every finished child process so far (their children included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def exit_code(wanted: dict[str, int]) -> Callable[[str, subprocess.CompletedProcess[bytes]], None]:
    def check(name: str, result: subprocess.CompletedProcess[bytes]) -> None:
        if name in wanted and result.returncode != wanted[name]:
            raise RuntimeError(
                f"{name} exited {result.returncode}, expected {wanted[name]}:\n"
                + (result.stdout + result.stderr).decode(errors="replace")
            )

    return check


def peak_rss_mib(args: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    _, result = run_once([sys.executable, "-c", RSS_WRAPPER, *args], cwd, env)
    for line in result.stderr.decode(errors="replace").splitlines():
        if line.startswith("peak-rss-kib "):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no peak RSS reported: {result.stderr.decode(errors='replace')}")


def git_commands_run(args: Sequence[str], cwd: Path, env: dict[str, str]) -> list[str]:
    """The git commands one check runs, from GIT_TRACE."""
    with tempfile.NamedTemporaryFile(suffix=".trace") as trace:
        run_once(args, cwd, {**env, "GIT_TRACE": trace.name})
        lines = Path(trace.name).read_text(errors="replace").splitlines()
    return [line.split("trace: built-in: ", 1)[1] for line in lines if "trace: built-in: " in line]


def git_processes(args: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[int, int]:
    """(every git process, those ARGS started itself) when ARGS runs, from GIT_TRACE: the rest
    are started by git (upload-pack, maintenance...). In a repository without hooks: a hook's
    own git calls would count as ARGS's."""
    with tempfile.NamedTemporaryFile(suffix=".trace") as trace:
        run_once(args, cwd, {**env, "GIT_TRACE": trace.name})
        lines = Path(trace.name).read_text(errors="replace").splitlines()
    every = sum("trace: built-in: " in line for line in lines)
    spawned = sum("trace: run_command: " in line for line in lines)  # started by git
    return every, every - spawned
