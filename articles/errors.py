"""Errors that reach the user.

Every message is one line, written for the person who supplied the input: it says what
was wrong with it, never how the code failed. The CLI prints it after the file name; the
web form shows it beside the field.
"""


class IngestError(Exception):
    """The input cannot become an article; nothing was saved."""


class EntityError(ValueError):
    """An entity or mention cannot be made or changed as asked; nothing was changed."""
