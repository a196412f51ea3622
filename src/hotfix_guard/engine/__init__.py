"""The check engine: what runs at each git stage, on what change, with which rules."""
