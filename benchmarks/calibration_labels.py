"""The hand-labelled hotfixes of calibration-labels.toml, and the check that verdicts match them.

Each label names a real hotfix by project and merge (or squash) commit id, the verdict a strict but
reasonable reviewer gave (`block`: it carries noise that must stay blocked; `pass`: a correct fix
the rules once blocked) and why. Ids, numbers and words only: no code from those projects.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomllib

LABELS = Path(__file__).with_name("calibration-labels.toml")
VERDICTS = ("block", "pass")


@dataclass(frozen=True)
class Label:
    project: str
    merge: str
    verdict: str
    reason: str


def load_labels(path: Path) -> list[Label]:
    with path.open("rb") as file:
        table = tomllib.load(file)
    labels = []
    for entry in table.get("hotfix", []):
        label = Label(entry["project"], entry["merge"], entry["verdict"], entry["reason"])
        if label.verdict not in VERDICTS:
            raise SystemExit(f"{path}: {label.merge}: verdict must be one of {VERDICTS}")
        labels.append(label)
    return labels


def check_labels(labels: Sequence[Label], blocked: Mapping[tuple[str, str], bool]) -> list[str]:
    """Print how many labels hold; return a line for each that does not (or was not found)."""
    mismatches = []
    for label in labels:
        found = [
            value
            for (project, merge), value in blocked.items()
            if project == label.project and merge.startswith(label.merge)
        ]
        if not found:
            if any(project == label.project for project, _ in blocked):
                mismatches.append(f"{label.project} {label.merge}: not found among the hotfixes")
            continue  # that project was not part of this run
        verdict = "block" if found[0] else "pass"
        if verdict != label.verdict:
            mismatches.append(
                f"{label.project} {label.merge}: {verdict}s, labelled {label.verdict} "
                f"({label.reason})"
            )
    checked = sum(1 for label in labels if any(p == label.project for p, _ in blocked))
    print(f"labelled hotfixes matching their verdict: {checked - len(mismatches)}/{checked}")
    for line in mismatches:
        print(f"  MISMATCH {line}", file=sys.stdout)
    return mismatches


def main(argv: Sequence[str]) -> int:
    """`python calibration_labels.py NUMBERS.json`: check the labels against a saved run."""
    data = json.loads(Path(argv[0]).read_text())
    blocked = {
        (summary["repository"], merge): verdict == "block"
        for summary in data["repositories"]
        for merge, verdict in summary["hotfix_verdicts"].items()
    }
    return 1 if check_labels(load_labels(LABELS), blocked) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
