"""What rules read about a change: the change context of a hotfix branch (change.py), with the
rollback it recognises (rollback.py); a release tag's context is releases/tags.py. Each is
read-only and computes its expensive answers once."""

from hotfix_guard.engine.context.change import AnalysisCoverage, Context, judging_the_rest

__all__ = ["AnalysisCoverage", "Context", "judging_the_rest"]
