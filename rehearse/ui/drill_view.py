"""The Drill view: the queue of objections (due first, weakest first) with each one's mastery, and the same
talk-and-feedback loop, with "Again" and "Next"."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from rehearse.core.answer_for import AnswerFor, objection_name
from rehearse.ui.feedback_panel import label
from rehearse.ui.run_view import RunView


def mastery_text(item, attempts: int | None = None, in_conversations: int = 0, latest: float | None = None) -> str:
    """A short line about how well an objection is known: never tried, last score (drills and conversations
    alike), how many tries, when it is due."""
    last = latest if latest is not None else item.last_score
    if last is None:
        return "New — not practised yet"
    text = f"Last score {round(last)}"
    if attempts:
        text += f" · {attempts} tr{'ies' if attempts != 1 else 'y'}"
        if in_conversations:
            text += f" ({in_conversations} in conversations)"
    if item.due:
        return text + " · due now"
    if item.due_at is not None:
        days = (item.due_at - datetime.now(timezone.utc)).total_seconds() / 86400
        when = "later today" if days < 1 else f"in {round(days)} day{'s' if round(days) != 1 else ''}"
        return text + f" · next {when}"
    return text


def objection_title(scenario, objection_id: str) -> str:
    """The objection as the manager says it (its first wording), or its name in plain words."""
    try:
        objection = scenario.objection(objection_id)
    except KeyError:
        return objection_name(objection_id).capitalize()
    text = scenario.fill(objection.wordings[0]) if objection.wordings else objection_name(objection_id).capitalize()
    return text if len(text) <= 70 else text[:67].rstrip() + "…"


def objection_tooltip(scenario, objection_id: str) -> str:
    """What the row is about: the objection's name and, when the scenario has one, its tip."""
    name = AnswerFor.objection(objection_id).title()
    try:
        tip = scenario.objection(objection_id).tip
    except KeyError:
        tip = ""
    return f"{name}\nTip: {tip}" if tip else name


class QueueRow(QWidget):
    """One objection in the queue: its wording, how well it is known, and a thin mastery bar."""

    def __init__(self, title: str, mastery: str, score: float | None):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 18, 8)  # 12 more on the right: the list's item padding and selection edge
        box.setSpacing(3)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.mastery = QLabel(mastery)
        self.mastery.setObjectName("Small")
        self.mastery.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(0 if score is None else round(score))
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(5)
        box.addWidget(self.title)
        box.addWidget(self.mastery)
        box.addWidget(self.bar)

    def text(self) -> str:
        return f"{self.title.text()}\n{self.mastery.text()}"

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        margins = self.layout().contentsMargins()
        inner = width - margins.left() - margins.right()  # the width the labels are laid out at
        spacing = self.layout().spacing()
        return (margins.top() + margins.bottom() + self.title.heightForWidth(inner) + spacing
                + self.mastery.heightForWidth(inner) + spacing + self.bar.height() + 10)


class DrillView(RunView):
    mode = "drill"

    def build_setup(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        row.addWidget(label("Practise the objections that are due, weakest first.", "Muted"), 1)
        self.start_button = QPushButton("&Start drill")
        self.start_button.setObjectName("Primary")
        self.start_button.clicked.connect(self.start)
        self.start_button.setEnabled(False)
        row.addWidget(self.start_button)
        layout.addLayout(row)
        self.queue_items: list = []

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.again_button.setText("&Again")
        self.again_button.setToolTip("Answer this objection once more (Ctrl+Backspace)")
        self.next_text = "&Next"
        self.next_button.setText(self.next_text)
        self.next_button.setToolTip("The next objection (Ctrl+Return)")
        side = QFrame()
        side.setObjectName("Card")
        side.setMinimumWidth(230)
        side.setMaximumWidth(360)
        box = QVBoxLayout(side)
        box.setContentsMargins(16, 16, 16, 16)
        box.addWidget(label("Objections", "Heading"))
        self.queue = QListWidget()
        self.queue.setAccessibleName("Objections, due first")
        self.queue.setWordWrap(True)
        self.queue.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.addWidget(self.queue, 1)
        self.queue.viewport().installEventFilter(self)  # rows re-wrap when the list gets its real width
        self.content.insertWidget(0, side, 1)

    def set_scenario(self, scenario) -> None:
        super().set_scenario(scenario)
        self.start_button.setEnabled(scenario is not None)
        self.refresh_queue()

    def refresh_queue(self) -> None:
        scenario, ctx = self.scenario, self.ctx
        if scenario is None:
            self.queue.clear()
            return

        def load():
            from rehearse.core.scheduling import drill_items
            from rehearse.session.conversation import scenario_key

            from rehearse.report.charts import objection_attempts, turns_for_scenario

            store = ctx.store()
            cards = store.drill_cards(scenario_key(scenario))
            items = drill_items(scenario.objection_ids, cards)
            # every answer to an objection counts, in a drill or inside a conversation
            answered = objection_attempts(turns_for_scenario(store, scenario.path)) if scenario.path else {}
            rows = []
            for item in items:
                seen = answered.get(item.objection_id) or {}
                attempts = seen.get("attempts") or (cards.get(item.objection_id) or {}).get("attempts")
                rows.append((item, attempts, seen.get("in_conversations", 0), seen.get("latest")))
            return rows

        ctx.host.call(load, self._show_queue, self.fail)

    def _show_queue(self, rows) -> None:
        self.queue_items = rows
        current = self.prompt.answer_for.id if self._on_objection() else None
        self.queue.clear()
        width = self._row_width()
        for item, attempts, in_conversations, latest in rows:
            title = objection_title(self.scenario, item.objection_id)
            mastery = mastery_text(item, attempts, in_conversations, latest)
            entry = QListWidgetItem()
            entry.setData(Qt.ItemDataRole.UserRole, item.objection_id)
            entry.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}. {mastery}")
            entry.setToolTip(objection_tooltip(self.scenario, item.objection_id))
            row = QueueRow(title, mastery, latest if latest is not None else item.last_score)
            row.setFixedWidth(width)
            entry.setSizeHint(QSize(width, row.heightForWidth(width)))
            self.queue.addItem(entry)
            self.queue.setItemWidget(entry, row)
            if item.objection_id == current:
                self.queue.setCurrentItem(entry)

    def _row_width(self) -> int:
        return max(self.queue.viewport().width() - self.queue.verticalScrollBar().sizeHint().width() - 4, 160)

    def _fit_rows(self) -> None:
        """Give every row the list's current width and the height its wrapped text needs there."""
        width = self._row_width()
        for i in range(self.queue.count()):
            entry = self.queue.item(i)
            row = self.queue.itemWidget(entry)
            if row is not None and (row.width() != width or entry.sizeHint().width() != width):
                row.setFixedWidth(width)
                entry.setSizeHint(QSize(width, row.heightForWidth(width)))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.queue.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rows()
        return super().eventFilter(watched, event)

    def item_texts(self) -> list[str]:
        """Each queue row as "title\nmastery" (for tests and screen readers)."""
        return [self.queue.itemWidget(self.queue.item(i)).text() for i in range(self.queue.count())]

    def _on_objection(self) -> bool:
        return bool(self.prompt is not None and self.prompt.answer_for.is_objection)

    def show_prompt(self, prompt) -> None:
        super().show_prompt(prompt)
        if self._on_objection():
            oid = prompt.answer_for.id
            for row in range(self.queue.count()):
                if self.queue.item(row).data(Qt.ItemDataRole.UserRole) == oid:
                    self.queue.setCurrentRow(row)

    def on_session_started(self) -> None:
        self.start_button.setText("&Start over")

    def on_turn_result(self, result) -> None:
        self.refresh_queue()

    def _finished(self, summary) -> None:
        super()._finished(summary)
        self.refresh_queue()
