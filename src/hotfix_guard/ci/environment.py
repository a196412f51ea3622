"""What a CI run is about, from the variables GitHub Actions and GitLab CI set.

- GitHub pull request (`GITHUB_EVENT_NAME` pull_request or pull_request_target): the hotfix is
  `GITHUB_HEAD_REF` at the event's `pull_request.head.sha` (not the merge commit the checkout
  made), judged against `GITHUB_BASE_REF`.
- GitHub push: `GITHUB_REF` is `refs/heads/<branch>` or `refs/tags/<tag>`, at `GITHUB_SHA`.
- GitLab merge request: `CI_MERGE_REQUEST_SOURCE_BRANCH_NAME` against
  `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`, at `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` (merged-results
  pipelines) or `CI_COMMIT_SHA`.
- GitLab branch or tag pipeline: `CI_COMMIT_TAG` or `CI_COMMIT_BRANCH`, at `CI_COMMIT_SHA`.
- Elsewhere (or to override): `--base` and `--head`.

Pure functions of the environment (and the event file), so tests give the variables those
systems set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hotfix_guard.errors import UsageError
from hotfix_guard.git.refs import HEADS, tag_name

Kind = Literal["change", "branch", "tag", "explicit"]
System = Literal["github", "gitlab", "none"]


@dataclass(frozen=True)
class CiTarget:
    """What to check: KIND of run, the branch or tag, the commit, and the target branch."""

    system: System
    kind: Kind
    head: str  # a commit id or revision to check
    branch: str | None = None  # the branch being checked (pull/merge request source, push)
    tag: str | None = None  # the tag of a tag pipeline
    target: str | None = None  # the branch merged into (pull/merge request), None: main
    base: str | None = None  # an explicit --base
    default_branch: str | None = None  # the repository's default branch, when the CI says
    before: str | None = None  # a branch push: the commit the branch was at before it

    @property
    def description(self) -> str:
        if self.kind == "change":
            return f"{self.system} request: {self.branch} into {self.target}"
        if self.kind == "tag":
            return f"{self.system} tag pipeline: {self.tag}"
        if self.kind == "branch":
            return f"{self.system} branch pipeline: {self.branch}"
        against = f"--base {self.base}" if self.base else "against main"
        return f"--head {self.head} {against}"


def detect(
    environ: Mapping[str, str], *, base: str | None = None, head: str | None = None
) -> CiTarget:
    """The CI target of ENVIRON; explicit BASE/HEAD win over what the environment says."""
    if environ.get("GITHUB_ACTIONS") == "true":
        found = _github(environ)
    elif environ.get("GITLAB_CI") == "true":
        found = _gitlab(environ)
    elif head is None and base is None:
        raise UsageError(
            "no GitHub Actions or GitLab CI environment found: pass --head REF (and --base REF) "
            "to say what to check"
        )
    else:
        found = CiTarget("none", "explicit", head or "HEAD")
    if base is None and head is None:
        return found
    return CiTarget(
        found.system,
        "explicit",
        head or found.head,
        branch=found.branch if head is None else None,
        target=found.target,
        base=base,
        default_branch=found.default_branch,
    )


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise UsageError(
            f"{name} is not set: run hotfix-guard ci inside the pipeline, or pass --head"
        )
    return value


def _github(environ: Mapping[str, str]) -> CiTarget:
    event = environ.get("GITHUB_EVENT_NAME", "")
    if event in ("pull_request", "pull_request_target"):
        payload = _event(environ)
        request = payload.get("pull_request") if isinstance(payload, dict) else None
        head_sha = _nested(request, "head", "sha")
        return CiTarget(
            "github",
            "change",
            head_sha or _required(environ, "GITHUB_SHA"),
            branch=_required(environ, "GITHUB_HEAD_REF"),
            target=_required(environ, "GITHUB_BASE_REF"),
            default_branch=_nested(payload, "repository", "default_branch"),
        )
    ref = _required(environ, "GITHUB_REF")
    sha = _required(environ, "GITHUB_SHA")
    main = _nested(_event(environ), "repository", "default_branch")
    tag, branch = tag_name(ref), (ref[len(HEADS) :] if ref.startswith(HEADS) else None)
    if tag is not None:
        return CiTarget("github", "tag", sha, tag=tag, default_branch=main)
    if branch is not None:
        before = _nested(_event(environ), "before")
        return CiTarget(
            "github", "branch", sha, branch=branch, default_branch=main, before=_known(before)
        )
    raise UsageError(
        f"GitHub event {event or '?'} on {ref}: not a pull request, branch or tag; "
        "pass --base and --head"
    )


def _gitlab(environ: Mapping[str, str]) -> CiTarget:
    sha = _required(environ, "CI_COMMIT_SHA")
    source = environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")
    main = environ.get("CI_DEFAULT_BRANCH") or None
    if source:
        return CiTarget(
            "gitlab",
            "change",
            environ.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or sha,
            branch=source,
            target=_required(environ, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
            default_branch=main,
        )
    if environ.get("CI_COMMIT_TAG"):
        return CiTarget("gitlab", "tag", sha, tag=environ["CI_COMMIT_TAG"], default_branch=main)
    if environ.get("CI_COMMIT_BRANCH"):
        before = _known(environ.get("CI_COMMIT_BEFORE_SHA"))
        return CiTarget(
            "gitlab", "branch", sha, environ["CI_COMMIT_BRANCH"], default_branch=main, before=before
        )
    raise UsageError(
        "GitLab pipeline without CI_COMMIT_BRANCH, CI_COMMIT_TAG or a merge request: "
        "pass --base and --head"
    )


# GitHub's event payloads are a few hundred KB at most (its webhooks cap them at 25 MB).
EVENT_LIMIT = 25 * 2**20


def _known(commit: str | None) -> str | None:
    """A before-commit the CI names; None for none, or for git's all-zero "no commit" id."""
    return commit if commit and set(commit) != {"0"} else None


def _event(environ: Mapping[str, str]) -> Any:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        with Path(path).open("rb") as file:
            data = file.read(EVENT_LIMIT + 1)  # /dev/zero, or a runaway file, ends here
        if len(data) > EVENT_LIMIT:
            raise ValueError(f"larger than {EVENT_LIMIT // 2**20} MB, not an event payload")
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise UsageError(
            f"GITHUB_EVENT_PATH {path!r} cannot be read as JSON: nested too deeply"
        ) from None
    except (OSError, ValueError) as error:
        raise UsageError(f"GITHUB_EVENT_PATH {path!r} cannot be read as JSON: {error}") from None


def _nested(data: Any, *keys: str) -> str | None:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data if isinstance(data, str) and data else None
