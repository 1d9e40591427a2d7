"""Admin commands on Telegram (/reload, /rollback, /stats, /preview) and the publish
reports admins get.

Admins are the numeric Telegram user ids in ``ADMIN_IDS``; anyone else sending an admin
command gets the normal unknown-command reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, TypeHandler, filters

from bot.audit.stats import stats_report
from bot.channels.telegram import sending
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.person_keys import person_key
from bot.channels.telegram.preview import DEEP_LINK, Previews
from bot.publish.publisher import Published, Publisher
from bot.publish.watcher import watch_flows
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_TEXT = 3800  # Telegram allows 4096 characters per message
NOTHING_NEW = "Nothing to publish: every flow file is live as it is."

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


class AdminCommands:
    """The admin side of the bot, bound to the person-facing handlers it falls back on."""

    def __init__(self, handlers: TelegramHandlers, admin_ids: tuple[int, ...], bot_id: str):
        self.handlers = handlers
        self.conversations = handlers.conversations
        self.admin_ids = frozenset(admin_ids)
        self.bot_id = bot_id

    @property
    def publisher(self) -> Publisher:
        assert self.conversations.publisher is not None
        return self.conversations.publisher

    def is_admin(self, update: Update) -> bool:
        """Whether the update comes from an admin (by Telegram user id)."""
        user = update.effective_user
        return user is not None and user.id in self.admin_ids

    def only_admins(self, handler: Handler) -> Handler:
        """``handler`` for admins; the unknown-command reply for everyone else."""

        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if self.is_admin(update) and self.conversations.publisher is not None:
                await handler(update, context)
            else:
                await self.handlers.unknown_command(update, context)

        return guarded

    def admins_else(self, handler: Handler) -> Handler:
        """``handler`` for admins; the person's /start for everyone else."""

        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if self.is_admin(update):
                await handler(update, context)
            else:
                await self.handlers.start(update, context)

        return guarded

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reload: offer every changed flow file to the publish gate."""
        results = await asyncio.to_thread(self.publisher.reload, "admin", again=True)
        await self._answer(update, [r.describe() for r in results] or [NOTHING_NEW])
        await self.tell_admins(results, except_id=update.effective_user.id)

    async def rollback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/rollback [FLOW]: put the previous release of a flow back (default flow)."""
        flow_id = context.args[0] if context.args else self.conversations.default_flow
        result = await asyncio.to_thread(self.publisher.rollback, flow_id, "admin")
        await self._answer(update, [("Rolled back: " if result.live else "") + result.describe()])
        if result.live:
            await self.tell_admins([result], except_id=update.effective_user.id)

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/stats: the anonymous statistics of every check."""
        engine, flows = self.conversations.store.engine, self.conversations.flows
        report = await asyncio.to_thread(stats_report, engine, None, flows)
        await self._answer(update, [report])

    async def tell_admins(self, results: list[Published], *, except_id: int | None = None) -> None:
        """Send each admin what was published or refused (through the outbox)."""
        texts = [r.describe() for r in results]
        if not texts:
            return
        for admin in self.admin_ids - {except_id}:
            await self._queue(person_key(self.bot_id, admin), admin, texts, None)

    async def run(self, publisher: Publisher, debounce_ms: int | None) -> None:
        """Tell the admins what start-up refused, then watch the flow files (until cancelled;
        with ``debounce_ms`` None, only /reload publishes)."""
        for result in publisher.startup:
            log.info("start-up: %s", result.describe().replace("\n", " | "))
        await self.tell_admins([r for r in publisher.startup if not r.live])
        if debounce_ms is None:
            await asyncio.Event().wait()
        await watch_flows(publisher.flows_dir, self.on_files_changed, debounce_ms=debounce_ms)

    async def on_files_changed(self) -> None:
        """The watcher noticed edits: publish what passes, report to the admins."""
        results = await asyncio.to_thread(self.publisher.reload, "watcher")
        await self.tell_admins(results)

    async def _answer(self, update: Update, texts: list[str]) -> None:
        chat_id = update.effective_chat.id
        await self._queue(person_key(self.bot_id, chat_id), chat_id, texts, update.update_id)

    async def _queue(
        self, person: str, chat_id: int, texts: list[str], update_id: int | None
    ) -> None:
        def deliver(tx) -> None:
            for text in texts:
                body = text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "\n…"
                tx.send(sending.message(chat_id, body, html=False))

        work = self.conversations.responding(person, deliver, update_id=update_id)
        await self.conversations.store.run_soon(work)


def add_admin_handlers(app: Application, handlers: TelegramHandlers, settings: Settings) -> None:
    """Register the admin commands (before the unknown-command handler) and the watcher."""
    admin = app.bot_data["admin"] = AdminCommands(handlers, settings.admin_ids, settings.bot_id)
    message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    previews = Previews(handlers, settings.flows_dir)
    app.add_handler(TypeHandler(Update, previews.route), group=-1)  # before everything else
    app.add_handler(CommandHandler("preview", admin.only_admins(previews.command), message))
    link = message & filters.Regex(rf"^{DEEP_LINK}\S+$")
    app.add_handler(CommandHandler("start", admin.admins_else(previews.deep_link), link))
    for name in ("reload", "rollback", "stats"):
        callback = admin.only_admins(getattr(admin, name))
        app.add_handler(CommandHandler(name, callback, filters=message))
    publisher = handlers.conversations.publisher
    if publisher is not None:
        watch = settings.flow_watch_debounce_ms if settings.watch_flows else None
        app.bot_data.setdefault("background", []).append(
            ("flow publishing", lambda: admin.run(publisher, watch))
        )
