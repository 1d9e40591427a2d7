"""Commands typed as plain words ("go back", "start over", "my answers")."""

from __future__ import annotations

from bot.engine.events import Back, Restart, ShowSummary
from bot.flow.canonical import canonical

_COMMAND_WORDS: dict[str, type[Back | Restart | ShowSummary]] = {
    **dict.fromkeys(("back", "go back", "previous", "previous question", "undo"), Back),
    **dict.fromkeys(("restart", "start over", "start again", "begin again"), Restart),
    **dict.fromkeys(("summary", "show summary", "my answers", "show my answers"), ShowSummary),
}


def command_word(text: str) -> Back | Restart | ShowSummary | None:
    """The event a command typed as plain words asks for ("go back"), if any."""
    event = _COMMAND_WORDS.get(canonical(text.lstrip().lstrip("/")))
    return event() if event else None
