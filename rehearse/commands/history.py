"""Subcommands: (to be filled in)."""

from __future__ import annotations


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
