"""The rules' checks, one module per rule family; catalog.py lists them and says how they run.

A check is a function from a read-only context to a list of Findings. It never prints, exits or
writes to the repository; the runner stamps its findings with the rule's name and level.
"""
