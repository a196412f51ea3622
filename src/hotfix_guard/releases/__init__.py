"""Release versions and release tags (which tags are releases, which are hotfixes)."""
