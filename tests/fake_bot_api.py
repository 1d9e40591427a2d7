"""An in-process Bot API for tests and benchmarks: valid Bot API JSON, no network.

Give it to python-telegram-bot as the request object
(``create_application(..., request=FakeBotAPI())`` or ``ApplicationBuilder().request(...)``).
"""

from __future__ import annotations

import json
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from telegram.constants import ParseMode
from telegram.request import BaseRequest, RequestData

from tests.bot_api_html import parse_html

BOT_ID = 123456
JSONDict = dict[str, Any]


class FakeBotAPI(BaseRequest):
    """The Bot API methods both bots call, answered without any network.

    Messages get increasing ids per chat; HTML is turned into text plus entities as Telegram
    does (cached, since the same texts recur). Like ``HTTPXRequest`` it JSON-encodes the
    parameters and returns JSON bytes, so python-telegram-bot does its usual work both ways.
    """

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.log: list[tuple[str, JSONDict]] = []  # (method, parameters), when ``keep_log``
        self.keep_log = False
        self.last_keyboard_message: dict[int, JSONDict] = {}
        # The last two texts per chat: an outcome may be followed by an offer of a check-in.
        self.recent_texts: dict[int, deque[str]] = {}
        self._message_ids: dict[int, int] = {}
        self._html: dict[str, tuple[str, list[JSONDict]]] = {}
        self._bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Bench",
            "username": "bench_bot",
        }
        self._endpoints: dict[str, Callable[[JSONDict], object]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "answerCallbackQuery": lambda _params: True,
            "setMyCommands": lambda _params: True,
            "deleteWebhook": lambda _params: True,
            "getUpdates": lambda _params: [],
        }

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params: JSONDict = {}
        if request_data is not None:
            _ = request_data.json_parameters  # what HTTPXRequest sends over the wire
            params = request_data.parameters
            if isinstance(markup := params.get("reply_markup"), str):  # sent as JSON text
                params = {**params, "reply_markup": json.loads(markup)}
        self.calls[endpoint] += 1
        if self.keep_log:
            self.log.append((endpoint, params))
        handler = self._endpoints.get(endpoint)
        if handler is None:
            body: JSONDict = {"ok": False, "error_code": 404, "description": "Not Found"}
            return 404, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": handler(params)}).encode()

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return {**self._bot_user, "can_join_groups": False, "supports_inline_queries": False}

    def _text(self, params: JSONDict) -> tuple[str, list[JSONDict]]:
        text = str(params["text"])
        if params.get("parse_mode") != ParseMode.HTML:
            return text, []
        if text not in self._html:
            self._html[text] = parse_html(text)
        return self._html[text]

    def _message(self, chat_id: int, message_id: int, params: JSONDict) -> JSONDict:
        text, entities = self._text(params)
        message: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "User"},
            "from": self._bot_user,
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        self.recent_texts.setdefault(chat_id, deque(maxlen=2)).append(text)
        return message

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = int(params["chat_id"])  # type: ignore[arg-type]
        message_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = message_id
        message = self._message(chat_id, message_id, params)
        if "reply_markup" in params:
            self.last_keyboard_message[chat_id] = message
        return message

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        chat_id = int(params["chat_id"])  # type: ignore[arg-type]
        message = self._message(chat_id, int(params["message_id"]), params)  # type: ignore[arg-type]
        message["edit_date"] = message["date"]
        return message
