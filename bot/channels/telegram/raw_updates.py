"""What the inbox needs from an update as Telegram sends it (JSON), without parsing it all:
its id, the person it comes from, and the form in which it waits to be processed."""

from __future__ import annotations

from typing import Any

from bot.channels.telegram import person_keys

# Update fields that carry a message, and all those whose object carries the chat directly.
_MESSAGES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
_WITH_CHAT = (
    *_MESSAGES,
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


# What the bot reads of an update, and nothing more: no names (python-telegram-bot requires a
# user's first name, which is kept empty), no group titles, no media, contacts or forwards,
# and of the bot's own message under a pressed button only which one it was.
_QUERY = ("id", "chat_instance", "data", "inline_message_id")
_ENTITY = ("type", "offset", "length")


def stored_form(update: dict[str, Any]) -> dict[str, Any]:
    """The update as the inbox keeps it until it is processed: only what the handlers read
    (ids, chat types, the typed text and its commands, the button pressed). Other kinds of
    update keep only their id: no handler takes them."""
    kept: dict[str, Any] = {"update_id": update_id_of(update)}
    for kind in _MESSAGES:
        if isinstance(update.get(kind), dict):
            kept[kind] = _message(update[kind], content=True)
    query = update.get("callback_query")
    if isinstance(query, dict):
        kept["callback_query"] = {key: query[key] for key in _QUERY if key in query}
        if "from" in query:
            kept["callback_query"]["from"] = _user(query["from"])
        if isinstance(query.get("message"), dict):
            kept["callback_query"]["message"] = _message(query["message"], content=False)
    return kept


def _message(message: dict[str, Any], *, content: bool) -> dict[str, Any]:
    kept = {key: message[key] for key in ("message_id", "date") if key in message}
    chat = message.get("chat")
    if isinstance(chat, dict):
        kept["chat"] = {key: chat[key] for key in ("id", "type") if key in chat}
    if content:
        if "from" in message:
            kept["from"] = _user(message["from"])
        if isinstance(message.get("text"), str):
            kept["text"] = message["text"]
        if isinstance(message.get("entities"), list):
            kept["entities"] = [
                {key: entity[key] for key in _ENTITY if key in entity}
                for entity in message["entities"]
                if isinstance(entity, dict)
            ]
    return kept


def _user(user: Any) -> Any:
    if not isinstance(user, dict):
        return user  # not a user: python-telegram-bot refuses the update, as it would have
    kept = {key: user[key] for key in ("id", "is_bot") if key in user}
    return {**kept, "first_name": ""}


def _chat_id(chat: Any) -> int | None:
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    return None
