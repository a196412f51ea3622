"""The incident a hotfix answers: its record in git trailers (record.py)."""
