"""The click commands, one module per capability; cli.py gathers them into the group."""
