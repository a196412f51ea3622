"""The incident a hotfix answers: its record in git trailers, and what is made from it."""
