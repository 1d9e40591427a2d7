"""The test API that looks at the emulator: messages, calls, and waiting for them.

Mixed into ``Emulator``, which holds the state.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]


class EmulatorViews:
    """Copies of what the bot did, and blocking or async waits for it."""

    def messages(self, chat_id: int) -> list[JSON]:
        """Copies of the bot's messages in a chat, oldest first (deleted ones are flagged).

        Keys: message_id, chat_id, text (as displayed), raw_text (as sent), parse_mode,
        entities, reply_markup (as sent), date, edited, edit_date, history, deleted.
        """
        with self._lock:
            return copy.deepcopy(list(self._bot_messages.get(chat_id, {}).values()))

    def last_message(self, chat_id: int) -> JSON | None:
        messages = self.messages(chat_id)
        return messages[-1] if messages else None

    @property
    def callback_answers(self) -> list[JSON]:
        with self._lock:
            return copy.deepcopy(self._callback_answers)

    @property
    def commands(self) -> list[JSON]:
        with self._lock:
            return copy.deepcopy(self._commands)

    @property
    def calls(self) -> list[tuple[str, JSON]]:
        """Every authorised request as (method, decoded params), in order."""
        with self._lock:
            return copy.deepcopy(self._calls)

    @property
    def errors(self) -> list[str]:
        """Internal emulator errors (each was answered with HTTP 500)."""
        with self._lock:
            return list(self._errors)

    @property
    def pending_updates(self) -> list[int]:
        """Ids of queued updates not yet confirmed by a getUpdates offset."""
        with self._lock:
            return sorted(self._queue)

    def _dump(self) -> str:
        with self._lock:
            lines = [f"pending updates: {sorted(self._queue)}; emulator errors: {self._errors}"]
            for chat_id, messages in self._bot_messages.items():
                for m in list(messages.values())[-5:]:
                    lines.append(f"  chat {chat_id} #{m['message_id']}: {m['text'][:300]!r}")
            lines.append(f"last calls: {[call[0] for call in self._calls[-10:]]}")
            return "\n".join(lines)

    # ------------------------------------------------------------------ test API: waiting
    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
        """Block until ``predicate()`` is truthy and return its value (not inside event loops)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass  # no loop in this thread: blocking is safe
        else:
            raise RuntimeError("blocking wait_* called inside an event loop: use the *_async twin")
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (result := predicate()):
                if (remaining := deadline - time.monotonic()) <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {what}\n" + self._dump()
                    )
                self._cond.wait(min(remaining, 0.1))
        return result

    async def wait_for_async(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = ""
    ) -> Any:
        """Await until ``predicate()`` is truthy and return its value."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what}\n" + self._dump()
                )
            await asyncio.sleep(0.01)
        return result

    def _has_messages(self, chat_id: int, count: int) -> Callable[[], list[JSON] | None]:
        return lambda: messages if len(messages := self.messages(chat_id)) >= count else None

    def _has_text(self, chat_id: int, substring: str) -> Callable[[], JSON | None]:
        def find() -> JSON | None:
            for message in reversed(self.messages(chat_id)):
                if substring in message["text"] or substring in message["raw_text"]:
                    return message
            return None

        return find

    def wait_for_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[JSON]:
        """Wait until the chat has at least ``count`` bot messages; return them all."""
        what = f"{count} bot messages in chat {chat_id}"
        return self.wait_for(self._has_messages(chat_id, count), timeout, what)

    def wait_for_text(self, chat_id: int, substring: str, timeout: float = 10.0) -> JSON:
        """Wait for a bot message containing ``substring``; return the newest such message."""
        return self.wait_for(self._has_text(chat_id, substring), timeout, repr(substring))

    def wait_until_confirmed(self, update_id: int, timeout: float = 10.0) -> bool:
        """Wait until getUpdates was called with an offset beyond ``update_id``."""
        what = f"confirmation of update {update_id}"
        return self.wait_for(lambda: update_id in self._confirmed, timeout, what)

    async def wait_for_messages_async(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[JSON]:
        what = f"{count} bot messages in chat {chat_id}"
        return await self.wait_for_async(self._has_messages(chat_id, count), timeout, what)

    async def wait_for_text_async(
        self, chat_id: int, substring: str, timeout: float = 10.0
    ) -> JSON:
        return await self.wait_for_async(self._has_text(chat_id, substring), timeout, substring)

    async def wait_until_confirmed_async(self, update_id: int, timeout: float = 10.0) -> bool:
        what = f"confirmation of update {update_id}"
        return await self.wait_for_async(lambda: update_id in self._confirmed, timeout, what)
