"""What rules read, side by side: the change context of a hotfix branch (change.py) and the tag
context of a release tag (tag.py). Each is read-only and computes its expensive answers once."""

from hotfix_guard.context.change import AnalysisCoverage, Context, judging_the_rest

__all__ = ["AnalysisCoverage", "Context", "judging_the_rest"]
