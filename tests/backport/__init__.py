"""Backports: the hotfixes merged into main and where each one went."""
