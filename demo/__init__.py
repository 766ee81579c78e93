"""`python -m demo --data-dir DIR`: a working contest in minutes (see demo/__main__.py)."""
