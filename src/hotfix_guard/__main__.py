"""Entry point of the `hotfix-guard` console script and `python -m hotfix_guard`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from hotfix_guard.engine.fastpath import run
    from hotfix_guard.errors import error_boundary

    # `hook` and plain `check` are answered without click (fastpath); the rest goes to click.
    with error_boundary(args[0] if args else ""):
        status = run(args, os.environ, sys.stdin.read)
    if status is not None:
        return status
    if args[:1] == ["trailers"]:  # the message hooks, on a hotfix branch: no click either
        from hotfix_guard.lifecycle.trailers import message_hook

        with error_boundary("trailers"):
            status = message_hook(args)
        if status is not None:
            return status
    from hotfix_guard.cli import cli

    return int(cli.main(args=args, prog_name="hotfix-guard", standalone_mode=True) or 0)


if __name__ == "__main__":
    sys.exit(main())
