"""Person keys of the Telegram channel: ``telegram:<bot id>:<chat id>``.

The bot id scopes them, so one chat talking to two bots that share a database has two
sessions. A key holds ids only, never a name.
"""

from __future__ import annotations

from telegram import Update


def bot_id_of(token: str) -> str:
    """The bot's id: the number before ':' in its token."""
    return token.partition(":")[0]


def bot_prefix(bot_id: str) -> str:
    """The start of every person key of this bot."""
    return f"telegram:{bot_id}:"


def person_key(bot_id: str, chat_id: int) -> str:
    """The store key of a chat with this bot."""
    return f"{bot_prefix(bot_id)}{chat_id}"


def chat_of(person: str, bot_id: str) -> int | None:
    """The chat id of one of this bot's person keys, or None for any other key."""
    tail = person.removeprefix(bot_prefix(bot_id))
    return int(tail) if tail != person and tail.lstrip("-").isdigit() else None


def person_of(update: Update) -> str | None:
    """The store key of the person (chat) behind an update, or None for a chat-less one."""
    chat = update.effective_chat
    return None if chat is None else person_key(bot_id_of(update.get_bot().token), chat.id)
