"""Two answers to the same objection or pitch part side by side: score, components, the phrases said and missed,
and delivery — each in the live view's own feedback panel. Best and latest by default; any two by choice."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QBoxLayout, QComboBox, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from rehearse.report import marks
from rehearse.ui.feedback_panel import FeedbackPanel, label
from rehearse.ui.widgets import compact


def _score(turn: dict):
    return marks.score_of(turn)


def attempt_label(turn: dict, tags: str = "") -> str:
    score = _score(turn)
    when = (turn.get("started_at") or "")[:16].replace("T", " ")
    text = f"Run {turn.get('run_id')} · {when} · score {'–' if score is None else round(score)}"
    return text + (f"  ({tags})" if tags else "")


def default_pair(attempts: list[dict]) -> tuple[int, int]:
    """Indexes of the best and the latest attempt (oldest first); when they are the same answer, the best and the
    one before it — there is always something to compare when there are two."""
    latest = len(attempts) - 1
    scored = [(i, _score(a)) for i, a in enumerate(attempts) if _score(a) is not None]
    best = max(scored, key=lambda p: (p[1], p[0]))[0] if scored else latest
    if best == latest and latest > 0:
        return latest - 1, latest
    return best, latest


class Side(QWidget):
    def __init__(self, title: str):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(label(title, "Heading"))
        self.choice = QComboBox()
        self.choice.setAccessibleName(f"{title}: which attempt")
        compact(self.choice, 16)
        box.addWidget(self.choice)
        self.panel = FeedbackPanel()
        box.addWidget(self.panel)
        box.addStretch(1)

    def show_turn(self, turn: dict | None) -> None:
        if turn is None:
            self.panel.clear()
            return
        self.panel.show_feedback(marks.shown_feedback(turn), marks.turn_text(turn).strip())


class CompareView(QWidget):
    back = Signal()
    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.groups: dict[str, list[dict]] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 16, 28, 16)
        top = QHBoxLayout()
        back = QPushButton("← &History")
        back.clicked.connect(self.back)
        top.addWidget(back)
        top.addWidget(label("Compare two attempts", "Title"), 1)
        self.what = QComboBox()
        self.what.setAccessibleName("Objection or pitch part")
        compact(self.what, 24)
        self.what.currentIndexChanged.connect(self._what_changed)
        top.addWidget(self.what)
        outer.addLayout(top)
        self.note = label("", "Muted")
        outer.addWidget(self.note)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        self.sides = QBoxLayout(QBoxLayout.Direction.LeftToRight, body)
        self.sides.setSpacing(18)
        self.left, self.right = Side("Best so far"), Side("Latest")
        self.sides.addWidget(self.left, 1)
        self.sides.addWidget(self.right, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.scroll = scroll
        scroll.viewport().installEventFilter(self)  # side by side when they fit, one above the other when not
        self.left.choice.currentIndexChanged.connect(lambda: self._side_changed(self.left))
        self.right.choice.currentIndexChanged.connect(lambda: self._side_changed(self.right))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._arrange_sides()
        return super().eventFilter(watched, event)

    def _arrange_sides(self) -> None:
        margins = self.sides.contentsMargins()
        needed = (self.left.minimumSizeHint().width() + self.right.minimumSizeHint().width() + self.sides.spacing()
                  + margins.left() + margins.right())
        direction = (QBoxLayout.Direction.LeftToRight if self.scroll.viewport().width() >= needed
                     else QBoxLayout.Direction.TopToBottom)
        if self.sides.direction() != direction:
            self.sides.setDirection(direction)

    def load(self, scenario_path: str, expects: str | None = None) -> None:
        ctx = self.ctx
        ctx.host.call(lambda: ctx.store().user_turns(scenario_path or None),
                      lambda turns: self._loaded(turns, expects), lambda err: self.note.setText(str(err)))

    def _loaded(self, turns: list[dict], expects: str | None) -> None:
        self.groups = {}
        for turn in turns:
            if turn.get("expects") and not str(turn["expects"]).startswith("read"):
                self.groups.setdefault(turn["expects"], []).append(turn)
        self.what.blockSignals(True)
        self.what.clear()
        for key, attempts in sorted(self.groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            n = len(attempts)
            self.what.addItem(f"{marks.expects_label(key).capitalize()} ({n} attempt{'' if n == 1 else 's'})", key)
        self.what.blockSignals(False)
        if expects and self.what.findData(expects) >= 0:
            self.what.setCurrentIndex(self.what.findData(expects))
        self._what_changed()
        self.loaded.emit()

    def _what_changed(self) -> None:
        attempts = self.groups.get(self.what.currentData(), [])
        if len(attempts) < 2:
            self.note.setText("Answer this at least twice to compare attempts." if attempts else
                              "Nothing to compare yet: rehearse or drill first.")
        else:
            self.note.setText("The best answer so far and the latest, side by side. Choose any two above each side.")
        best, latest = default_pair(attempts) if attempts else (0, 0)
        best_score = max((_score(a) for a in attempts if _score(a) is not None), default=None)
        for side, index in ((self.left, best), (self.right, latest)):
            side.choice.blockSignals(True)
            side.choice.clear()
            for i, turn in enumerate(attempts):
                tags = ", ".join(t for t, on in (("best", _score(turn) is not None and _score(turn) == best_score),
                                                 ("latest", i == len(attempts) - 1)) if on)
                side.choice.addItem(attempt_label(turn, tags), i)
            side.choice.setCurrentIndex(index if attempts else -1)
            side.choice.blockSignals(False)
            side.show_turn(attempts[index] if attempts else None)
        self._arrange_sides()

    def _side_changed(self, side: Side) -> None:
        attempts = self.groups.get(self.what.currentData(), [])
        index = side.choice.currentData()
        side.show_turn(attempts[index] if attempts and index is not None else None)
        self._arrange_sides()

    def shown(self) -> tuple[dict | None, dict | None]:
        """The two attempts on show (left, right)."""
        attempts = self.groups.get(self.what.currentData(), [])
        pick = [s.choice.currentData() for s in (self.left, self.right)]
        return tuple(attempts[i] if attempts and i is not None else None for i in pick)
