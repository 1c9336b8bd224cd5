"""The progress charts drawn in a real (offscreen) window: a scenario with seven objections keeps every objection's
name readable on the mastery chart, at the window's default size and when narrow."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from rehearse.ui.app import make_app
from rehearse.ui.charts_view import ChartsView

SEVEN = ("not_yet", "what_about_gap", "timing", "budget", "vague_encouragement", "process", "why_now")


def series(objections=SEVEN) -> dict:
    runs = [1, 2, 3]
    return {"runs": runs, "dates": ["2026-11-30T10:00:00+00:00"] * 3, "pace_band": [120.0, 160.0],
            "score": [40.0, 55.0, 70.0], "coverage": [30.0, 50.0, 60.0], "fillers_per_min": [2.0, 1.0, 0.5],
            "pace": [170.0, 150.0, 140.0], "objection_latency": [1.0, 0.8, 0.6],
            "mastery": [{"objection": oid, "label": "", "attempts": i + 1, "in_conversations": 0,
                         "latest": 20 + 10 * i, "best": 25 + 10 * i} for i, oid in enumerate(objections)]}


def drawn_labels(view: ChartsView) -> list[tuple[QRectF, str]]:
    """The text pyqtgraph draws on the mastery chart's name axis, with where it draws it."""
    axis = view.plots["mastery"].getAxis("left")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in texts]


@pytest.mark.parametrize("width", [1100, 640])
def test_seven_objection_names_are_all_drawn_apart(qtbot, width):
    make_app()
    view = ChartsView(None)  # no context: the series is given, not loaded
    qtbot.addWidget(view)
    view.resize(width, 820)
    view.show()
    view.show_series(series())
    qtbot.waitUntil(lambda: view.plots["mastery"].isVisible())
    qtbot.wait(50)
    labels = drawn_labels(view)
    # every name is drawn, in plain words (no ids), and no two overlap
    assert [text for _rect, text in labels] == view.mastery_labels
    assert view.mastery_labels[:2] == ["Not yet", "What about your gap"]
    assert not any("_" in text for text in view.mastery_labels)
    rects = [rect for rect, _text in labels]
    assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    # each name fits beside its bar (not cut by the chart's edge)
    axis = view.plots["mastery"].getAxis("left")
    assert all(rect.width() <= axis.width() for rect in rects)
    # the full names and scores are in the tooltip
    tip = view.plots["mastery"].toolTip()
    assert "Vague encouragement: latest 60, best 65, 5 attempts" in tip


def test_a_long_custom_objection_name_is_elided_with_its_full_name_in_the_tooltip(qtbot):
    make_app()
    view = ChartsView(None)  # no context: the series is given, not loaded
    qtbot.addWidget(view)
    view.resize(800, 700)
    view.show()
    long_id = "what_if_the_reorganisation_next_spring_moves_the_whole_team_elsewhere"
    view.show_series(series(("timing", long_id)))
    short = view.mastery_labels[1]
    assert short.endswith("…") and len(short) < 50
    assert "What if the reorganisation next spring moves the whole team elsewhere: latest 30" in \
        view.plots["mastery"].toolTip()


def test_a_narrow_window_puts_the_charts_in_one_column(qtbot):
    make_app()
    view = ChartsView(None)
    qtbot.addWidget(view)
    view.resize(1100, 820)
    view.show()
    view.show_series(series())
    assert view.columns == 2
    view.resize(640, 820)
    qtbot.waitUntil(lambda: view.columns == 1)
    mastery = view.plots["mastery"]
    qtbot.waitUntil(lambda: mastery.width() > 500)  # the whole width: no chart cut off at the window's edge
    view.resize(1100, 820)
    qtbot.waitUntil(lambda: view.columns == 2)


def test_the_longest_short_name_keeps_its_end(qtbot):
    """Three objections, "What about your gap" the longest: drawn whole (it was cut to "What about your g…" when the
    axis was exactly as wide as the name's rounded width)."""
    make_app()
    view = ChartsView(None)
    qtbot.addWidget(view)
    view.resize(1100, 820)
    view.show()
    view.show_series(series(("timing", "not_yet", "what_about_gap")))
    assert view.mastery_labels == ["Timing", "Not yet", "What about your gap"]
