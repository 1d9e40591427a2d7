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
import json
import logging
import threading
from typing import Any

from aiohttp import web

from tests.bot_api_html import ApiError

from .emulator_methods import BotApiMethods
from .emulator_people import PeopleActions
from .emulator_views import EmulatorViews

log = logging.getLogger(__name__)
JSON = dict[str, Any]

# Form values that are plain strings even when they look like JSON (e.g. text="[1]").
_STRING_PARAMS = {"text", "caption", "parse_mode", "callback_query_id", "action", "url", "emoji"}


class Emulator(BotApiMethods, PeopleActions, EmulatorViews):
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
        self._profiles: dict[int, JSON] = {}  # chat id -> first_name, username, ... of its user
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
        """Merge query string and JSON, form or multipart body; JSON-decode non-text values.

        An uploaded file becomes ``{"file_name", "mime_type", "content"}`` (bytes)."""
        fields: JSON = dict(request.query)
        if request.content_type != "application/json" and request.can_read_body:
            for key, value in (await request.post()).items():
                if isinstance(value, str):
                    fields[key] = value
                else:
                    upload = dict(file_name=value.filename, mime_type=value.content_type)
                    fields[key] = {**upload, "content": value.file.read()}
        params: JSON = {}
        for key, value in fields.items():
            params[key] = value
            if key not in _STRING_PARAMS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        if request.content_type == "application/json" and request.can_read_body:
            params.update(await request.json() or {})  # already typed
        return params

    def fail_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``retry_after``."""
        with self._lock:
            self._failures[method.lower()] = [times, retry_after]
