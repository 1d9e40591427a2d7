"""Webhook mode: updates arrive over HTTPS, are stored in the inbox, then answered 200.

The HTTP server is python-telegram-bot's own (``WebhookServer``, a thin wrapper around
tornado's HTTPServer), hosting our tornado application instead of python-telegram-bot's
``WebhookAppClass``: that one answers 200 once an update is in an in-memory queue (lost on a
crash) and compares the secret token with ``!=``. Ours stores the update durably before
answering, compares the secret in constant time, caps the body, and adds ``/healthz`` and
``/metrics``. Handling happens afterwards in the inbox worker, so a slow step never makes
Telegram time out and send the update again; if it does, the inbox ignores the repeat.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.ext._utils.webhookhandler import WebhookServer

from bot.channels.conversations import Conversations
from bot.channels.telegram import metrics
from bot.channels.telegram.polling import ALLOWED_UPDATES
from bot.channels.telegram.raw_updates import person_of_json, stored_form, update_id_of
from bot.settings import Settings
from bot.store import Pending, SessionStore, is_unavailable

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20  # Telegram's updates are a few KiB
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


class FeedFailed(Exception):
    """The webhook could not start; the reason was logged as one line."""


def webhook_problem(settings: Settings) -> str | None:
    """Why webhook mode cannot start with these settings, naming the setting; or None."""
    if settings.webhook_url is None:
        return "WEBHOOK_URL: is not set (the public https:// address Telegram calls)"
    if settings.webhook_secret is None:
        return "WEBHOOK_SECRET: is not set (without it anyone could post updates)"
    if webhook_path(settings.webhook_url) in (HEALTH_PATH, METRICS_PATH):
        return f"WEBHOOK_URL: its path may not be {HEALTH_PATH} or {METRICS_PATH}"
    return None


def webhook_path(url: str) -> str:
    """The path Telegram posts to (the reverse proxy passes it on unchanged)."""
    return urlsplit(url).path.rstrip("/") or "/"


class Receiver:
    """Checks a posted update and stores it in the inbox; says which HTTP status to answer."""

    def __init__(self, store: SessionStore, secret: str, offer: Callable[[list[Pending]], None]):
        self.store = store
        self.secret = secret.encode()
        self.offer = offer  # hands stored updates to the inbox worker

    async def _blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        if self.store.embedded:
            return func(*args)
        return await asyncio.to_thread(func, *args)

    async def receive(self, secret: str | None, body: bytes) -> HTTPStatus:
        """Store one posted update: 200 once it is stored (or was before), else why not."""
        if secret is None or not hmac.compare_digest(secret.encode(), self.secret):
            metrics.WEBHOOK_REJECTED.labels("secret").inc()
            return HTTPStatus.FORBIDDEN
        if len(body) > MAX_BODY_BYTES:
            metrics.WEBHOOK_REJECTED.labels("too_large").inc()
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
        try:
            text = body.decode("utf-8")
            update = json.loads(text)
        except ValueError:
            metrics.WEBHOOK_REJECTED.labels("not_json").inc()
            return HTTPStatus.BAD_REQUEST
        update_id = update_id_of(update)
        if update_id is None:
            metrics.WEBHOOK_REJECTED.labels("not_an_update").inc()
            return HTTPStatus.BAD_REQUEST
        person = person_of_json(self.store.bot, update)
        stored = json.dumps(stored_form(update))
        try:
            new = await self.store.inbox.add_soon(update_id, person, stored)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("webhook: cannot store update %s, the database is unavailable", update_id)
            metrics.ERRORS.labels("database").inc()
            return HTTPStatus.SERVICE_UNAVAILABLE  # Telegram delivers it again later
        if not new:
            metrics.DUPLICATES.labels("webhook").inc()
            log.info("ignored duplicate update %s", update_id)
        else:
            metrics.UPDATES_RECEIVED.labels("webhook").inc()
            self.offer([Pending(update_id, stored, 0, person)])
        return HTTPStatus.OK

    async def healthy(self) -> bool:
        """Whether the database answers (what a load balancer should know)."""
        try:
            await self._blocking(self.store.inbox.unprocessed)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            return False
        return True


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST of an update by Telegram."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        self.request.connection.set_max_body_size(MAX_BODY_BYTES)  # type: ignore[union-attr]
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            metrics.WEBHOOK_REJECTED.labels("too_large").inc()
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    async def post(self) -> None:
        with metrics.WEBHOOK_SECONDS.time():
            status = await self.receiver.receive(
                self.request.headers.get(SECRET_HEADER), b"".join(self.chunks)
            )
        self.set_status(status)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """tornado would log the request (and so the secret header) on errors: do not."""


class HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 when the database answers, else 503."""

    SUPPORTED_METHODS = ("GET",)  # type: ignore[assignment]

    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    async def get(self) -> None:
        ok = await self.receiver.healthy()
        self.set_status(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.finish({"status": "ok" if ok else "database unavailable"})


class MetricsHandler(tornado.web.RequestHandler):
    """GET /metrics in Prometheus' text format."""

    SUPPORTED_METHODS = ("GET",)  # type: ignore[assignment]

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(generate_latest())


class WebhookApp(tornado.web.Application):
    """The routes: the webhook path, /healthz and /metrics."""

    def __init__(self, path: str, receiver: Receiver):
        routes = [
            (HEALTH_PATH, HealthHandler, {"receiver": receiver}),
            (METRICS_PATH, MetricsHandler),
            (rf"{path.rstrip('/')}/?", UpdateHandler, {"receiver": receiver}),
        ]
        super().__init__(routes)

    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: it would hold the remote address of each request."""


def feed(settings: Settings) -> Callable[[Application], Awaitable[None]]:
    """The update feed of ``serve``: register the webhook, then serve it until cancelled."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    url, secret = settings.webhook_url, settings.webhook_secret.get_secret_value()

    async def run(app: Application) -> None:
        conversations: Conversations = app.bot_data["conversations"]
        worker = app.bot_data["worker"]
        receiver = Receiver(conversations.store, secret, worker.offer)
        server = WebhookServer(
            settings.webhook_listen,
            settings.webhook_port,
            WebhookApp(webhook_path(url), receiver),  # type: ignore[arg-type]
            None,  # TLS ends at the reverse proxy
        )
        try:
            await server.serve_forever()
        except OSError as exc:
            where = f"{settings.webhook_listen}:{settings.webhook_port}"
            log.error("WEBHOOK_PORT: cannot listen on %s: %s", where, exc.strerror or exc)
            raise FeedFailed from None
        try:
            await app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        except TelegramError as exc:
            log.error("WEBHOOK_URL: Telegram refused the webhook: %s", exc)
            await server.shutdown()
            raise FeedFailed from None
        log.info("webhook: listening on %s:%s", settings.webhook_listen, settings.webhook_port)
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            await server.shutdown()

    return run


def run_webhook(settings: Settings, conversations: Conversations | None = None) -> int:
    """Run the bot in webhook mode until SIGINT/SIGTERM; return the exit code."""
    from bot.channels.telegram.app import create_application, serve

    app = create_application(settings, conversations)
    where = settings.telegram_base_url or "the Telegram Bot API"
    return asyncio.run(serve(app, where, feed=feed(settings)))
