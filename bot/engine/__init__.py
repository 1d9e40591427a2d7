"""The conversation engine: a channel-free, pure ``step`` over a flow and a session."""

from bot.engine.events import Answer, Back, CheckinDue, Event, Restart, ShowSummary, Start
from bot.engine.machine import compiled
from bot.engine.migration import migrate
from bot.engine.reply import Answered, Choice, Message, Prompt, Reply
from bot.engine.session import Session
from bot.engine.step import new_session, step
from bot.engine.texts import RESUME_CHOICES, RESUME_QUESTION

__all__ = [
    "RESUME_CHOICES",
    "RESUME_QUESTION",
    "Answer",
    "Answered",
    "Back",
    "CheckinDue",
    "Choice",
    "Event",
    "Message",
    "Prompt",
    "Reply",
    "Restart",
    "Session",
    "ShowSummary",
    "Start",
    "compiled",
    "migrate",
    "new_session",
    "step",
]
