"""Exceptions inspectors raise; the engine turns them into findings, never tracebacks."""


class Unreadable(Exception):
    """The file cannot be parsed. `message` is Chinese text a teacher can act on."""

    def __init__(self, message: str, *, rule: str = "file.readable", detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.detail = detail


class RulesError(Exception):
    """A rules or rubric data file is invalid; the message names the file and the line."""
