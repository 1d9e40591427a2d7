"""What the inbox needs from an update as Telegram sends it (JSON), without parsing it all."""

from __future__ import annotations

from typing import Any

from bot.channels.telegram import person_keys

# Update fields whose object carries the chat directly, and those that carry a message.
_WITH_CHAT = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
    "chat_member",
    "my_chat_member",
    "chat_join_request",
    "message_reaction",
    "message_reaction_count",
)


def update_id_of(update: Any) -> int | None:
    """The update id of a JSON update, or None if it has none usable."""
    if not isinstance(update, dict):
        return None
    value = update.get("update_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def chat_id_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (as python-telegram-bot's ``effective_chat``), or None."""
    for field in _WITH_CHAT:
        body = update.get(field)
        if isinstance(body, dict):
            return _chat_id(body.get("chat"))
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict):
        return _chat_id(query["message"].get("chat"))
    return None


def person_of_json(bot: str, update: dict[str, Any]) -> str | None:
    """The store key of the person behind a JSON update (see ``person_keys.person_of``)."""
    chat_id = chat_id_of(update)
    return None if chat_id is None else person_keys.person_key(bot, chat_id)


def _chat_id(chat: Any) -> int | None:
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    return None
