"""Configuration: loader.py reads and validates it into a Config; defaults.py and values.py hold
the defaults and the validators, globs.py and bounded.py the user's patterns."""
