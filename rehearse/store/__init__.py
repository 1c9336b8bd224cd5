"""The history: SQLite runs/turns/drill schedule (``db.Store``), recordings on disk, export, email, progress."""

from rehearse.store.db import DamagedDatabase, Store

__all__ = ["Store", "DamagedDatabase"]
