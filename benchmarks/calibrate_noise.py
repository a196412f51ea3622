"""Calibrate the change rules on real git-flow histories (benchmarks/calibration.md).

    python benchmarks/calibrate_noise.py PATH [PATH ...] [--sample 150] [--jobs 2] [--json FILE]
        [--failures FILE] [--labels calibration-labels.toml]

For each repository (a clone or a bare snapshot) it runs `diff-size`, `rename`, `whitespace`,
`identifier-rename` and `moved-code` with the default configuration on:

- every hotfix: a merge whose subject is `Merge branch '...hotfix...'`, `Merge pull request #N
  from owner/...hotfix...` or `Hotfix ... (#N)`, and a squash commit with the latter subject; the
  change checked is the hotfix branch's own change, from the merge base of the two parents to the
  second parent, once per branch, as merged into the production branch when it was merged twice;
- a sample of feature merges (`Merge branch 'feature/...'` or a pull request from `feature/`);
- a sample of single-parent commits whose subject says refactor, rename, reformat, coding
  standard, code style or whitespace (the change is the commit against its parent).

A hotfix is blocked by an error at the default level (a warning passes). It prints, per project
and rule, the hotfixes blocked and the refactor commits flagged, a sweep of whitespace-warn-lines,
every blocked hotfix with its findings, and whether the hand-labelled hotfixes of
calibration-labels.toml and the synthetic hotfixes of calibration_synthetic.py get their verdict
(exit 1 when one does not). It needs fetched
repositories, so it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from calibration_labels import LABELS, check_labels, load_labels
from calibration_synthetic import report as report_cases
from calibration_synthetic import run_cases

from hotfix_guard.catalog import BY_NAME, load_check, rules_of_hook
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.context import Context
from hotfix_guard.git.repository import Repository
from hotfix_guard.report.findings import ERROR, WARNING, Finding
from hotfix_guard.scope import MainBranch, Scope

NOISE_RULES = rules_of_hook("hotfix-no-refactor")
# The rules a hotfix's change meets: size and the noise rules (branch and tests need the live repo).
CHECKED_RULES = ("diff-size", *NOISE_RULES)
SHOWN_FINDINGS = 4
# git-flow (`Merge branch 'hotfix/1.2.3'`, also `... into develop`), pull requests from a branch
# named for a hotfix (`hotfix/x`, `hotfix-release-1.0.2`, `CATROID-43-hotfixApi19`), and pull
# requests merged or squashed under a `Hotfix v5.15.3 (#5150)` subject.
HOTFIX_MERGE = re.compile(
    r"^(?:Merge (?:remote-tracking )?branch '(?P<branch>[^']*hotfix[^']*)'"
    r"|Merge pull request #\d+ from [^/\s]+/(?P<pr_branch>\S*hotfix\S*)"
    r"|Hotfix\b.*\(#\d+\)$)",
    re.IGNORECASE,
)
FEATURE_MERGE = re.compile(
    r"^(?:Merge branch 'feature/[^']+'$|Merge pull request #\d+ from [^/\s]+/feature/\S+)"
)
REFACTOR_SUBJECT = re.compile(
    r"\b(refactor\w*|renam\w*|reformat\w*|coding standards?|cs fix\w*|code style|whitespace)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sample:
    kind: str  # hotfix, feature or refactor
    label: str
    base: str
    head: str
    # Every merge of the same branch (into main, into develop): labels may name any of them.
    aliases: tuple[str, ...] = ()


@dataclass
class Outcome:
    sample: Sample
    findings: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def flagged_rules(self) -> list[str]:
        return sorted({finding.rule for finding in self.findings})


def log(repo: Repository, *args: str) -> list[tuple[str, list[str], str]]:
    """(commit, parents, subject) of `git log ARGS`."""
    output = repo.git("log", "--format=%H%x00%P%x00%s", *args).decode("utf-8", "replace")
    entries = []
    for line in output.splitlines():
        commit, parents, subject = line.split("\0", 2)
        entries.append((commit, parents.split(), subject))
    return entries


def collect(repo: Repository, sample_size: int, seed: int) -> list[Sample]:
    rng = random.Random(seed)
    merges = log(repo, "--all", "--merges")
    hotfixes: dict[str, Sample] = {}
    features: dict[str, Sample] = {}
    squashed = [
        entry for entry in log(repo, "--all", "--no-merges") if HOTFIX_MERGE.match(entry[2])
    ]
    for commit, parents, subject in squashed:
        if len(parents) == 1 and commit not in hotfixes:
            hotfixes[commit] = Sample("hotfix", f"{commit[:10]} {subject}", parents[0], commit)
    merged_by: dict[str, list[str]] = {}
    for commit, parents, subject in merges:
        if len(parents) != 2:
            continue
        match = HOTFIX_MERGE.match(subject)
        target = hotfixes if match else features if FEATURE_MERGE.match(subject) else None
        if target is None:
            continue
        merged_by.setdefault(parents[1], []).append(commit[:10])
        known = target.get(parents[1])
        # The merge into the production branch, not `... into develop`, says what shipped.
        if known is not None and not (" into " in known.label and " into " not in subject):
            continue
        base = repo.merge_base(parents[0], [parents[1]])
        if base is None or base == parents[1]:
            continue  # already merged: nothing of its own
        kind = "hotfix" if match else "feature"
        target[parents[1]] = Sample(kind, f"{commit[:10]} {subject}", base, parents[1])
    hotfixes = {
        head: replace(sample, aliases=tuple(merged_by.get(head, ())))
        for head, sample in hotfixes.items()
    }
    refactors = [
        Sample("refactor", f"{commit[:10]} {subject}", parents[0], commit)
        for commit, parents, subject in log(repo, "--all", "--no-merges")
        if len(parents) == 1 and REFACTOR_SUBJECT.search(subject)
    ]
    feature_list = list(features.values())
    return [
        *hotfixes.values(),
        *rng.sample(feature_list, min(sample_size, len(feature_list))),
        *rng.sample(refactors, min(sample_size, len(refactors))),
    ]


def open_repository(root: str) -> Repository:
    """A clone or a bare snapshot (git runs inside its git directory)."""
    path = Path(root)
    git_dir = path / ".git" if (path / ".git").exists() else path
    return Repository(git_dir, git_dir, shallow=False)


def project_name(path: Path) -> str:
    """`owner+name` of a snapshot at .../owner+name/repo(/.git), else the directory's name."""
    parts = [part for part in path.resolve().parts if part not in ("repo", ".git")]
    return parts[-1]


def check(root: str, sample: Sample) -> Outcome:
    repo = open_repository(root)
    scope = Scope(
        branch=None,
        head=sample.head,
        staged=False,
        main=MainBranch("base", (sample.base,)),
        base=sample.base,
    )
    ctx = Context(repo, Config(), scope)
    outcome = Outcome(sample)
    try:
        for name in CHECKED_RULES:
            # What blocks: errors at the default level (a warning or a fact does not).
            found = [replace(f, rule=name) for f in load_check(BY_NAME[name])(ctx)]
            outcome.findings.extend(f for f in found if f.severity == ERROR)
            outcome.warnings.extend(f for f in found if f.severity == WARNING)
    except Exception as error:  # a crash is a calibration result too: count and show it
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "0/0"


# Candidate values of whitespace-warn-lines, measured in one run (see blocked_at).
WARN_LINES_CANDIDATES = (0, 1, 2, 3, 4, 6, 8)
STRAY_SIZE = re.compile(r"away from the fix \(.*?(\d+) changed lines?[;)]")


def blocked_at(outcome: Outcome, warn_lines: int) -> bool:
    """Whether OUTCOME blocks with whitespace-warn-lines = WARN_LINES: what the run found,
    with each stray-whitespace finding judged again by its size."""
    if outcome.error:
        return True
    for finding in [*outcome.findings, *outcome.warnings]:
        size = STRAY_SIZE.search(finding.message) if finding.rule == "whitespace" else None
        if size is None:
            if finding in outcome.findings:
                return True
        elif int(size.group(1)) > warn_lines:
            return True
    return False


def sweep(by_kind: dict[str, list[Outcome]]) -> dict[int, dict[str, int]]:
    return {
        value: {
            "hotfixes_passing": sum(not blocked_at(o, value) for o in by_kind["hotfix"]),
            "refactors_flagged": sum(blocked_at(o, value) for o in by_kind["refactor"]),
        }
        for value in WARN_LINES_CANDIDATES
    }


def report(name: str, outcomes: Sequence[Outcome]) -> dict[str, object]:
    by_kind: dict[str, list[Outcome]] = {"hotfix": [], "feature": [], "refactor": []}
    for outcome in outcomes:
        by_kind[outcome.sample.kind].append(outcome)
    hotfixes = by_kind["hotfix"]
    passed = [o for o in hotfixes if not o.findings and o.error is None]
    summary: dict[str, object] = {"repository": name, "hotfixes": len(hotfixes)}
    print(f"## {name}")
    print(f"hotfixes passing: {share(len(passed), len(hotfixes))}")
    summary["hotfixes_passing"] = len(passed)
    for kind in ("feature", "refactor"):
        flagged = [o for o in by_kind[kind] if o.findings]
        print(f"{kind} changes flagged: {share(len(flagged), len(by_kind[kind]))}")
        summary[f"{kind}s"] = len(by_kind[kind])
        summary[f"{kind}s_flagged"] = len(flagged)
    for rule in CHECKED_RULES:
        counts = {
            kind: sum(1 for o in items if rule in o.flagged_rules)
            for kind, items in by_kind.items()
        }
        print(f"  {rule}: " + ", ".join(f"{kind} {count}" for kind, count in counts.items()))
        summary[f"rule_{rule}"] = counts
    warned = [o for o in hotfixes if o.warnings and not o.findings and o.error is None]
    summary["hotfixes_passing_with_warnings"] = len(warned)
    print(f"  hotfixes passing with a warning only: {len(warned)}")
    summary["whitespace_warn_lines_sweep"] = sweep(by_kind)
    summary["hotfix_verdicts"] = {
        merge: "block" if o.findings or o.error else "pass"
        for o in hotfixes
        for merge in (o.sample.label.split()[0], *o.sample.aliases)
    }
    failing = [o for o in hotfixes if o.findings or o.error]
    if failing:
        print("failing hotfixes:")
    for outcome in failing:
        print(f"- {outcome.sample.label} ({outcome.sample.base[:10]}..{outcome.sample.head[:10]})")
        if outcome.error:
            print(f"    crash: {outcome.error}")
        for finding in outcome.findings:
            print(f"    {finding.where}: {finding.rule}: {finding.message}")
    summary["failing_hotfixes"] = [
        {
            "merge": o.sample.label,
            "range": f"{o.sample.base}..{o.sample.head}",
            "findings": [f"{f.where}: {f.rule}: {f.message}" for f in o.findings],
            "error": o.error,
        }
        for o in failing
    ]
    summary["flagged_samples"] = [
        {
            "kind": o.sample.kind,
            "label": o.sample.label,
            "rules": [f.rule for f in o.findings],
            "paths": [f.path for f in o.findings],
            "findings": [f.message for f in o.findings],
        }
        for o in outcomes
        if o.findings
    ]
    print()
    return summary


def failures_markdown(summaries: Sequence[dict[str, object]]) -> str:
    """Every failing hotfix with its findings (paths and names only, never the projects' code)."""
    lines = ["# Real hotfixes that fail the noise rules", ""]
    for summary in summaries:
        failing = summary["failing_hotfixes"]
        assert isinstance(failing, list)
        lines += [f"## {summary['repository']} ({len(failing)})", ""]
        for entry in failing:
            lines.append(f"- `{entry['merge']}` ({entry['range']})")
            findings = entry["findings"]
            lines.extend(f"  - {finding}" for finding in findings[:SHOWN_FINDINGS])
            if len(findings) > SHOWN_FINDINGS:
                lines.append(f"  - and {len(findings) - SHOWN_FINDINGS} more findings")
            if entry["error"]:
                lines.append(f"  - crash: {entry['error']}")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repositories", nargs="+", type=Path)
    parser.add_argument("--sample", type=int, default=150, help="feature and refactor samples")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument(
        "--failures", type=Path, help="also write every failing hotfix here, as Markdown"
    )
    parser.add_argument(
        "--labels", type=Path, default=LABELS, help="hand-labelled hotfixes the verdicts must match"
    )
    args = parser.parse_args(argv)
    summaries = []
    totals = {"hotfixes": 0, "passing": 0, "refactors": 0, "flagged": 0}
    verdicts: dict[tuple[str, str], bool] = {}  # (project, merge id) -> blocked
    with ProcessPoolExecutor(args.jobs) as pool:
        for path in args.repositories:
            root = str(path.resolve())
            name = project_name(path)
            samples = collect(open_repository(root), args.sample, args.seed)
            outcomes = list(pool.map(check, [root] * len(samples), samples, chunksize=8))
            summary = report(name, outcomes)
            summaries.append(summary)
            for outcome in outcomes:
                if outcome.sample.kind == "hotfix":
                    for merge in (outcome.sample.label.split()[0], *outcome.sample.aliases):
                        verdicts[(name, merge)] = bool(outcome.findings or outcome.error)
            totals["hotfixes"] += int(summary["hotfixes"])  # type: ignore[call-overload]
            totals["passing"] += int(summary["hotfixes_passing"])  # type: ignore[call-overload]
            totals["refactors"] += int(summary["refactors"])  # type: ignore[call-overload]
            totals["flagged"] += int(summary["refactors_flagged"])  # type: ignore[call-overload]
    print("## all repositories")
    print(f"hotfixes passing: {share(totals['passing'], totals['hotfixes'])}")
    print(f"refactor commits flagged: {share(totals['flagged'], totals['refactors'])}")
    print("whitespace-warn-lines: hotfixes passing / refactor commits flagged")
    for value in WARN_LINES_CANDIDATES:
        rows = [summary["whitespace_warn_lines_sweep"][value] for summary in summaries]  # type: ignore[index]
        passing = sum(row["hotfixes_passing"] for row in rows)
        flagged = sum(row["refactors_flagged"] for row in rows)
        print(
            f"  {value}: {share(passing, totals['hotfixes'])} / "
            f"{share(flagged, totals['refactors'])}"
        )
    mismatches = check_labels(load_labels(args.labels), verdicts)
    print("synthetic cases (calibration_synthetic.py):")
    synthetic = run_cases()
    mismatches += [f"synthetic: {name}" for name in report_cases(synthetic)]
    if args.failures:
        args.failures.write_text(failures_markdown(summaries))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "totals": totals,
                    "label_mismatches": mismatches,
                    "synthetic": [
                        {
                            "case": case.name,
                            "shape": case.shape,
                            "verdict": case.verdict,
                            "blocked_by": blocked,
                        }
                        for case, blocked in synthetic
                    ],
                    "repositories": summaries,
                },
                indent=2,
            )
        )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
