"""The hotfix lifecycle: start, finish (and its --continue and --abort), status."""
