"""The app's look: readable type, generous spacing, colours taken from the system palette.

Only palette roles are used (so light and dark desktops both work), except two semantic accents — "hit" (green)
and "missed" (amber) — drawn as translucent fills with a solid edge, which read on light and dark backgrounds.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

HIT = QColor(46, 160, 67)
MISS = QColor(219, 138, 30)
FLAG = QColor(207, 84, 84)


def rgba(color: QColor, alpha: float) -> str:
    return f"rgba({color.red()}, {color.green()}, {color.blue()}, {alpha})"


STYLESHEET = f"""
QWidget#Card, QFrame#Card {{
    background: palette(base);
    border: 1px solid palette(mid);
    border-radius: 10px;
}}
QLabel#Title {{ font-size: 20pt; font-weight: 600; }}
QLabel#Heading {{ font-size: 13pt; font-weight: 600; }}
QLabel#Muted, QLabel#Small {{ color: palette(placeholder-text); }}
QLabel#ManagerLine {{ font-size: 16pt; }}
QLabel#Partial {{ font-size: 13pt; color: palette(placeholder-text); }}
QLabel#Score {{ font-size: 30pt; font-weight: 600; }}
QLabel#Tip {{
    font-size: 12pt; background: palette(alternate-base); border-left: 4px solid palette(highlight);
    padding: 8px 12px;
}}
QLabel#Banner {{
    background: palette(alternate-base);
    border: 1px solid palette(mid);
    border-radius: 8px;
    padding: 8px 12px;
}}
QLabel#Warning {{
    background: {rgba(MISS, 0.16)};
    border: 1px solid {rgba(MISS, 0.85)};
    border-radius: 8px;
    padding: 8px 12px;
}}
QLabel#Error {{
    background: {rgba(FLAG, 0.14)};
    border: 1px solid {rgba(FLAG, 0.85)};
    border-radius: 8px;
    padding: 8px 12px;
}}
QLabel#ChipHit {{
    background: {rgba(HIT, 0.18)};
    border: 1px solid {rgba(HIT, 0.9)};
    border-radius: 13px;
    padding: 4px 12px;
}}
QLabel#ChipMiss {{
    background: {rgba(MISS, 0.16)};
    border: 1px dashed {rgba(MISS, 0.95)};
    border-radius: 13px;
    padding: 4px 12px;
}}
QPushButton {{
    padding: 7px 16px; border-radius: 6px; border: 1px solid palette(mid); background: palette(button);
}}
QPushButton:hover {{ border-color: palette(highlight); }}
QPushButton:focus {{ border: 2px solid palette(highlight); }}
QPushButton:disabled {{ color: palette(placeholder-text); }}
QPushButton#Primary {{
    background: palette(highlight); color: palette(highlighted-text); border: none; font-weight: 600;
    padding: 8px 22px;
}}
QPushButton#Primary:disabled {{ background: palette(mid); color: palette(window); }}
QPushButton#Primary:focus {{ border: 2px solid palette(text); }}
QPushButton#Talk {{
    font-size: 15pt; font-weight: 600;
    padding: 14px 28px;
    border-radius: 28px;
    background: palette(highlight);
    color: palette(highlighted-text);
    border: none;
}}
QPushButton#Talk:checked {{ background: {rgba(FLAG, 0.9)}; color: white; }}
QPushButton#Talk:disabled {{ background: palette(mid); color: palette(window); }}
QPushButton#Talk:focus {{ border: 3px solid palette(text); }}
QProgressBar {{ border: 1px solid palette(mid); border-radius: 4px; background: palette(base); text-align: center; }}
QProgressBar::chunk {{ background: palette(highlight); border-radius: 3px; }}
QProgressBar#Level::chunk {{ background: {rgba(HIT, 0.85)}; }}
QListWidget {{ border: 1px solid palette(mid); border-radius: 8px; padding: 4px; }}
QListWidget {{ background: palette(base); }}
QListWidget::item {{ padding: 2px; border-bottom: 1px solid palette(midlight); }}
QListWidget::item:selected {{
    background: palette(alternate-base); color: palette(text); border-left: 4px solid palette(highlight);
}}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{
    padding: 8px 22px; font-size: 11pt; background: transparent; border: none;
    border-bottom: 3px solid transparent; color: palette(placeholder-text);
}}
QTabBar::tab:selected {{ border-bottom: 3px solid palette(highlight); color: palette(text); font-weight: 600; }}
QTabBar::tab:focus {{ text-decoration: underline; }}
"""


def apply_style(app: QApplication) -> None:
    """Once per application: font size, the style sheet, and following the desktop's light/dark switch."""
    if app.property("rehearse-styled"):
        return
    app.setProperty("rehearse-styled", True)
    font = app.font()
    if font.pointSizeF() < 10.5:
        font.setPointSizeF(10.5)
        app.setFont(font)
    app.setStyleSheet(STYLESHEET)
    # palette(...) in a style sheet is resolved when it is applied: re-apply it when the desktop turns light/dark
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: refresh_style(app))


def refresh_style(app: QApplication) -> None:
    app.setStyleSheet("")
    app.setStyleSheet(STYLESHEET)


def set_palette(app: QApplication, palette: QPalette) -> None:
    app.setPalette(palette)
    refresh_style(app)


def dark_palette() -> QPalette:
    """A dark palette, used by the screenshot tour to show the app on a dark desktop."""
    pal = QPalette()
    window, base, text = QColor(32, 34, 37), QColor(41, 44, 48), QColor(226, 228, 231)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Window, window)
        pal.setColor(group, QPalette.ColorRole.WindowText, text)
        pal.setColor(group, QPalette.ColorRole.Base, base)
        pal.setColor(group, QPalette.ColorRole.AlternateBase, QColor(48, 52, 57))
        pal.setColor(group, QPalette.ColorRole.Text, text)
        pal.setColor(group, QPalette.ColorRole.Button, QColor(52, 56, 61))
        pal.setColor(group, QPalette.ColorRole.ButtonText, text)
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor(74, 126, 191))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
        pal.setColor(group, QPalette.ColorRole.Mid, QColor(78, 83, 90))
        pal.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(160, 165, 172))
        pal.setColor(group, QPalette.ColorRole.ToolTipBase, base)
        pal.setColor(group, QPalette.ColorRole.ToolTipText, text)
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(120, 124, 130))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(120, 124, 130))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(120, 124, 130))
    return pal
