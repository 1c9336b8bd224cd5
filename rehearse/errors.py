"""Errors that mean the user gave us something we cannot use.

The command line prints them (exit code 2, no traceback); the app shows them as a message.
"""

from __future__ import annotations


class UserError(Exception):
    """A mistake in the user's input or environment, explained in plain words.

    ``str(err)`` is the whole message, already in ``FILE:LINE: what is wrong`` form where a file is involved.
    """

    exit_code = 2
