"""The hotfix lifecycle: start (cut the branch, record the incident), the trailers hook, finish
(a transaction: merge, tag, backport, push) and status."""
