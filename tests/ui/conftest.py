"""The app's window for the UI tests: made, shown and closed for each test."""

from __future__ import annotations

import pytest

from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow


@pytest.fixture
def open_window(qtbot):
    """``open_window(ctx=None, load_engine=False, **window_kwargs)``: a shown MainWindow. ``ctx`` is an AppContext,
    or a dict of AppContext arguments (the voice is off unless given). Closed after the test, an open scenario
    editor's unsaved changes discarded."""
    made = []

    def make(ctx=None, load_engine: bool = False, **kwargs):
        make_app()
        if not isinstance(ctx, AppContext):
            ctx = AppContext(**{"voice": False, **(ctx or {})})
        window = MainWindow(ctx, load_engine=load_engine, **kwargs)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        editor = getattr(getattr(window, "prepare", None), "editor", None)
        if editor is not None:
            editor.ask_unsaved = lambda: "discard"
            editor.close()
        window.close()
