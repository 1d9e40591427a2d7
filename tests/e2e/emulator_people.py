"""The test API that plays the users: messages, button presses, blocking, redelivery.

Mixed into ``Emulator``, which holds the state.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from tests.bot_api_html import utf16_len

JSON = dict[str, Any]


class PeopleActions:
    """What users do: each action queues an update for the bot."""

    def _enqueue(self, update: JSON, forced: bool = False) -> int:
        with self._lock:
            update_id = update.setdefault("update_id", self._last_update_id + 1)
            self._last_update_id = max(self._last_update_id, update_id)
            self._known[update_id] = copy.deepcopy(update)
            self._queue[update_id] = copy.deepcopy(update)
            self._confirmed.discard(update_id)
            if forced:
                self._forced.add(update_id)
            query = update.get("callback_query")
            if isinstance(query, dict) and "id" in query:
                self._queries.setdefault(str(query["id"]), False)
        self._notify()
        return update_id

    def _user(self, chat_id: int, user_id: int | None) -> JSON:
        profile = self._profiles.get(chat_id, {"first_name": "Test"})
        user = dict(id=user_id or chat_id, is_bot=False, **profile)
        return {**user, "language_code": self.language_code}

    def set_profile(self, chat_id: int, **profile: str) -> None:
        """The user of a private chat (not yet used) has these first_name, username, ...."""
        with self._lock:
            self._profiles[chat_id] = {"first_name": "Test", **profile}

    def _user_message(self, chat_id: int, user_id: int | None, **content: Any) -> int:
        with self._lock:
            message_id = self._next_message_id(chat_id)
            self._user_messages.add((chat_id, message_id))
            sender, chat = self._user(chat_id, user_id), dict(self._chats[chat_id])
            message = {"message_id": message_id, "from": sender, "chat": chat}
            return self._enqueue({"message": {**message, "date": int(time.time()), **content}})

    def user_sends_text(self, chat_id: int, text: str, user_id: int | None = None) -> int:
        """Queue a private text message; a leading ``/command`` gets a bot_command entity."""
        content: JSON = {"text": text}
        if text.startswith("/"):
            command = {"type": "bot_command", "offset": 0, "length": utf16_len(text.split()[0])}
            content["entities"] = [command]
        return self._user_message(chat_id, user_id, **content)

    def user_sends_sticker(self, chat_id: int, user_id: int | None = None) -> int:
        """Queue a (regular, static) sticker message."""
        sticker = dict(file_id="CAACAgIAAxkBAAIBsticker", file_unique_id="AgADsticker")
        sticker.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
        return self._user_message(chat_id, user_id, sticker={**sticker, "emoji": "👍"})

    def user_sends_photo(self, chat_id: int, user_id: int | None = None) -> int:
        """Queue a photo message (two sizes, no caption)."""
        photo = [
            dict(file_id=f"AgACAgIAAxkBphoto{w}", file_unique_id=f"AQADphoto{w}", width=w, height=w)
            for w in (90, 800)
        ]
        return self._user_message(chat_id, user_id, photo=photo)

    def user_presses(
        self, chat_id: int, message_id: int, callback_data: str, user_id: int | None = None
    ) -> int:
        """Queue a callback_query on a bot message (sent as it currently is, keyboard included)."""
        with self._lock:
            record = self._bot_messages.get(chat_id, {}).get(message_id)
            if not record or record["deleted"]:
                raise AssertionError(f"chat {chat_id} has no bot message {message_id}")
            self._last_query_id += 1
            query = {"id": str(self._last_query_id), "from": self._user(chat_id, user_id)}
            query.update(message=self._to_api(record), chat_instance=f"-{chat_id}0042")
            return self._enqueue({"callback_query": {**query, "data": callback_data}})

    def user_presses_button(
        self, chat_id: int, label: str | None = None, message_id: int | None = None
    ) -> int:
        """Press a callback button by exact label, else unique case-insensitive substring
        (``None``: the only button) on ``message_id`` or the latest message with a keyboard."""
        with self._lock:
            messages = [m for m in self.messages(chat_id) if not m["deleted"]]
            if message_id is not None:
                messages = [m for m in messages if m["message_id"] == message_id]
            keyed = [m for m in messages if (m["reply_markup"] or {}).get("inline_keyboard")]
            if not keyed:
                raise AssertionError(f"no inline keyboard in chat {chat_id}\n{self._dump()}")
            message = keyed[-1]
            buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
            hits = [b for b in buttons if label is None or b["text"] == label]
            if label is not None and not hits:
                hits = [b for b in buttons if label.lower() in b["text"].lower()]
            if len(hits) != 1 or "callback_data" not in hits[0]:
                labels = [b["text"] for b in buttons]
                raise AssertionError(
                    f"no unique callback button {label!r} on message {message['message_id']} "
                    f"in chat {chat_id}; available: {labels}"
                )
            return self.user_presses(chat_id, message["message_id"], hits[0]["callback_data"])

    def user_blocks_bot(self, chat_id: int) -> None:
        """From now on, sending to this chat fails with 403 Forbidden."""
        with self._lock:
            self._blocked.add(chat_id)

    def inject_raw_update(self, update: JSON) -> int:
        """Queue any update; an explicit (even already used) ``update_id`` is kept."""
        return self._enqueue(copy.deepcopy(update), forced="update_id" in update)

    def redeliver(self, update_id: int) -> None:
        """Queue a known update again with the same id (Telegram's at-least-once delivery)."""
        with self._lock:
            if update_id not in self._known:
                raise AssertionError(f"update {update_id} was never queued")
            self._enqueue(copy.deepcopy(self._known[update_id]), forced=True)

    def at_once(self) -> threading.RLock:
        """``with emulator.at_once():`` queues updates that one getUpdates returns together."""
        return self._lock

    def update(self, update_id: int) -> JSON:
        """A copy of an update as it was queued."""
        with self._lock:
            return copy.deepcopy(self._known[update_id])
