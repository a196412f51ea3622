"""Backports: which hotfixes reached main (merges.py), where each went afterwards (reach.py), and
what users read about it: the reminder after a merge and `backport-status` (status.py)."""
