"""tag-format, tag-annotated, tag-message, tag-version, tag-target: the release tag of a hotfix."""

from __future__ import annotations

import shlex

from hotfix_guard.incident.shipped import postmortem_commits
from hotfix_guard.releases.tags import TagContext
from hotfix_guard.releases.versions import next_release, render_version
from hotfix_guard.report.findings import INFO, Finding, short_line

# Descriptions that say nothing about what was fixed.
PLACEHOLDERS = frozenset(
    {"fix", "fixes", "fixed", "hotfix", "bugfix", "bug", "patch", "update", "wip", "todo", "tbd",
     "test", "tmp", "temp", "misc", "stuff", "changes", "release", "n/a", "none"}
)  # fmt: skip


def _retag(ctx: TagContext, name: str | None = None) -> str:
    """Tag the same commit, annotated, under NAME (default: the same name, replaced)."""
    commit = (ctx.tag.commit or ctx.tag.object_id)[:10]
    message = shlex.quote(f"{ctx.config.tag_message_prefix}<what it fixes>")
    force = "" if name else " -f"
    return f"git tag -a{force} {shlex.quote(name or ctx.name)} -m {message} {commit}"


def _delete(ctx: TagContext) -> str:
    return f"git tag -d {shlex.quote(ctx.name)}"


def check_tag_format(ctx: TagContext) -> list[Finding]:
    if ctx.version is not None:
        return []
    tag_format = ctx.config.tag_format
    expected_parts = tag_format.count("{")
    fix = None
    if ctx.loose_version is not None and len(ctx.loose_version) == expected_parts:
        right_name = render_version(ctx.loose_version, tag_format)
        suggestion = f"; name it {right_name!r}"
        why = "looks like a release tag"
        fix = f"{_retag(ctx, right_name)} && {_delete(ctx)}"
    else:
        suggestion = ""
        why = f"is a hotfix tag ({ctx.hotfix})" if ctx.hotfix else "looks like a release tag"
    return [
        Finding(
            f"{ctx.name!r} {why} but does not match tag-format {tag_format!r}{suggestion}",
            ref=ctx.name,
            fix=fix,
        )
    ]


def check_tag_annotated(ctx: TagContext) -> list[Finding]:
    if ctx.tag.annotated:
        return []
    return [
        Finding(
            f"{ctx.name} is a lightweight tag; a release tag is annotated, with a message: "
            f"{_retag(ctx)}",
            ref=ctx.name,
            fix=_retag(ctx),
        )
    ]


def check_tag_message(ctx: TagContext) -> list[Finding]:
    message = ctx.message
    if not ctx.hotfix or message is None:
        return []  # a lightweight tag has no message: tag-annotated says so
    prefix = ctx.config.tag_message_prefix
    first_line = message.split("\n", 1)[0] if message else ""  # git's lines: U+2028 is text
    # git drops trailing spaces: a bare "Hotfix:" is the prefix with nothing after it.
    if not (first_line.startswith(prefix) or first_line == prefix.rstrip()):
        problem = f"the message {short_line(first_line)!r} does not start with {prefix!r}"
    else:
        description = first_line[len(prefix) :].strip()
        if _says_nothing(description, ctx.name):
            problem = f"the message {short_line(first_line)!r} does not say what the hotfix fixes"
        else:
            return []
    return [
        Finding(
            f"{problem} ({ctx.name} is a hotfix tag: {ctx.hotfix}); write it as "
            f"{prefix!r} plus what it fixes: {_retag(ctx)}",
            ref=ctx.name,
            fix=_retag(ctx),
        )
    ]


def _says_nothing(description: str, tag_name: str) -> bool:
    letters = sum(char.isalpha() for char in description)
    plain = description.lower().strip(" .!")
    return letters < 3 or plain in PLACEHOLDERS or plain in (tag_name.lower(), tag_name.lower()[1:])


def check_tag_version(ctx: TagContext) -> list[Finding]:
    version = ctx.version
    if not ctx.hotfix or version is None:
        return []
    tag_format = ctx.config.tag_format
    duplicates = sorted(name for name, v in ctx.release_versions.items() if v == version)
    if duplicates:
        return [_version_finding(ctx, f"repeats the version of {duplicates[0]}", None)]
    before = ctx.releases_before()
    if not before:
        return [
            Finding(
                f"no release tag in tag-format before {ctx.name}: its version is not checked",
                ref=ctx.name,
                severity=INFO,
            )
        ]
    latest_name, latest = max(before.items(), key=lambda item: item[1])
    expected = next_release(latest)
    if version == expected:
        return []
    expected_name = render_version(expected, tag_format)
    if version[:-1] != latest[:-1] and version > latest:
        problem = f"is not a patch release: after {latest_name} a hotfix is {expected_name}"
    elif version <= latest:
        problem = f"is not above {latest_name}, the latest release before it: use {expected_name}"
    else:
        skipped = [
            render_version((*latest[:-1], number), tag_format)
            for number in range(expected[-1], version[-1])
        ]
        problem = f"skips {', '.join(skipped)}: after {latest_name} comes {expected_name}"
    if expected_name in ctx.releases_on_commit():
        # The right tag is there already: this one is the extra, nothing to tag again.
        return [_version_finding(ctx, f"{problem}, which tags this commit already", None)]
    return [_version_finding(ctx, problem, expected_name)]


def _version_finding(ctx: TagContext, problem: str, right_name: str | None) -> Finding:
    fix = f"{_delete(ctx)} && {_retag(ctx, right_name)}" if right_name else _delete(ctx)
    return Finding(f"{ctx.name} {problem}", ref=ctx.name, fix=fix)


def check_tag_target(ctx: TagContext) -> list[Finding]:
    commit = ctx.tag.commit
    if commit is None:  # a release tag on a tree or a blob: nothing was released
        return [
            Finding(
                f"{ctx.name} is a release tag but points at no commit "
                f"({ctx.tag.object_id[:10]}); a release tag points at a commit on "
                f"{ctx.main.name}",
                ref=ctx.name,
            )
        ]
    if not ctx.hotfix:
        return []
    main = ctx.main
    if any(ctx.repo.is_ancestor(commit, ref) for ref in main.refs):
        return _ships_only_its_hotfix(ctx, commit)
    subject = ctx.repo.subjects([commit]).get(commit, "")
    return [
        Finding(
            f"{ctx.name} points at {commit[:10]} ({short_line(subject)}), which is not on "
            f"{main.name}; merge the hotfix into {main.name} and tag the merge commit",
            ref=ctx.name,
            fix=f"{_delete(ctx)}, merge the hotfix into {main.name} and tag the merge commit",
        )
    ]


def _ships_only_its_hotfix(ctx: TagContext, commit: str) -> list[Finding]:
    """A hotfix tag on a merge ships what lies between the previous release tag on its line and
    it: the merge and what it brings, nothing that main gained before it (a main fast-forwarded
    to develop, another hotfix's merge: they would ship as this patch release)."""
    parents, _ = ctx.queries.parents_and_subject(commit)
    before = ctx.releases_before()
    own = ctx.version
    if len(parents) < 2 or not before:
        return []  # not a merge (which commits are the hotfix's is unknown), or a first release
    earlier = {name: v for name, v in before.items() if own is None or v < own} or before
    previous = max(earlier, key=lambda name: earlier[name])
    previous_commit = ctx.queries.tags[previous].commit
    if previous_commit is None:
        return []
    # What main had gained since the previous release before the merge: none of it is the
    # hotfix's (the merge brings the hotfix's own commits through its second parent), except
    # postmortems, which are committed straight to main.
    gained = [sha for sha, *_ in ctx.repo.commits_with_parents(parents[0], [previous_commit])]
    postmortems = postmortem_commits(ctx.repo, ctx.config, gained)
    extra = [sha for sha in gained if sha not in postmortems]
    if not extra:
        return []
    subjects = ctx.repo.subjects(extra[:3])
    shown = "; ".join(f"{sha[:10]} {short_line(subjects.get(sha, ''))}" for sha in extra[:3])
    more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
    what = "commit that is" if len(extra) == 1 else "commits that are"
    return [
        Finding(
            f"{ctx.name} ships {len(extra)} {what} not part of the hotfix it tags "
            f"({ctx.hotfix}), on top of {previous}: {shown}{more}; a hotfix tag ships its "
            "hotfix alone",
            ref=ctx.name,
            fix=f"{_delete(ctx)}, take the commits named above off {ctx.main.name}, and tag "
            "the hotfix's merge again",
        )
    ]
