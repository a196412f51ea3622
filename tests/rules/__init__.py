"""The rules, one capability each: what they find on a change or a tag, and what they let pass."""
