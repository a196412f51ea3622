"""CI mode: what a pipeline checks (environment.py) and how (run.py)."""
