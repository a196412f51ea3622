"""The one exception for problems the user must fix; the CLI maps it to exit status 2."""

from __future__ import annotations


class UsageError(Exception):
    """A usage, configuration or repository problem, with a message that says how to fix it."""
