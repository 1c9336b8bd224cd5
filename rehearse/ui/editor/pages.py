"""The editor's pages: who you are, the four parts of the pitch (each with the length to aim for), the objections, the
sentences to read aloud, and (folded away) the manager's lines.

Each page is built from the document by a function that asks the form (:class:`rehearse.ui.editor.window.
ScenarioEditor`) for its fields, so that every field is registered under its path and its problems land beside it.
The hints are the coaching rules of the conversation, in a sentence or two each.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from rehearse.core.scenario import DEFAULT_TARGET_SECONDS, OUTCOMES, PERSONAS, REACTIONS
from rehearse.ui.editor.phrases import Suggestions, TryBox

# (key, title in the list, coaching hint)
SECTIONS = [
    ("who", "Who you are", "The people in the conversation. Your manager's name is used in the manager's lines."),
    ("intent", "1 · Your intent",
     "Say what you are asking for in the first 30 seconds: the role, by name. Show that you already work at that "
     "level. Length of service, feelings and “I deserve it” do not persuade."),
    ("evidence", "2 · Your evidence",
     "Three to five pieces of evidence, each with what you did, the business outcome and a number your manager can "
     "repeat. Put the strongest first."),
    ("gaps", "3 · Your gaps",
     "Name what your manager might say you still lack before they do, each with your plan and a date. It shows "
     "judgement, and takes the objection away."),
    ("ask", "4 · The ask",
     "Ask explicitly, and ask for a timeline: whether they see you as ready (and if not, what specifically is "
     "missing), and a date to review it. No apologies or hedges."),
    ("objections", "Objections",
     "What your manager may push back with, and what a strong answer contains. For “not yet”, ask what "
     "specifically and for a review date; for budget, separate the title from the money."),
    ("read_aloud", "Read aloud",
     "Sentences to practise saying out loud, one a line: the ones you most want to say clearly in the meeting. "
     "Left empty, read-aloud practice uses the sentences of your pitch."),
    ("manager", "The manager's lines",
     "What the manager says. These work as they are; change them to sound like your manager. Names in braces are "
     "filled in: {manager} {name} {current_role} {target_role} {gap}."),
]
PHRASES_HINT = "The few words you want to be sure to say: 2–5 words each, one a line; numbers as you would say them."

REACTION_TITLES = {
    "no_timeline": "When you don't ask for a timeline", "gaps_not_named": "When you don't name a gap",
    "no_numbers": "When your evidence has no numbers", "strong": "When your case is strong",
    "intent_buried": "When your ask comes late", "no_ask": "When you make no ask",
    "earned_it": "When you argue from time served", "apologetic": "When you apologise",
    "vague": "When you stay vague", "too_long": "When you talk too long",
}
OUTCOME_TITLES = {"yes": "If the answer is yes", "not_yet": "If the answer is not yet",
                  "ambiguous": "If the answer is undecided"}


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("Tip")
    label.setWordWrap(True)
    return label


def card() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("Card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(16, 12, 16, 14)
    box.setSpacing(10)
    return frame, box


def build(form, key: str, box: QVBoxLayout) -> None:
    {"who": who, "intent": intent, "evidence": evidence, "gaps": gaps, "ask": ask, "objections": objections,
     "read_aloud": read_aloud, "manager": manager}[key](form, box)


def seconds(form, path: str, default: float, what: str = "your answer"):
    """How long an answer should take, in seconds (empty: the default)."""
    return form.field(path, "How long to aim for, in seconds", kind="seconds",
                      placeholder=f"{default:g} (the default)",
                      hint=f"The length you aim for in {what}; the feedback says when you run long or stop short. "
                           "Leave it empty for the default.")


def read_aloud(form, box: QVBoxLayout) -> None:
    box.addWidget(form.field("read_aloud", "Sentences to read aloud", kind="lines",
                             placeholder="I'm asking for a promotion to Senior Marketing Manager.\n"
                                         "I led the spring launch, and qualified leads grew 40% in one quarter.",
                             hint="One sentence a line. Read aloud mode shows them one at a time and tells you which "
                                  "words did not come through clearly."))


def who(form, box: QVBoxLayout) -> None:
    box.addWidget(form.field("who.name", "Your first name", hint="Optional. The manager greets you with it."))
    box.addWidget(form.field("who.current_role", "Your role now", placeholder="e.g. Marketing Specialist"))
    box.addWidget(form.field("who.target_role", "The role you are asking for",
                             placeholder="e.g. Senior Marketing Manager"))
    box.addWidget(form.field("who.manager", "Your manager's first name", placeholder="e.g. Dana"))
    box.addWidget(form.field("who.persona", "How your manager will react", kind="choice", choices=PERSONAS,
                             hint="Supportive, skeptical (pushes back) or busy (short on time). You can change it "
                                  "before each run."))
    box.addWidget(form.field("title", "A title for this case", placeholder="e.g. Asking Dana for a promotion",
                             hint="Shown at the top of the window."))


def _phrases(form, box, path: str, sentence_of) -> None:
    field = form.field(path, "Key phrases", kind="lines", hint=PHRASES_HINT)
    box.addWidget(field)
    box.addWidget(Suggestions(field, sentence_of))


def intent(form, box: QVBoxLayout) -> None:
    box.addWidget(form.field("pitch.intent.say", "What you plan to say", kind="text",
                             placeholder="I'd like to talk about my promotion to Senior Marketing Manager."))
    _phrases(form, box, "pitch.intent.key_phrases",
             lambda: (form.value("pitch.intent.say"), form.value("who.target_role"), ""))
    box.addWidget(form.try_box(lambda: form.value("pitch.intent.key_phrases") or []))
    box.addWidget(seconds(form, "pitch.intent.target_seconds", DEFAULT_TARGET_SECONDS["intent"], "your opening"))


def _item_buttons(form, list_path: str, index: int, count: int, noun: str) -> QHBoxLayout:
    row = QHBoxLayout()
    title = QLabel(f"{noun.capitalize()} {index + 1}")
    title.setObjectName("Heading")
    row.addWidget(title)
    row.addStretch(1)
    for text, tip, enabled, action in (
            ("↑", f"Move this {noun} up", index > 0, lambda: form.move_item(list_path, index, index - 1)),
            ("↓", f"Move this {noun} down", index < count - 1, lambda: form.move_item(list_path, index, index + 1)),
            ("Remove", f"Remove this {noun}", True, lambda: form.remove_item(list_path, index))):
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(f"{tip} ({index + 1})")
        button.setEnabled(enabled)
        button.clicked.connect(action)
        row.addWidget(button)
    return row


def _add_button(form, list_path: str, text: str) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(lambda: form.add_item(list_path))
    return button


def evidence(form, box: QVBoxLayout) -> None:
    lp = "pitch.evidence.items"
    n = form.doc.count(lp)
    for i in range(n):
        frame, inner = card()
        p = f"{lp}[{i}]"
        inner.addLayout(_item_buttons(form, lp, i, n, "evidence"))
        inner.addWidget(form.field(f"{p}.what", "What you did", placeholder="e.g. ran the spring product launch"))
        inner.addWidget(form.field(f"{p}.outcome", "The business outcome", placeholder="e.g. qualified leads grew"))
        inner.addWidget(form.field(f"{p}.number", "The number", placeholder="e.g. 40% in one quarter"))
        inner.addWidget(form.field(f"{p}.say", "What you plan to say", kind="text",
                                   hint="Optional: one sentence with all three. Read aloud mode uses it."))
        _phrases(form, inner, f"{p}.key_phrases",
                 lambda p=p: (form.value(f"{p}.say") or f"{form.value(f'{p}.what')} {form.value(f'{p}.outcome')} "
                              f"{form.value(f'{p}.number')}", "", form.value(f"{p}.number")))
        box.addWidget(frame)
    box.addWidget(_add_button(form, lp, "+ Add a piece of evidence"))
    box.addWidget(seconds(form, "pitch.evidence.target_seconds", DEFAULT_TARGET_SECONDS["evidence"],
                          "all your evidence together"))
    box.addWidget(form.try_box(lambda: [x for i in range(form.doc.count(lp))
                                        for x in form.value(f"{lp}[{i}].key_phrases") or []]))


def gaps(form, box: QVBoxLayout) -> None:
    lp = "pitch.gaps.items"
    n = form.doc.count(lp)
    for i in range(n):
        frame, inner = card()
        p = f"{lp}[{i}]"
        inner.addLayout(_item_buttons(form, lp, i, n, "gap"))
        inner.addWidget(form.field(f"{p}.gap", "What you are still growing in",
                                   placeholder="e.g. budget ownership"))
        inner.addWidget(form.field(f"{p}.plan", "Your plan, with a date",
                                   placeholder="e.g. own the Q3 events budget with finance"))
        inner.addWidget(form.field(f"{p}.say", "What you plan to say", kind="text", hint="Optional."))
        _phrases(form, inner, f"{p}.key_phrases",
                 lambda p=p: (form.value(f"{p}.say") or f"{form.value(f'{p}.gap')} {form.value(f'{p}.plan')}",
                              "", ""))
        box.addWidget(frame)
    box.addWidget(_add_button(form, lp, "+ Add a gap"))
    box.addWidget(seconds(form, "pitch.gaps.target_seconds", DEFAULT_TARGET_SECONDS["gaps"], "your gaps and plans"))
    box.addWidget(form.try_box(lambda: [x for i in range(form.doc.count(lp))
                                        for x in form.value(f"{lp}[{i}].key_phrases") or []]))


def ask(form, box: QVBoxLayout) -> None:
    box.addWidget(form.field("pitch.ask.readiness", "Ask whether you are ready", kind="text",
                             placeholder="Do you see me as ready for …, and if not, what specifically is missing?"))
    box.addWidget(form.field("pitch.ask.timeline", "Ask for a timeline", kind="text",
                             placeholder="Can we agree a date to review this?"))
    _phrases(form, box, "pitch.ask.key_phrases",
             lambda: (f"{form.value('pitch.ask.readiness')} {form.value('pitch.ask.timeline')}",
                      form.value("who.target_role"), ""))
    box.addWidget(form.try_box(lambda: form.value("pitch.ask.key_phrases") or []))
    box.addWidget(seconds(form, "pitch.ask.target_seconds", DEFAULT_TARGET_SECONDS["ask"], "the ask"))


def objections(form, box: QVBoxLayout) -> None:
    lp = "objections"
    n = form.doc.count(lp)
    for i in range(n):
        frame, inner = card()
        p = f"{lp}[{i}]"
        inner.addLayout(_item_buttons(form, lp, i, n, "objection"))
        inner.addWidget(form.field(f"{p}.wordings", "What the manager says", kind="lines",
                                   hint="One way of saying it a line; the manager picks one."))
        inner.addWidget(form.field(f"{p}.tip", "The hint you get", kind="text"))
        inner.addWidget(form.field(f"{p}.key_phrases", "Key phrases of a strong answer", kind="lines",
                                   hint=PHRASES_HINT))
        inner.addWidget(form.field(f"{p}.id", "Short name", placeholder="e.g. not_yet",
                                   hint="Lower-case letters, digits and _; the drills and the history use it."))
        inner.addWidget(seconds(form, f"{p}.target_seconds", DEFAULT_TARGET_SECONDS["objection"],
                                "an answer to it"))
        inner.addWidget(form.try_box(lambda p=p: form.value(f"{p}.key_phrases") or []))
        box.addWidget(frame)
    box.addWidget(_add_button(form, lp, "+ Add an objection"))


def manager(form, box: QVBoxLayout) -> None:
    fold = QToolButton()
    fold.setText("Show the manager's lines and reactions")
    fold.setCheckable(True)
    fold.setToolButtonStyle(fold.toolButtonStyle().ToolButtonTextBesideIcon)
    fold.setArrowType(fold.arrowType().RightArrow)
    inside = QWidget()
    inner = QVBoxLayout(inside)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(12)
    inner.addWidget(form.field("manager.opening", "How the manager opens", kind="lines",
                               hint="One way a line; the manager picks one."))
    for name in REACTIONS:
        if name in form.doc.get("manager.reactions", {}) or name in REACTION_TITLES and REACTIONS.index(name) < 4:
            inner.addWidget(form.field(f"manager.reactions.{name}", REACTION_TITLES[name], kind="lines"))
    for name in OUTCOMES:
        inner.addWidget(form.field(f"manager.outcomes.{name}", OUTCOME_TITLES[name], kind="lines"))
    inside.setVisible(False)

    def toggle(shown: bool) -> None:
        inside.setVisible(shown)
        fold.setArrowType(fold.arrowType().DownArrow if shown else fold.arrowType().RightArrow)
        fold.setText("Hide the manager's lines and reactions" if shown else "Show the manager's lines and reactions")

    fold.toggled.connect(toggle)
    form.manager_fold = fold
    box.addWidget(fold)
    box.addWidget(inside)


__all__ = ["SECTIONS", "build", "hint_label", "TryBox"]
