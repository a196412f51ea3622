"""The incident: its record, timeline, postmortem drafts, status messages and metrics."""
