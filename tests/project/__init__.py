"""Promises of the whole tool: its command line, errors, config, formats, docs and layout."""
