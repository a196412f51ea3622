"""status says what a hotfix tag shipped (the change from the previous release
tag), and name the commits that are not the hotfix's: a 1-line fix tagged on a main that was
fast-forwarded to develop first shipped develop too."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.lifecycle import FIXED, hotfix, invoke, released
from tests.support.repos import Repo

__all__ = ["hotfix", "released"]  # fixtures

BRANCH = "hotfix/fix-login-timeout"


def tag_by_hand_on_a_polluted_main(repo: Repo) -> list[str]:
    """develop gains two more commits; main is fast-forwarded to it, the hotfix merged and tagged
    by hand (finish refuses that main)."""
    repo.switch("develop")
    work = [repo.commit(f"Unreleased {n}", {f"app/more_{n}.py": f"M = {n}\n"}) for n in range(2)]
    repo.switch("main")
    repo.git("merge", "-q", "--ff-only", "develop")
    repo.git("merge", "-q", "--no-ff", "-m", f"Merge branch '{BRANCH}' into main", BRANCH)
    repo.tag("v1.2.4", "Hotfix: Fix login timeout")
    develop_work = repo.git("rev-parse", "develop~2")
    return [*reversed(work), develop_work]


def test_status_names_what_the_tag_shipped_beyond_the_hotfix(hotfix: Repo) -> None:
    foreign = tag_by_hand_on_a_polluted_main(hotfix)
    subjects = ["Unreleased 1", "Unreleased 0", "Develop work"]
    shown = "; ".join(f"{sha[:10]} {subject}" for sha, subject in zip(foreign, subjects))
    sentence = (
        "v1.2.4 shipped 6 commits since v1.2.3: 4 files (+4 -1 lines); 3 commits of them not "
        f"the hotfix's: {shown}"
    )
    status = invoke("status")
    assert status.exit_code == 0, status.output
    assert f"  shipped: {sentence}" in status.output.splitlines()
    (item,) = json.loads(invoke("status", "--format", "json").output)["hotfixes"]
    assert item["shipped"] == {
        "sentence": sentence,
        "previous": "v1.2.3",
        "commits": 6,
        "files": 4,
        "added": 4,
        "removed": 1,
        "foreign": [{"commit": sha, "subject": s} for sha, s in zip(foreign, subjects)],
    }


def test_a_tag_made_by_finish_ships_its_hotfix_alone(hotfix: Repo, remote: Path) -> None:
    assert invoke("finish", "--push").exit_code == 0
    sentence = (
        "v1.2.4 shipped 3 commits since v1.2.3: 1 file (+1 -1 lines), all of them the hotfix's"
    )
    assert f"  shipped: {sentence}" in invoke("status").output.splitlines()


def test_a_postmortem_committed_to_main_is_not_counted_against_the_next_hotfix(
    hotfix: Repo, remote: Path
) -> None:
    assert invoke("finish", "--push", "--no-backport").exit_code == 0
    hotfix.commit("Postmortem of v1.2.4", {"docs/postmortems/v1.2.4.md": "# v1.2.4\n"})
    hotfix.git("push", "-q", "origin", "main")
    assert invoke("start", "Fix logout", "--severity", "P2").exit_code == 0
    hotfix.commit("Fix logout", {"app/main.py": FIXED.replace("1", "2")})
    assert invoke("finish", "--push", "--no-backport").exit_code == 0, "finish"
    lines = invoke("status").output.splitlines()
    assert (
        "  shipped: v1.2.5 shipped 4 commits since v1.2.4: 2 files (+2 -1 lines), all of them "
        "the hotfix's"
    ) in lines
