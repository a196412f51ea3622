"""Setting a repository up: the native git hooks, and the demo."""
