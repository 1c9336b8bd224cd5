"""The Rehearse view: choose a mode and the manager's mood, then have the conversation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rehearse.core.scenario import PERSONAS
from rehearse.ui.flow_layout import FlowLayout
from rehearse.ui.run_view import RunView

MODES = (("pitch", "The conversation"), ("read", "Read aloud (pronunciation)"))


class RehearseView(RunView):
    mode = "pitch"

    def build_setup(self, layout: QVBoxLayout) -> None:
        row = QHBoxLayout()
        row.setSpacing(10)
        self.mode_box = QComboBox()
        for key, text in MODES:
            self.mode_box.addItem(text, key)
        self.mode_box.setAccessibleName("Mode")
        mode_label = QLabel("&Mode")
        mode_label.setBuddy(self.mode_box)
        self.persona_box = QComboBox()
        self.persona_box.setAccessibleName("Manager's mood")
        persona_label = QLabel("Mana&ger")
        persona_label.setBuddy(self.persona_box)
        self.by_part = QCheckBox("One &part at a time")
        self.by_part.setToolTip("Answer intent, evidence, gaps and ask one by one instead of the whole pitch")
        self.start_button = QPushButton("&Start")
        self.start_button.setToolTip("Start a new run (Ctrl+Enter)")
        self.start_button.setObjectName("Primary")
        self.start_button.clicked.connect(self.start)
        self.start_button.setEnabled(False)
        # the choices wrap onto a second line in a narrow window; Start stays on the right
        choices = QWidget()
        flow = FlowLayout(choices, spacing=10)
        for pair in ((mode_label, self.mode_box), (persona_label, self.persona_box)):
            holder = QWidget()
            pair_row = QHBoxLayout(holder)
            pair_row.setContentsMargins(0, 0, 0, 0)
            for widget in pair:
                pair_row.addWidget(widget)
            flow.addWidget(holder)
        flow.addWidget(self.by_part)
        row.addWidget(choices, 1)
        row.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.mode_box.currentIndexChanged.connect(self._mode_changed)

    def set_scenario(self, scenario) -> None:
        super().set_scenario(scenario)
        same_file = getattr(scenario, "path", None) == getattr(self, "_scenario_path", None)
        self._scenario_path = getattr(scenario, "path", None)
        current = self.persona_box.currentData() if same_file else None  # another scenario: its own persona
        self.persona_box.clear()
        default = scenario.who.persona if scenario is not None else ""
        for persona in PERSONAS:
            self.persona_box.addItem(persona.capitalize() + (" (scenario)" if persona == default else ""), persona)
        index = self.persona_box.findData(current or default)
        self.persona_box.setCurrentIndex(max(index, 0))
        self.start_button.setEnabled(scenario is not None)

    def session_options(self) -> dict:
        mode = self.mode_box.currentData()
        options = {"mode": mode, "persona": self.persona_box.currentData()}
        if mode == "pitch":
            options["by_part"] = self.by_part.isChecked()
        return options

    def on_session_started(self) -> None:
        self.start_button.setText("&Start over")

    def _mode_changed(self) -> None:
        self.by_part.setEnabled(self.mode_box.currentData() == "pitch")
