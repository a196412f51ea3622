"""The tests gate: test-commands run on exactly the pushed tree."""
