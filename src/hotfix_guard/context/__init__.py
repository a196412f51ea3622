"""What rules read, side by side: the change context of a hotfix branch (change.py) and the tag
context of a release tag (tag.py). Each is read-only and computes its expensive answers once."""

from hotfix_guard.context.change import AnalysisCoverage, Context

__all__ = ["AnalysisCoverage", "Context"]
