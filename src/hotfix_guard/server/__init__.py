"""The server side: `hotfix-guard pre-receive` (prereceive.py) and its override log (log.py)."""
