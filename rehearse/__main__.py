"""``python -m rehearse``: the same as the ``rehearse`` command."""

from rehearse.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
