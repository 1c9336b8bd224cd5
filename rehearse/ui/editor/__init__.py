"""The scenario editor (forms instead of TOML); see :mod:`rehearse.ui.editor.window`."""

from rehearse.ui.editor.window import ScenarioEditor, open_editor

__all__ = ["ScenarioEditor", "open_editor"]
