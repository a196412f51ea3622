"""Overrides: trailers.py reads them and applies them to a report, log.py keeps the server's
record of them, history.py answers `hotfix-guard overrides`."""
