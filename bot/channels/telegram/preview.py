"""/preview FLOW: an admin tries a flow file that is not published (a draft in
``FLOWS_DIR/drafts/``, which is never published, or a file the gate refused), exactly as a
person would see it; also by the deep link ``t.me/<bot>?start=preview-FLOW``. The preview
session is stored under ``preview:telegram:<chat>``, apart from the admin's real one, and is
never counted in the statistics (``bot.audit``).

While an admin previews, everything they send goes to the preview, except admin commands;
``/preview off`` (or ``/preview`` alone) ends it and erases the preview session. A restart
ends every preview.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.audit import PREVIEW_PREFIX
from bot.channels.conversations import Conversations
from bot.channels.telegram import sending
from bot.channels.telegram.handlers import TelegramHandlers
from bot.engine import Start
from bot.flow import check_flow_file

# Commands a person has, run inside a preview the same way.
PERSON_COMMANDS = ("start", "back", "restart", "summary", "help", "forget")
ADMIN_COMMANDS = ("/preview", "/reload", "/rollback", "/stats")
# t.me/<bot>?start=preview-<flow>: a hyphen never occurs in a flow id, so no flow is shadowed.
LINK_PREFIX = "preview-"
DEEP_LINK = f"/start {LINK_PREFIX}"
ENDED = "Preview ended: you are back in the live bot."
USAGE = "Send /preview FLOW: a file in the flows folder or its drafts/ folder."


class Previews:
    """Admins' previews, by chat id (kept in memory only)."""

    def __init__(self, live: TelegramHandlers, flows_dir: Path):
        self.live = live
        self.flows_dir = flows_dir
        self.active: dict[int, TelegramHandlers] = {}

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/preview FLOW starts a preview; /preview off ends it."""
        chat_id = update.effective_chat.id
        name = context.args[0] if context.args else "off"
        if name == "off":
            await self._end(update, chat_id)
            return
        if Path(name).name != name:
            await self.live._say(update, USAGE)
            return
        file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
        drafts = self.flows_dir / "drafts" / file
        path = drafts if drafts.is_file() else self.flows_dir / file
        flow, errors = await asyncio.to_thread(check_flow_file, path)
        if flow is None:
            problems = "\n".join(str(e) for e in errors[:20])
            await self.live._say(update, f"Cannot preview {path}:\n{problems}")
            return
        store = self.live.conversations.store
        preview = Conversations({flow.id: flow}, store, flow.id)
        handlers = TelegramHandlers(preview, person_prefix=PREVIEW_PREFIX)
        self.active[chat_id] = handlers
        await asyncio.to_thread(store.erase, handlers.person(update))
        note = (
            f"Preview of {path.name} (version {flow.version}, not published). You see what a"
            " person would see; nothing counts in the statistics. /preview off ends it."
        )
        person = handlers.person(update)
        await asyncio.to_thread(
            preview.respond, person, lambda tx: tx.send(sending.message(chat_id, note, html=False))
        )
        await handlers._run(update, Start())

    async def deep_link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start preview-FLOW (an admin's deep link): the same as /preview FLOW."""
        context.args = [context.args[0].removeprefix(LINK_PREFIX)]
        await self.command(update, context)

    async def route(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send an update of a chat in preview to the preview (and stop other handlers)."""
        chat = update.effective_chat
        handlers = self.active.get(chat.id) if chat is not None else None
        if handlers is None:
            return
        message = update.effective_message
        text = message.text if message is not None and update.message is not None else None
        if text is not None and (
            text.split()[0].split("@")[0] in ADMIN_COMMANDS or text.startswith(DEEP_LINK)
        ):
            return  # the admin commands (and a preview link) work in a preview too
        if update.callback_query is not None:
            await handlers.button(update, context)
        elif text is not None and text.startswith("/"):
            name = text.split()[0][1:].split("@")[0]
            context.args = text.split()[1:]
            action = getattr(handlers, name) if name in PERSON_COMMANDS else None
            await (action or handlers.unknown_command)(update, context)
        elif text is not None:
            await handlers.text(update, context)
        elif update.message is not None:
            await handlers.other(update, context)
        else:
            return
        raise ApplicationHandlerStop

    async def _end(self, update: Update, chat_id: int) -> None:
        handlers = self.active.pop(chat_id, None)
        if handlers is not None:
            await asyncio.to_thread(handlers.conversations.store.erase, handlers.person(update))
        await self.live._say(update, ENDED)
