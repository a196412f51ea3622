"""The `tests` rule's engine: run.py runs test-commands on exactly the pushed commit, shell.py
runs one command, gate.py is the rule."""
