"""Answers to a read-back ("I understood: No. Is that right?")."""

from __future__ import annotations

from datetime import datetime

from bot.engine.reading import Reading
from bot.engine.understanding import QuestionReader
from bot.flow.canonical import canonical
from bot.flow.lexicon import CONFIRM_CLEAR, CONFIRM_SHORT, REJECT


def confirmation(reader: QuestionReader, pending: str, text: str, now: datetime) -> Reading | None:
    """How ``text`` answers the read-back of option ``pending``; None if it does not.

    "correct" confirms. "no" or "wrong" rejects: nothing is recorded and the person is
    asked to tap. A short "yes" confirms unless it could also be a fresh answer more
    severe than the one read back ("I understood: No" - "yes"): then the person taps.
    """
    phrase = canonical(text)
    if phrase in CONFIRM_CLEAR:
        return Reading(pending, certain=True)
    if phrase in REJECT:
        return Reading(None, reason="rejected")
    if phrase in CONFIRM_SHORT:
        fresh = reader.read(text, now).option_id
        if fresh is None or fresh == pending or reader.rank(fresh) <= reader.rank(pending):
            return Reading(pending, certain=True)
        return Reading(None, reason="mixed")
    return None
