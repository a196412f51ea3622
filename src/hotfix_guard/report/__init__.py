"""Findings, the reports they make, and their output formats."""
