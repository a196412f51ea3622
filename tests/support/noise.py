"""The noise rules' test builders: a small service, a hotfix of it, the rules' verdicts."""

from __future__ import annotations

from click.testing import CliRunner

from hotfix_guard.catalog import rules_of_hook
from hotfix_guard.cli import cli
from tests.support.repos import Repo, without_pass_summary

NOISE = rules_of_hook("hotfix-no-refactor")


SERVICE = """\
import logging

log = logging.getLogger(__name__)


def get_user(store, user_id):
    record = store.load(user_id)
    if record is None:
        raise KeyError(user_id)
    return record


def login(store, user_id, password):
    user = get_user(store, user_id)
    log.info("login %s", user_id)
    check_password(user, password)
    return user


def logout(store, user_id):
    user = get_user(store, user_id)
    log.info("logout %s", user_id)
    user.session = None
    store.save(user)


def profile(store, user_id):
    user = get_user(store, user_id)
    return {"id": user_id, "name": user.name, "email": user.email}


def check_password(user, password):
    if user.password != password:
        raise PermissionError(user.name)
"""


def check(*rules: str) -> tuple[int, list[str]]:
    options = [option for rule in rules or NOISE for option in ("--rule", rule)]
    result = CliRunner().invoke(cli, ["check", *options])
    return result.exit_code, without_pass_summary(result.output.splitlines())


def findings(*rules: str) -> list[str]:
    """The finding lines only (no summary, no hint); empty when the check passed silently."""
    code, lines = check(*rules)
    found = [line for line in lines if not line.startswith(("hotfix-guard ", "To fix: "))]
    assert (code == 1) == bool(found), lines
    return found


def hotfix(
    repo: Repo, files: dict[str, str | bytes], base: dict[str, str | bytes] | None = None
) -> None:
    """Commit BASE on main, cut hotfix/fix-login and commit FILES on it."""
    repo.commit("base", base if base is not None else {"app/service.py": SERVICE})
    repo.branch("hotfix/fix-login")
    repo.commit("fix", files)


def edit(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


FIX = ("    if user.password != password:", "    if not user.active or user.password != password:")
