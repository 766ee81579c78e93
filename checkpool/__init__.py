"""Checks run off the web server's threads, in a bounded pool of processes (no streamlit here).

    from checkpool import get_pool, QueueFull
    ticket = get_pool().submit(paths, project=None, subtype=None)   # raises QueueFull
    ticket.ahead()          # works waiting or running before this one (0 once it runs)
    report = ticket.result()  # checks.findings.Report, or the engine's exception re-raised
"""
from checkpool.pool import CheckPool, QueueFull, Ticket, get_pool, pool_size

__all__ = ["CheckPool", "QueueFull", "Ticket", "get_pool", "pool_size"]
