"""A small, faithful Telegram Bot API emulator for end-to-end tests.

The aiohttp server runs in its own thread with its own event loop, so the test API is made of
plain thread-safe methods usable from sync and async tests.  The blocking ``wait_*`` helpers refuse
to run inside an event loop (they would freeze a bot polling on that loop); async tests use the
``*_async`` twins.

Simplifications: chats are private and created on first use; only HTML is parsed (other parse
modes are stored verbatim); text length is counted in code points after entity parsing.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
JSON = dict[str, Any]

# Form values that are plain strings even when they look like JSON (e.g. text="[1]").
_STRING_PARAMS = {"text", "caption", "parse_mode", "callback_query_id", "action", "url", "emoji"}
_NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice"}
_ACTIONS |= {"upload_voice", "upload_document", "choose_sticker", "find_location"}
_ACTIONS |= {"record_video_note", "upload_video_note"}
_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_TAG_NAME = re.compile(r"<([a-zA-Z0-9-]*)")
_ATTR_RE = r"""([a-zA-Z0-9_-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?"""
_START_TAG = re.compile(rf"<[a-zA-Z0-9-]+((?:\s+{_ATTR_RE})*)\s*/?>")
_ATTR = re.compile(_ATTR_RE)
_END_TAG = re.compile(r"</([a-zA-Z0-9-]*)\s*>")
_CHAR_REF = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|lt|gt|amp|quot);")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_BAD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_BUTTON = "Bad Request: can't parse inline keyboard button: "


class ApiError(Exception):
    """An error answered in Bot API form: ``{"ok": false, "error_code", "description"}``."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (plain text, entities); raise ApiError if malformed."""

    def error(message: str) -> ApiError:
        return ApiError(400, f"Bad Request: can't parse entities: {message}")

    def at(pos: int) -> str:
        return f" at byte offset {len(text[:pos].encode())}"

    out: list[str] = []
    stack: list[tuple[str, int, JSON]] = []  # (tag, UTF-16 start offset, entity or {})
    entities: list[JSON] = []
    pos = length = 0
    while pos < len(text):
        if text[pos] == "&" and (ref := _CHAR_REF.match(text, pos)):
            piece, pos = html.unescape(ref.group()), ref.end()
        elif text[pos] != "<":
            piece, pos = text[pos], pos + 1
        elif text.startswith("</", pos):
            if not (end := _END_TAG.match(text, pos)):
                raise error(f"Unclosed end tag{at(pos)}")
            if not stack:
                raise error(f"Unexpected end tag{at(pos)}")
            name, start, opened = stack.pop()
            if (found := end.group(1).lower()) != name:
                raise error(f'Unmatched end tag{at(pos)}, expected "</{name}>", found "</{found}>"')
            if opened and length > start:
                entities.append({**opened, "offset": start, "length": length - start})
            pos = end.end()
            continue
        else:
            name = _TAG_NAME.match(text, pos).group(1).lower()  # type: ignore[union-attr]
            if name not in _TAG_TYPES:
                raise error(f'Unsupported start tag "{name}"{at(pos)}')
            if not (tag := _START_TAG.match(text, pos)):
                raise error(f"Unclosed start tag{at(pos)}")
            attrs = {k.lower(): html.unescape(v.strip("\"'")) for k, v in _ATTR.findall(tag[1])}
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise error(f'Tag "span" must have class "tg-spoiler"{at(pos)}')
            entity: JSON = {"type": _TAG_TYPES[name]}
            if name == "a":
                entity = {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else {}
            elif name == "blockquote" and "expandable" in attrs:
                entity = {"type": "expandable_blockquote"}
            stack.append((name, length, entity))
            pos = tag.end()
            continue
        out.append(piece)
        length += _utf16_len(piece)
    if stack:
        raise error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


class Emulator:
    """Fake ``api.telegram.org`` for one bot token, plus a test API to play the users."""

    def __init__(self, token: str = "123456:TEST-TOKEN", *, language_code: str = "en") -> None:
        self.token, self.language_code, self.port = token, language_code, 0
        bot_id = int(token.split(":")[0])
        self.bot_user: JSON = dict(
            id=bot_id, is_bot=True, first_name="Test Bot", username="test_bot"
        )
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._last_update_id = 99_999
        self._last_query_id = 4_000_000_000_000
        self._queue: dict[int, JSON] = {}  # unconfirmed updates by update_id
        self._forced: set[int] = set()  # redelivered: returned once whatever the offset
        self._known: dict[int, JSON] = {}  # every update ever queued, for redeliver()
        self._confirmed: set[int] = set()
        self._allowed: set[str] = set()  # empty: Telegram's default update types
        self._poll_generation = 0
        self._chats: dict[int, JSON] = {}
        self._last_message_id: dict[int, int] = {}  # ids are shared by user and bot in a chat
        self._bot_messages: dict[int, dict[int, JSON]] = {}
        self._user_messages: set[tuple[int, int]] = set()
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._blocked: set[int] = set()
        self._failures: dict[str, list[int]] = {}  # lower-case method -> [times, retry_after]
        self._callback_answers: list[JSON] = []
        self._commands: list[JSON] = []
        self._calls: list[tuple[str, JSON]] = []
        self._errors: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._wake = asyncio.Event()
        self._closing = False
        self.webhook: JSON = {}  # the last setWebhook call's parameters

    # ------------------------------------------------------------------ server lifecycle
    @property
    def base_url(self) -> str:
        """python-telegram-bot ``base_url`` (the token gets appended to it)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> Emulator:
        """Serve on 127.0.0.1 with an OS-chosen port in a background thread."""
        ready, failure = threading.Event(), []

        def serve() -> None:
            loop = self._loop = asyncio.new_event_loop()
            self._wake, self._closing = asyncio.Event(), False
            app = web.Application()
            app.router.add_route("*", "/bot{token}/{method}", self._handle)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
            try:
                loop.run_until_complete(runner.setup())
                loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
                self.port = runner.addresses[0][1]
            except BaseException as exc:
                failure.append(exc)
                return
            finally:
                ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="telegram-emulator", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure or not self.port:
            raise RuntimeError(f"Telegram emulator failed to start: {failure}")
        return self

    def stop(self) -> None:
        """Answer pending long polls, shut the server down and join its thread."""
        if self._thread and self._loop:
            self._closing = True
            self._notify()
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _notify(self) -> None:
        """Wake long-polling handlers and blocking waiters after a state change."""
        with self._cond:
            self._cond.notify_all()
        if self._loop and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop closed concurrently
                self._loop.call_soon_threadsafe(self._wake.set)

    # ------------------------------------------------------------------ HTTP layer
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        name = method.lower()  # Bot API method names are case-insensitive
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            params = await self._params(request)
            with self._lock:
                self._calls.append((method, params))
                handler = getattr(self, f"_api_{name}", None)
                failure = self._failures.get(name)
                if handler and failure and failure[0] > 0:
                    failure[0] -= 1
                    message = f"Too Many Requests: retry after {failure[1]}"
                    raise ApiError(429, message, {"retry_after": failure[1]})
            if handler is None:
                log.warning("Telegram emulator: method %s is not implemented", method)
                raise ApiError(404, "Not Found")
            if name == "getupdates":
                result = await self._get_updates(params)
            else:
                with self._lock:
                    result = handler(params)
                self._notify()
            return web.json_response({"ok": True, "result": result})
        except ApiError as err:
            body: JSON = {"ok": False, "error_code": err.code, "description": err.description}
            if err.parameters:
                body["parameters"] = err.parameters
            return web.json_response(body, status=err.code)
        except ConnectionResetError:  # the client died mid-request (a killed bot)
            return web.Response(status=499)
        except Exception as exc:
            log.exception("Telegram emulator: internal error in %s", method)
            with self._lock:
                self._errors.append(f"{method}: {exc!r}")
            body = {"ok": False, "error_code": 500, "description": f"Internal error: {exc!r}"}
            return web.json_response(body, status=500)

    @staticmethod
    async def _params(request: web.Request) -> JSON:
        """Merge query string and JSON, form or multipart body; JSON-decode non-text values."""
        fields: JSON = dict(request.query)
        if request.content_type != "application/json" and request.can_read_body:
            for key, value in (await request.post()).items():
                fields[key] = value if isinstance(value, str) else f"<file {value.filename}>"
        params: JSON = {}
        for key, value in fields.items():
            params[key] = value
            if key not in _STRING_PARAMS:
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        if request.content_type == "application/json" and request.can_read_body:
            params.update(await request.json() or {})  # already typed
        return params

    # ------------------------------------------------------------------ Bot API methods
    def _api_getme(self, p: JSON) -> JSON:
        flags = ["can_read_all_group_messages", "supports_inline_queries", "has_main_web_app"]
        return {**self.bot_user, "can_join_groups": True, **dict.fromkeys(flags, False)}

    def _api_setwebhook(self, p: JSON) -> bool:
        self.webhook = dict(p)
        return True

    def _api_deletewebhook(self, p: JSON) -> bool:
        if p.get("drop_pending_updates"):
            self._drop(lambda update_id: True)
        return True

    def _api_close(self, p: JSON) -> bool:
        return True

    _api_logout = _api_close

    def _api_setmycommands(self, p: JSON) -> bool:
        if not isinstance(p.get("commands"), list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        self._commands = p["commands"]
        return True

    def _api_getmycommands(self, p: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands)

    def _api_getupdates(self, p: JSON) -> None:
        raise AssertionError("served by the async _get_updates")

    async def _get_updates(self, p: JSON) -> list[JSON]:
        offset, limit = int(p.get("offset") or 0), min(max(int(p.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        with self._lock:
            if p.get("allowed_updates") is not None:
                self._allowed = set(p["allowed_updates"])
            self._poll_generation += 1
            generation = self._poll_generation
            if offset < 0:  # -N: keep only the last N updates
                keep = sorted(self._queue)[offset:]
                self._drop(lambda update_id: update_id not in keep)
            elif offset:
                self._drop(lambda update_id: update_id < offset and update_id not in self._forced)
        self._notify()  # also terminates an older long poll with 409 Conflict
        while True:
            self._wake.clear()
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, _CONFLICT)
                batch = [self._queue[i] for i in sorted(self._queue) if self._wanted(i)][:limit]
                if batch or self._closing or time.monotonic() >= deadline:
                    self._forced.difference_update(update["update_id"] for update in batch)
                    return copy.deepcopy(batch)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), deadline - time.monotonic())

    def _wanted(self, update_id: int) -> bool:
        kind = next(key for key in self._queue[update_id] if key != "update_id")
        return kind in self._allowed if self._allowed else kind not in _NOT_DEFAULT_UPDATES

    def _drop(self, confirmed: Callable[[int], bool]) -> None:
        for update_id in [i for i in self._queue if confirmed(i)]:
            del self._queue[update_id]
            self._forced.discard(update_id)
            self._confirmed.add(update_id)

    def _api_sendmessage(self, p: JSON) -> JSON:
        chat_id, content = self._chat_id(p), self._content(p)
        message_id = self._next_message_id(chat_id)
        record = dict(message_id=message_id, chat_id=chat_id, **content, date=int(time.time()))
        record.update(edited=False, edit_date=None, history=[], deleted=False)
        self._bot_messages.setdefault(chat_id, {})[message_id] = record
        return self._to_api(record)

    def _api_editmessagetext(self, p: JSON) -> JSON:
        return self._edit(p, self._content(p))

    def _api_editmessagereplymarkup(self, p: JSON) -> JSON:
        return self._edit(p, {**self._bot_message(p), "reply_markup": self._markup(p)})

    def _edit(self, p: JSON, content: JSON) -> JSON:
        record = self._bot_message(p)
        if all(record[k] == content[k] for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, _NOT_MODIFIED)
        keys = ("text", "raw_text", "parse_mode", "entities", "reply_markup")
        record["history"].append({k: record[k] for k in keys})
        record.update({k: content[k] for k in keys}, edited=True, edit_date=int(time.time()))
        return self._to_api(record)

    def _api_deletemessage(self, p: JSON) -> bool:
        chat_id, message_id = self._chat_id(p), int(p.get("message_id") or 0)
        record = self._bot_messages.get(chat_id, {}).get(message_id)
        if record and not record["deleted"]:
            record["deleted"] = True
        elif (chat_id, message_id) in self._user_messages:
            self._user_messages.discard((chat_id, message_id))
        else:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_answercallbackquery(self, p: JSON) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if self._queries.get(query_id, True):  # unknown or already answered
            raise ApiError(400, _BAD_QUERY)
        self._queries[query_id] = True
        answer = {"callback_query_id": query_id, "text": p.get("text"), "url": p.get("url")}
        self._callback_answers.append({**answer, "show_alert": bool(p.get("show_alert"))})
        return True

    def _api_sendchataction(self, p: JSON) -> bool:
        self._chat_id(p)
        if p.get("action") not in _ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ validation helpers
    def _chat_id(self, p: JSON) -> int:
        chat_id = p.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _content(self, p: JSON) -> JSON:
        raw, parse_mode = p.get("text"), p.get("parse_mode")
        text, entities = raw, []
        if isinstance(raw, str) and str(parse_mode).lower() == "html":
            text, entities = parse_html(raw)
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        content = dict(text=text, raw_text=raw, parse_mode=parse_mode, entities=entities)
        return {**content, "reply_markup": self._markup(p)}

    @staticmethod
    def _markup(p: JSON) -> JSON | None:
        """Validate ``reply_markup`` like Telegram does (inline keyboards in detail)."""
        markup = p.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard", [])
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, _BUTTON + 'Field "inline_keyboard" must be an Array of Arrays')
        for button in (button for row in rows for button in row):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, _BUTTON + 'Field "text" must be of type String')
            if len(button) < 2:
                raise ApiError(400, _BUTTON + "Text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _bot_message(self, p: JSON) -> JSON:
        chat_id, message_id = self._chat_id(p), int(p.get("message_id") or 0)
        record = self._bot_messages.get(chat_id, {}).get(message_id)
        if not record or record["deleted"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return record

    def _next_message_id(self, chat_id: int) -> int:
        self._chats.setdefault(chat_id, {"id": chat_id, "type": "private", "first_name": "Test"})
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _to_api(self, record: JSON) -> JSON:
        """The Bot API ``Message`` object of a stored bot message."""
        chat = dict(self._chats[record["chat_id"]])
        message = {"message_id": record["message_id"], "from": dict(self.bot_user), "chat": chat}
        message.update(date=record["date"], text=record["text"])
        if record["edit_date"]:
            message["edit_date"] = record["edit_date"]
        if record["entities"]:
            message["entities"] = copy.deepcopy(record["entities"])
        if record["reply_markup"] and "inline_keyboard" in record["reply_markup"]:
            message["reply_markup"] = copy.deepcopy(record["reply_markup"])
        return message

    # ------------------------------------------------------------------ test API: the users
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
        user = dict(id=user_id or chat_id, is_bot=False, first_name="Test")
        return {**user, "language_code": self.language_code}

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
            command = {"type": "bot_command", "offset": 0, "length": _utf16_len(text.split()[0])}
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

    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``retry_after``."""
        with self._lock:
            self._failures[method.lower()] = [times, retry_after]

    # ------------------------------------------------------------------ test API: inspection
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
