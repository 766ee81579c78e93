"""Errors the scoring services raise; every message is Chinese text shown to the user as is."""


class ScoringError(Exception):
    """Base class: `str(e)` is a Chinese message fit for the UI."""


class PermissionDenied(ScoringError):
    """The actor may not do this (wrong role, not assigned, same school, locked review)."""


class ValidationError(ScoringError):
    """The input is wrong (score out of range, unknown criterion, unknown work)."""


class NotFound(ValidationError):
    """A work, reviewer or review that does not exist."""
