"""When the checks run: at commit, at push, under pre-commit, in CI, on the server; how fast."""
