"""What the inbox needs from an update as Telegram sends it (JSON), without parsing it all:
its id, the person it comes from, and the form in which it waits to be processed."""

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


# Names (of people, and of the chats they are in with the bot) are never read: they are not
# kept. python-telegram-bot requires a user's first name, which is kept empty.
_NAMES = frozenset({"last_name", "username", "active_usernames", "bio"})
# Of a message under a pressed button (the bot's own question) only which one it was is read.
_PRESSED_MESSAGE = ("message_id", "date", "chat")


def stored_form(update: dict[str, Any]) -> dict[str, Any]:
    """The update as the inbox keeps it until it is processed: without anyone's names, and
    without the text and keyboard of the bot's message under a pressed button (the bot reads
    neither, and parsing them costs more than the rest of the update)."""
    kept = _without_names(update)
    query = kept.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict):
        message = query["message"]
        query["message"] = {key: message[key] for key in _PRESSED_MESSAGE if key in message}
    return kept


def _without_names(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: "" if key == "first_name" else _without_names(item)
            for key, item in value.items()
            if key not in _NAMES
        }
    if isinstance(value, list):
        return [_without_names(item) for item in value]
    return value


def _chat_id(chat: Any) -> int | None:
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    return None
