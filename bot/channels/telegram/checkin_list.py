"""/checkins: a person's scheduled check-ins, each with a button that cancels it."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram import sending
from bot.channels.telegram.callback_data import cancel_checkin_data
from bot.engine.followup import day_name
from bot.store import Tx
from bot.store.checkins import Scheduled

NONE = (
    "You have no check-ins scheduled. When a check ends without warning signs, I offer to "
    "check in with you again later."
)
HEADER = "Your check-ins (tap one to cancel it):"
CANCELLED = "Check-in cancelled."
ALREADY_GONE = "That check-in is no longer scheduled."


def _when(due: datetime) -> str:
    return f"{day_name(due)}, {due:%H:%M} UTC"


def listing(chat_id: int, scheduled: list[Scheduled], message_id: int | None = None) -> str:
    """The list as a queued sendMessage (or, with ``message_id``, an edit of the old list)."""
    if not scheduled:
        text, markup = NONE, None
    else:
        lines = "\n".join(f"• {_when(s.due_at)}" for s in scheduled)
        text = f"{HEADER}\n{lines}"
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        f"Cancel {day_name(s.due_at)}", callback_data=cancel_checkin_data(s.id)
                    )
                ]
                for s in scheduled
            ]
        )
    if message_id is None:
        return sending.message(chat_id, text, markup, html=False)
    params: dict[str, object] = {"chat_id": chat_id, "message_id": message_id, "text": text}
    if markup is not None:
        params["reply_markup"] = sending.markup_json(markup)
    return sending.call("editMessageText", **params)


def show(tx: Tx, chat_id: int) -> None:
    """Queue the person's list."""
    tx.send(listing(chat_id, tx.checkins.scheduled()))


def cancel(tx: Tx, chat_id: int, checkin_id: int, query_id: str, message_id: int | None) -> None:
    """Cancel one of the person's check-ins (a button), then show what is left."""
    cancelled = tx.checkins.cancel(checkin_id)
    tx.send(sending.answer(query_id, CANCELLED if cancelled else ALREADY_GONE))
    if message_id is not None:
        tx.send(listing(chat_id, tx.checkins.scheduled(), message_id))
