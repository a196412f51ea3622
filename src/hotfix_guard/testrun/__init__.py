"""The `tests` rule's engine: run.py runs test-commands on exactly the pushed commit, shell.py one
command, gate.py is the rule. The package's public face is below."""

from hotfix_guard.testrun.run import (
    CACHE_FORMAT,
    FAILED,
    NOT_RUN,
    PASSED,
    REMEMBERED,
    SHOWN_FILES,
    TAIL_LINES,
    TIMED_OUT,
    Checkout,
    Outcome,
    describe,
    pass_key,
    passes_dir,
    run_tests,
    tests_findings,
)
from hotfix_guard.testrun.shell import (
    command_environment,
    interrupts_unwind_once,
    run_command,
    signals_deferred,
)

__all__ = [
    "CACHE_FORMAT",
    "FAILED",
    "NOT_RUN",
    "PASSED",
    "REMEMBERED",
    "SHOWN_FILES",
    "TAIL_LINES",
    "TIMED_OUT",
    "Checkout",
    "Outcome",
    "command_environment",
    "describe",
    "interrupts_unwind_once",
    "pass_key",
    "passes_dir",
    "run_command",
    "run_tests",
    "signals_deferred",
    "tests_findings",
]
