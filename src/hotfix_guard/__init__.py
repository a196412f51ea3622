"""hotfix-guard: keep hotfix branches small, clean, tested, tagged and backported."""

__version__ = "0.1.0"
