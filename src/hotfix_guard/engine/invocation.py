"""How git and pre-commit call us: a hook's argv, environment and stdin, read in this module only.

pre-commit's `commands/hook_impl.py` is the model. git calls a hook with its own arguments (and, at
pre-push, one line per pushed ref on stdin); pre-commit calls a hook with `PRE_COMMIT_*` variables
instead and an empty stdin, and names no stage, so `auto` tells it from the variables present:

| stage              | git's hook arguments (`--stage`)  | pre-commit's variables (`auto`)        |
| ------------------ | --------------------------------- | -------------------------------------- |
| pre-commit         | none                              | none of the below                      |
| pre-push           | remote name, URL; refs on stdin   | LOCAL_BRANCH, REMOTE_BRANCH, FROM_REF, |
|                    |                                   | TO_REF, REMOTE_NAME, REMOTE_URL        |
| manual             | (pre-commit only)                 | FROM_REF and TO_REF, no LOCAL_BRANCH   |
| commit-msg         | message file                      | message file as the filename argument  |
| prepare-commit-msg | message file, source, object name | COMMIT_MSG_SOURCE, COMMIT_OBJECT_NAME  |
| post-merge         | squash flag (0/1)                 | IS_SQUASH_MERGE                        |
| post-commit        | none                              | (indistinguishable from pre-commit)    |

pre-commit sets no variable at commit-msg, at post-commit, nor at prepare-commit-msg of a plain
`git commit` (no message source): the commands that run there pass `--stage`.

Kept to the standard library's `os` and `typing` (which the catalog loads anyway): the fast path of
every commit builds this object before anything else is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, Sequence
from typing import Literal, NamedTuple, get_args

from hotfix_guard.errors import UsageError

Stage = Literal[
    "pre-commit",
    "pre-push",
    "manual",
    "commit-msg",
    "prepare-commit-msg",
    "post-merge",
    "post-commit",
]
STAGES: tuple[Stage, ...] = get_args(Stage)
ZERO_SHA = "0" * 40
ZERO_SHA_256 = "0" * 64
# The id git writes for "no object" (a deletion, a new branch), in SHA-1 and SHA-256 repositories.
ZERO_IDS = frozenset((ZERO_SHA, ZERO_SHA_256))
HEX_DIGITS = frozenset("0123456789abcdef")
# Every variable pre-commit sets for a hook (the commands of the tests rule are not a hook).
PRE_COMMIT_VARIABLES = (
    "PRE_COMMIT",
    "PRE_COMMIT_FROM_REF",
    "PRE_COMMIT_TO_REF",
    "PRE_COMMIT_LOCAL_BRANCH",
    "PRE_COMMIT_REMOTE_BRANCH",
    "PRE_COMMIT_REMOTE_NAME",
    "PRE_COMMIT_REMOTE_URL",
    "PRE_COMMIT_IS_SQUASH_MERGE",
    "PRE_COMMIT_COMMIT_MSG_SOURCE",
    "PRE_COMMIT_COMMIT_OBJECT_NAME",
    "PRE_COMMIT_CHECKOUT_TYPE",
    "PRE_COMMIT_ORIGIN",
    "PRE_COMMIT_SOURCE",
)


class PushedRef(NamedTuple):
    """One line of what git pushes: `<local ref> <local sha> <remote ref> <remote sha>`.

    Both sides are kept: the local ref is what the pusher calls it, the remote ref is the branch
    or tag being updated (`git push origin feature/x:refs/heads/hotfix/x`).
    """

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def is_deletion(self) -> bool:
        return self.local_sha in ZERO_IDS

    @property
    def is_new(self) -> bool:
        """The remote does not have the ref yet."""
        return self.remote_sha in ZERO_IDS

    @property
    def branch(self) -> str | None:
        """The branch the remote gets: `git push origin feature/x:hotfix/x` updates hotfix/x,
        whatever the local branch is called."""
        ref = self.remote_ref if self.remote_ref.startswith("refs/heads/") else self.local_ref
        return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None

    @property
    def tag(self) -> str | None:
        """The tag name the remote gets, for a pushed tag."""
        ref = self.remote_ref if self.remote_ref.startswith("refs/tags/") else self.local_ref
        return ref.removeprefix("refs/tags/") if ref.startswith("refs/tags/") else None


class Invocation(NamedTuple):
    """What the caller told us: the stage and everything git or pre-commit passes with it."""

    stage: Stage
    # True when --stage named it (a git hook script); False when told by pre-commit's variables.
    stage_given: bool = False
    # True under pre-commit (PRE_COMMIT=1 or any PRE_COMMIT_* variable), False from a git hook.
    pre_commit: bool = False
    # Inside `git commit`, whose hooks get GIT_INDEX_FILE (the index being committed).
    in_git_commit: bool = False
    hook_args: tuple[str, ...] = ()
    # pre-push from git: every ref line of stdin, validated (deletions included).
    pushed: tuple[PushedRef, ...] = ()
    # pre-push and manual under pre-commit: the one range pre-commit tells about.
    from_ref: str | None = None
    to_ref: str | None = None
    local_branch: str | None = None
    remote_branch: str | None = None
    remote_name: str | None = None
    remote_url: str | None = None
    # post-merge: `git merge --squash`, and the branch merged (git's GIT_REFLOG_ACTION).
    squash: bool = False
    merged_branch: str | None = None
    # commit-msg and prepare-commit-msg.
    message_file: str | None = None
    message_source: str | None = None
    commit_object: str | None = None

    @property
    def is_push(self) -> bool:
        """Refs are being pushed, or (manual) a range was named: check the tips, not the index."""
        return self.stage == "pre-push" or (self.stage == "manual" and self.to_ref is not None)

    def message(self) -> str | None:
        """The commit message being written (commit-msg, prepare-commit-msg), None without one."""
        if self.message_file is None:
            return None
        try:
            with open(self.message_file, encoding="utf-8", errors="replace") as file:
                return file.read()
        except OSError as error:
            raise UsageError(
                f"cannot read the commit message file {self.message_file!r}: {error.strerror}"
            ) from None

    def pushed_refs(
        self, resolve: Callable[[str, bool], str | None], head_ref: Callable[[], str | None]
    ) -> list[PushedRef]:
        """The pushed refs: git's lines, or the one ref pre-commit names (resolved by RESOLVE,
        `(revision, is_tag) -> object id`; HEAD_REF names the checked-out branch)."""
        if self.pushed or not (self.local_branch or self.to_ref):
            return list(self.pushed)
        local_ref = self.local_branch or head_ref() or "HEAD"
        to_ref = self.to_ref or local_ref
        # A tag is checked as the object pushed (an annotated tag's own id), not the commit.
        local_sha = resolve(to_ref, local_ref.startswith("refs/tags/"))
        if local_sha is None:
            raise UsageError(f"cannot resolve the pushed commit {to_ref!r}")
        return [
            PushedRef(
                local_ref=local_ref,
                local_sha=local_sha,
                remote_ref=self.remote_branch or local_ref,
                remote_sha=self.from_ref or ZERO_SHA,
            )
        ]


def from_hook(
    stage: str,
    hook_args: Sequence[str],
    environ: Mapping[str, str],
    read_stdin: Callable[[], str],
) -> Invocation:
    """The invocation of `hotfix-guard hook --stage STAGE HOOK_ARGS` (STAGE "auto": pre-commit's).

    stdin is read only at pre-push from git (READ_STDIN is called at most once)."""
    args = tuple(hook_args)
    pre_commit = any(name in environ for name in PRE_COMMIT_VARIABLES)
    told = _stage(stage) if stage != "auto" else _stage_of_environment(environ)
    env = environ.get
    base = Invocation(
        told,
        stage_given=stage != "auto",
        pre_commit=pre_commit,
        in_git_commit="GIT_INDEX_FILE" in environ,
        hook_args=args,
        from_ref=env("PRE_COMMIT_FROM_REF") or None,
        to_ref=env("PRE_COMMIT_TO_REF") or None,
        local_branch=env("PRE_COMMIT_LOCAL_BRANCH") or None,
        remote_branch=env("PRE_COMMIT_REMOTE_BRANCH") or None,
        remote_name=env("PRE_COMMIT_REMOTE_NAME") or None,
        remote_url=env("PRE_COMMIT_REMOTE_URL") or None,
    )
    from_git = stage != "auto"
    if told == "pre-push" and from_git:
        # git's pre-push hook: `<remote name> <url>` as arguments, the refs on stdin.
        return base._replace(
            pushed=parse_push_lines(read_stdin()),
            remote_name=_nth(args, 0) or base.remote_name,
            remote_url=_nth(args, 1) or base.remote_url,
        )
    if told == "post-merge":
        flag = _nth(args, 0) or env("PRE_COMMIT_IS_SQUASH_MERGE")
        merged = env("GIT_REFLOG_ACTION", "")
        return base._replace(
            squash=flag == "1",
            merged_branch=merged.removeprefix("merge ") if merged.startswith("merge ") else None,
        )
    if told in ("commit-msg", "prepare-commit-msg"):
        return base._replace(
            message_file=_nth(args, 0),
            message_source=env("PRE_COMMIT_COMMIT_MSG_SOURCE") or _nth(args, 1),
            commit_object=env("PRE_COMMIT_COMMIT_OBJECT_NAME") or _nth(args, 2),
        )
    return base


def _nth(args: tuple[str, ...], index: int) -> str | None:
    return args[index] if len(args) > index and args[index] else None


def _stage(name: str) -> Stage:
    for stage in STAGES:
        if stage == name:
            return stage
    raise UsageError(f"unknown stage {name!r}: expected one of {', '.join(STAGES)}")


def _stage_of_environment(environ: Mapping[str, str]) -> Stage:
    """The stage pre-commit runs us at, from the variables it set (see the module's table)."""
    if "PRE_COMMIT_LOCAL_BRANCH" in environ or "PRE_COMMIT_REMOTE_BRANCH" in environ:
        return "pre-push"
    if "PRE_COMMIT_TO_REF" in environ:
        return "manual"
    if "PRE_COMMIT_IS_SQUASH_MERGE" in environ:
        return "post-merge"
    if "PRE_COMMIT_COMMIT_MSG_SOURCE" in environ or "PRE_COMMIT_COMMIT_OBJECT_NAME" in environ:
        return "prepare-commit-msg"
    return "pre-commit"


def parse_push_lines(text: str) -> tuple[PushedRef, ...]:
    """The ref lines git gives a pre-push hook on stdin, validated.

    The local side may contain spaces (`git push origin ":/fix login:hotfix/x"`), so each line is
    split from the right; the object ids are 40 (SHA-1) or 64 (SHA-256) lowercase hex digits. A
    malformed line is a UsageError naming it.
    """
    pushed = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.rsplit(" ", 3)
        if (
            len(fields) != 4
            or not fields[0]
            or not fields[2]
            or not all(_is_object_id(sha) for sha in (fields[1], fields[3]))
        ):
            raise UsageError(
                f"pre-push input line {number} is not `<local ref> <local sha> <remote ref> "
                f"<remote sha>`: {line!r}"
            )
        pushed.append(PushedRef(*fields))
    return tuple(pushed)


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and HEX_DIGITS.issuperset(text)


# --- the command line of `hook` and `check`, read without click ------------------------------


class PlainCommand(NamedTuple):
    """`hotfix-guard hook` or `check` with only the options the click-free path reads."""

    name: Literal["hook", "check"]
    rules: tuple[str, ...] = ()
    stage: str = "auto"  # hook: one of HOOK_STAGES
    staged: bool | None = None  # check: --staged / --no-staged
    hook_args: tuple[str, ...] = ()
    head: str | None = None  # check: --head, --base, --format
    base: str | None = None
    output_format: str = "text"


class OptionSpec(NamedTuple):
    """One option of `check` or `hook`, declared once: commands/common.py builds the click option
    from it and plain_command reads it without click, so the two parsers cannot drift apart."""

    flags: tuple[str, ...]  # ("--rule",), or a switch's on and off ("--staged", "--no-staged")
    name: str  # the parameter it fills
    help: str
    choices: tuple[str, ...] | None = None  # None: any value (git judges --head and --base)
    default: str | None = None
    multiple: bool = False
    rule_names: bool = False  # the choices are the catalog's rule names

    @property
    def is_switch(self) -> bool:
        return len(self.flags) == 2


HOOK_STAGES = ("auto", "pre-commit", "commit-msg", "pre-push")
RULE_OPTION = OptionSpec(
    ("--rule",),
    "rules",
    "Run only this rule (repeatable). Default: every rule that is not off.",
    multiple=True,
    rule_names=True,
)
FORMAT_OPTION = OptionSpec(
    ("--format",), "output_format", "Output format.", ("text", "json"), default="text"
)
CHECK_OPTIONS = (
    OptionSpec(("--base",), "base", "Compare against this commit or branch instead of main."),
    OptionSpec(
        ("--head",), "head", "Check this branch or commit instead of the checked-out branch."
    ),
    OptionSpec(
        ("--staged", "--no-staged"),
        "staged",
        "Include the staged index. Default: on for the checked-out branch, off with --head.",
    ),
    RULE_OPTION,
    FORMAT_OPTION,
)
HOOK_OPTIONS = (
    OptionSpec(
        ("--stage",),
        "stage",
        "The git hook calling. auto: tell from pre-commit's environment.",
        HOOK_STAGES,
        default="auto",
    ),
    RULE_OPTION,
)


def plain_command(args: Sequence[str], rule_names: Container[str]) -> PlainCommand | None:
    """ARGS as a PlainCommand, or None when click must parse them: any other command or option,
    --help, and every mistake (an unknown rule, stage or format, a missing value), which click
    reports."""
    if not args or args[0] not in ("hook", "check"):
        return None
    name: Literal["hook", "check"] = "hook" if args[0] == "hook" else "check"
    declared = HOOK_OPTIONS if name == "hook" else CHECK_OPTIONS
    specs = {flag: spec for spec in declared for flag in spec.flags}
    found: dict[str, str] = {spec.name: spec.default for spec in declared if spec.default}
    rules: list[str] = []
    staged, positional = None, []
    rest = list(args[1:])
    while rest:
        option = rest.pop(0)
        key, equals, value = option.partition("=")
        spec = specs.get(key)
        if spec is None or (spec.is_switch and equals):
            if name == "hook" and not option.startswith("-"):
                positional.append(option)
                continue
            return None
        if spec.is_switch:
            staged = key == spec.flags[0]
            continue
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        allowed = rule_names if spec.rule_names else spec.choices
        if not value or (allowed is not None and value not in allowed):
            return None
        if spec.multiple:
            rules.append(value)
        else:
            found[spec.name] = value  # --head and --base take any value; git judges it
    return PlainCommand(
        name,
        tuple(rules),
        found.get("stage", "auto"),
        staged,
        tuple(positional),
        found.get("head"),
        found.get("base"),
        found.get("output_format", "text"),
    )
