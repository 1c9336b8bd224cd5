"""The history: SQLite runs/turns/drill schedule (``db.Store``) and the recordings on disk. Storage only: what is
shown or exported from it lives in :mod:`rehearse.report`."""

from rehearse.store.db import DamagedDatabase, Store

__all__ = ["Store", "DamagedDatabase"]
