"""`hotfix-guard status`: every open hotfix branch and every hotfix merged in the last 30 days,
with its incident, its clock, its size, its tests, and how far it got (merged, tagged, pushed,
backported, postmortem). Read-only: it fetches nothing and writes nothing."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from hotfix_guard.backport.merges import hotfix_tips
from hotfix_guard.backport.status import status as backport_status
from hotfix_guard.config.loader import Config
from hotfix_guard.engine.diff import build_change
from hotfix_guard.git.refs import REMOTES, local
from hotfix_guard.git.repository import Repository
from hotfix_guard.git.tags import TagQueries
from hotfix_guard.incident.clocks import Clock, response_clock, restore_clock
from hotfix_guard.incident.due import drafts_in, postmortem_file
from hotfix_guard.incident.record import IncidentRecord, branch_record, format_time
from hotfix_guard.incident.shipped import shipped
from hotfix_guard.scope import find_main
from hotfix_guard.testrun.run import pass_key, passes_dir

WINDOW_DAYS = 30


@dataclass(frozen=True)
class HotfixStatus:
    branch: str
    state: str  # "open" or "merged"
    severity: str | None
    incident: str | None
    detected: str | None
    response: dict[str, Any]  # the response clock (incident/clocks.py Clock.as_json)
    restore: dict[str, Any]  # the restore clock
    files: int
    lines: int
    max_files: int
    max_lines: int
    tests: str  # "passed", "not run", "no test-commands"
    merged: str | None  # the merge commit on main
    tag: str | None
    pushed: bool
    backports: dict[str, str]  # branch -> its state
    postmortem: str | None  # "present", "due <time>", "overdue since <time>"; None while open
    # The version files at the tip (open) or the merge (merged), and what they state.
    versions: str = ""
    # What the tag shipped since the previous release (incident/shipped.py); None untagged.
    shipped: dict[str, Any] | None = None


def collect(repo: Repository, config: Config, now: datetime) -> list[HotfixStatus]:
    main = find_main(repo, config)
    statuses = [
        _open(repo, config, name, refs, main.refs, now)
        for name, refs in _open_branches(repo, config, main.refs).items()
    ]
    since = datetime.fromtimestamp(time.time() - WINDOW_DAYS * 86400, timezone.utc)
    report = backport_status(repo, config, since.date().isoformat())
    queries = TagQueries(repo)
    tags_at = {tag.commit: name for name, tag in queries.tags.items() if tag.annotated}
    upstream = [ref for ref in main.refs if ref.startswith(REMOTES)]
    for hotfix, backports in report.backports.items():
        record = branch_record(repo, hotfix.tip, [hotfix.base])
        size = _size(repo, config, hotfix.base, hotfix.tip)
        tag = tags_at.get(hotfix.commit)
        # Restored when tagged; a hotfix merged without a tag counts from its merge.
        restored = queries.tag_times.get(tag, hotfix.landed) if tag else hotfix.landed
        statuses.append(
            _status(
                config, hotfix.branch, "merged", record,
                _clocks(repo, config, record, (hotfix.tip, hotfix.base), restored, now),
                size,
                tests=_tests(repo, config, hotfix.tip),
                merged=hotfix.commit,
                tag=tag,
                pushed=any(repo.is_ancestor(hotfix.commit, ref) for ref in upstream),
                backports={b.branch: b.status for b in backports},
                postmortem=_postmortem(repo, config, queries, tag, hotfix.landed, now),
                versions=_versions(repo, config, hotfix.commit),
                shipped=_shipped(repo, config, tag, hotfix.commit),
            )
        )  # fmt: skip
    return statuses


def _open_branches(
    repo: Repository, config: Config, main_refs: tuple[str, ...]
) -> dict[str, list[str]]:
    """Hotfix branch name -> its refs (local first), for the branches main does not contain."""
    found: dict[str, list[str]] = {}
    for ref, (name, tip) in sorted(hotfix_tips(repo, config).items()):
        if not any(repo.is_ancestor(tip, main) for main in main_refs):
            found.setdefault(name, []).append(ref)
    return found


def _open(
    repo: Repository,
    config: Config,
    name: str,
    refs: list[str],
    main_refs: tuple[str, ...],
    now: datetime,
) -> HotfixStatus:
    tip = repo.refs[refs[0]]
    base = repo.merge_base(tip, main_refs) or tip
    record = branch_record(repo, tip, list(main_refs))
    size = _size(repo, config, base, tip)
    local_ref = local(name)
    remote_tips = {repo.refs[ref] for ref in refs if ref.startswith(REMOTES)}
    return _status(
        config, name, "open", record, _clocks(repo, config, record, (tip, base), None, now),
        size,
        tests=_tests(repo, config, tip),
        merged=None, tag=None,
        pushed=(repo.refs.get(local_ref, tip) in remote_tips),
        backports={}, postmortem=None, versions=_versions(repo, config, tip),
    )  # fmt: skip


def _clocks(
    repo: Repository,
    config: Config,
    record: IncidentRecord,
    span: tuple[str, str],
    restored: int | None,
    now: datetime,
) -> tuple[Clock, Clock]:
    """Both clocks of the hotfix whose commits are SPAN (tip, base): the response stops at its
    first commit, the restore at RESTORED (the tag, Unix time; None: still running)."""
    tip, base = span
    commits = [line[0] for line in repo.commits_with_parents(tip, [base])]
    times = repo.commit_times(commits[-1:])
    first = datetime.fromtimestamp(times[commits[-1]], timezone.utc) if commits else None
    stopped = datetime.fromtimestamp(restored, timezone.utc) if restored is not None else None
    return (
        response_clock(config, record, first, now),
        restore_clock(config, record, stopped, now),
    )


def _status(
    config: Config,
    branch: str,
    state: str,
    record: IncidentRecord,
    clocks: tuple[Clock, Clock],
    size: tuple[int, int],
    **rest: Any,
) -> HotfixStatus:
    files, lines = size
    max_files, max_lines = config.limits(record.valid_severity)
    return HotfixStatus(
        branch=branch,
        state=state,
        severity=record.severity,
        incident=record.incident,
        detected=format_time(record.detected) if record.detected else None,
        response=clocks[0].as_json(),
        restore=clocks[1].as_json(),
        files=files,
        lines=lines,
        max_files=max_files,
        max_lines=max_lines,
        **rest,
    )


def _size(repo: Repository, config: Config, base: str, tip: str) -> tuple[int, int]:
    """Files and code lines as diff-size counts them (tests, lockfiles and the like left out)."""
    change = build_change(repo, config, base, tip)
    return len(change.counted), change.changed_code_lines


def _shipped(
    repo: Repository, config: Config, tag: str | None, commit: str
) -> dict[str, Any] | None:
    found = shipped(repo, config, tag, commit) if tag else None
    return {"sentence": found.sentence(), **found.as_json()} if found else None


def _tests(repo: Repository, config: Config, tip: str) -> str:
    if not config.test_commands:
        return "no test-commands"
    tree, common_dir = repo.tree_and_common_dir(tip)
    passed = (passes_dir(common_dir) / pass_key(tree, config.test_commands)).exists()
    return "passed" if passed else "not run"


def _versions(repo: Repository, config: Config, commit: str) -> str:
    from hotfix_guard.versions.tree import versions_at

    detection = versions_at(repo, config, commit)
    return "; ".join((detection.summary(), *detection.notes))


def _postmortem(
    repo: Repository,
    config: Config,
    queries: TagQueries,
    tag: str | None,
    landed: int,
    now: datetime,
) -> str | None:
    """present when a file in postmortem-dir names the tag (as the postmortem rule judges, but in
    the work tree: a draft counts before it is committed); else when it is due, postmortem-due
    after the tag was made."""
    if tag is None:
        return None
    if postmortem_file(drafts_in(repo.root / config.postmortem_dir), tag) is not None:
        return "present"
    tagged = datetime.fromtimestamp(queries.tag_times.get(tag, landed), timezone.utc)
    due = tagged + config.postmortem_due
    return f"overdue since {format_time(due)}" if due < now else f"due {format_time(due)}"


def render_text(statuses: list[HotfixStatus]) -> str:
    if not statuses:
        return f"No open hotfix and none merged in the last {WINDOW_DAYS} days."
    lines = []
    for item in statuses:
        incident = ", ".join(
            part for part in (item.severity or "no severity", item.incident) if part
        )
        lines.append(f"{item.branch} [{item.state}] {incident}")
        lines.append(f"  response clock: {item.response['verdict']}")
        lines.append(f"  restore clock: {item.restore['verdict']}")
        lines.append(
            f"  size {item.files}/{item.max_files} files, {item.lines}/{item.max_lines} lines; "
            f"tests {item.tests}; pushed {'yes' if item.pushed else 'no'}"
        )
        lines.append(f"  {item.versions}")
        if item.state == "merged":
            backports = ", ".join(f"{name} {state}" for name, state in item.backports.items())
            lines.append(
                f"  merged {item.merged[:12] if item.merged else '?'}; tag {item.tag or 'none'}; "
                f"backports: {backports or 'none'}; postmortem {item.postmortem or 'not tagged'}"
            )
        if item.shipped:
            lines.append(f"  shipped: {item.shipped['sentence']}")
    return "\n".join(lines)


def render_json(statuses: list[HotfixStatus]) -> str:
    return json.dumps(
        {"hotfixes": [asdict(item) for item in statuses]}, indent=2, ensure_ascii=False
    )
