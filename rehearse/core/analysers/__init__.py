"""The pieces of feedback: what was heard (``heard``), word lists (``words``), content checks (``content``) and
delivery (``delivery``). :mod:`rehearse.core.feedback` puts them together into a scored :class:`Feedback`."""
