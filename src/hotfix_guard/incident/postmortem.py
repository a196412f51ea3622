"""The postmortem draft's file: which hotfix, which template, where it goes.

The draft follows the runbook's template (incident/postmortem_template.py), or the repository's
own (`postmortem-template`). It is written once: an existing file is never overwritten.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hotfix_guard.config.loader import Config
from hotfix_guard.errors import UsageError
from hotfix_guard.git.history import History
from hotfix_guard.git.repository import Repository
from hotfix_guard.incident.due import latest_hotfix_tag, names_tag, read_draft
from hotfix_guard.incident.postmortem_template import TEMPLATE, custom_template, render
from hotfix_guard.incident.timeline import Hotfix, build


def slug(text: str) -> str:
    """Lowercase ASCII words joined by '-' (accents folded, other scripts dropped), at most 60."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    return "-".join(words)[:60].strip("-")


def draft(repo: Repository, config: Config, tag: str | None) -> tuple[Hotfix, str]:
    """The hotfix of TAG (default: the latest hotfix tag) and its draft."""
    if tag is None:
        latest = latest_hotfix_tag(repo, config)
        if latest is None:
            raise UsageError(
                "no hotfix tag found: name the tag (hotfix-guard postmortem v1.2.4); a hotfix "
                f"tag's message starts with {config.tag_message_prefix.strip()!r}"
            )
        tag = latest.name
    with History(repo) as history:
        hotfix = build(repo, history, config, tag)
    return hotfix, render(hotfix, config, _template(repo, config))


def _template(repo: Repository, config: Config) -> str:
    """The repository's own template (`postmortem-template`, read from the work tree), else the
    runbook's."""
    if config.postmortem_template is None:
        return TEMPLATE
    path = repo.root / config.postmortem_template
    content = read_draft(path)  # bounded; a FIFO or a folder is not read
    if content is None:
        raise UsageError(
            f"postmortem-template {config.postmortem_template}: cannot be read: fix the path in "
            "the config or remove the key"
        )
    text = content.decode("utf-8", "replace")
    return custom_template(text, f"postmortem-template {config.postmortem_template}")


def default_path(root: Path, hotfix: Hotfix, config: Config) -> Path:
    """`<postmortem-dir>/<date>-<slug>.md`; when another hotfix took that name, the tag is added.
    Raises UsageError when this tag's draft is there already."""
    directory = root / config.postmortem_dir
    inside = directory.resolve()
    if not inside.is_relative_to(root.resolve()):
        raise UsageError(
            f"postmortem-dir {config.postmortem_dir} leads outside the repository (to {inside}, "
            "through a symlink): the draft is not written there; pass --output PATH"
        )
    date = f"{hotfix.tag.tagged:%Y-%m-%d}"
    stem = slug(hotfix.description) or slug(hotfix.tag.name) or "hotfix"
    tag_slug = slug(hotfix.tag.name) or "tag"
    for name in (f"{date}-{stem}.md", f"{date}-{stem}-{tag_slug}.md"):
        path = directory / name
        if not path.exists() and not path.is_symlink():
            return path
        content = read_draft(path)  # None: a folder, a FIFO, unreadable: the name is taken
        if content is not None and names_tag(content.decode("utf-8", "replace"), hotfix.tag.name):
            raise UsageError(
                f"{path.relative_to(root)} already holds the postmortem of {hotfix.tag.name}: "
                "edit it (an existing file is never overwritten), or pass --output PATH"
            )
    raise UsageError(f"{directory.relative_to(root)}/{date}-{stem}*.md are taken: pass --output")


def write(path: Path, text: str) -> None:
    """Create PATH with TEXT; never replace an existing file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as draft:
            draft.write(text)
    except FileExistsError:
        raise UsageError(
            f"{path} exists: an existing file is never overwritten; pass another --output"
        ) from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
