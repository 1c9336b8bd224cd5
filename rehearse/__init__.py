"""Rehearse: practise asking for a promotion, out loud and offline."""

__version__ = "0.1.0"
