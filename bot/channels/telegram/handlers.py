"""Telegram handlers: map updates to engine events, run one durable step, send the reply.

Every update is one transaction (load, step, save), then sending. Updates are handled one
at a time, in order (python-telegram-bot's default), so a person's steps never interleave.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from telegram import Message as TgMessage
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.channels.conversations import Conversations
from bot.channels.telegram import callback_data, render
from bot.channels.telegram.sending import answer_query, edit_text, mark_answered, send_reply
from bot.channels.telegram.texts import (
    FORGET_CONFIRM,
    FORGOTTEN,
    HELP,
    INVALID_BUTTON,
    KEPT,
    NOTHING_STORED,
    PRIVATE_ONLY,
    SOMETHING_WRONG,
    USE_BUTTONS,
)
from bot.engine import (
    RESUME_CHOICES,
    RESUME_QUESTION,
    Answer,
    Back,
    Event,
    Restart,
    ShowSummary,
    Start,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


def person_of(update: Update) -> str:
    """The store key of the person behind an update: their private chat id."""
    return f"telegram:{update.effective_chat.id}"


class TelegramHandlers:
    """Handlers bound to one Conversations service."""

    def __init__(self, conversations: Conversations):
        self.conversations = conversations

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, optionally with a deep-link payload naming a flow."""
        payload = context.args[0] if context.args else None
        flow_id = payload if payload in self.conversations.flows else None
        await self._run(update, context, Start(), flow_id=flow_id)

    async def back(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/back"""
        await self._run(update, context, Back())

    async def restart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/restart"""
        await self._run(update, context, Restart())

    async def summary(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/summary"""
        await self._run(update, context, ShowSummary())

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help"""
        if await self._first_delivery(update):
            await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: ask for confirmation first."""
        if await self._first_delivery(update):
            await update.effective_message.reply_text(
                FORGET_CONFIRM, reply_markup=render.forget_keyboard()
            )

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed answer (or anything typed)."""
        await self._run(update, context, Answer(text=update.effective_message.text[:500]))

    async def other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice and the like."""
        if await self._first_delivery(update):
            await update.effective_message.reply_text(USE_BUTTONS)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have."""
        if await self._first_delivery(update):
            await update.effective_message.reply_text(
                "I don't know that command.\n\n" + HELP, parse_mode=ParseMode.HTML
            )

    async def group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anything addressed to the bot outside a private chat."""
        if update.effective_message and update.effective_message.text:
            text = update.effective_message.text
            if text.startswith("/"):
                await update.effective_message.reply_text(PRIVATE_ONLY)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: answers, finished-check buttons, /forget confirmation."""
        query = update.callback_query
        if update.effective_chat is None:  # inline-mode or inaccessible message: not ours
            await answer_query(query, INVALID_BUTTON)
            return
        parsed = callback_data.parse(query.data)
        if parsed is None or (
            isinstance(parsed, callback_data.AnswerButton) and not self._known(parsed)
        ):
            log.warning(
                "rejected callback data %r in update %s", str(query.data)[:80], update.update_id
            )
            await answer_query(query, INVALID_BUTTON)
            return
        if parsed in ("f:yes", "f:no"):
            await self._forget_answer(update, context, parsed == "f:yes")
            return
        if parsed == "c:summary":
            await self._run(update, context, ShowSummary())
            return
        if parsed == "c:restart":
            # Start, not Restart: an old outcome's button must not wipe a check in progress
            # (Start begins anew after an outcome, and offers Continue / Start over otherwise).
            await self._run(update, context, Start())
            return
        event = Answer(
            option_id=parsed.option_id, question_id=parsed.question_id, flow_id=parsed.flow_id
        )
        await self._run(update, context, event, pressed=query.message)

    def _known(self, button: callback_data.AnswerButton) -> bool:
        flow = self.conversations.flows.get(button.flow_id)
        if flow is None:
            return False
        if button.question_id == RESUME_QUESTION:
            return button.option_id in RESUME_CHOICES
        question = flow.question(button.question_id)
        return question is not None and question.option(button.option_id) is not None

    async def _blocking(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a store call: in place on an embedded database, else in a worker thread.

        Either way it is one synchronous transaction; SQLite answers it faster than
        handing it to a thread would cost (see bench/), PostgreSQL is a network away.
        """
        if self.conversations.store.embedded:
            return func(*args, **kwargs)
        return await asyncio.to_thread(func, *args, **kwargs)

    async def _first_delivery(self, update: Update) -> bool:
        """True unless this update was handled before (Telegram may deliver it again)."""
        if await self._blocking(self.conversations.first_delivery, update.update_id):
            return True
        log.info("ignored duplicate update %s", update.update_id)
        return False

    async def _forget_answer(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, confirmed: bool
    ) -> None:
        query = update.callback_query
        await answer_query(query, None)
        if confirmed:
            erased = await self._blocking(
                self.conversations.forget, person_of(update), update_id=update.update_id
            )
            if erased.duplicate:
                return
            context.chat_data.clear()
            text = FORGOTTEN if erased.result else NOTHING_STORED
        else:
            if not await self._first_delivery(update):
                return
            text = KEPT
        if isinstance(query.message, TgMessage):
            await edit_text(
                query.message.chat_id, query.message.message_id, text, context, html=False
            )

    async def _run(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        event: Event,
        *,
        flow_id: str | None = None,
        pressed: object = None,
    ) -> None:
        result = await self._blocking(
            self.conversations.handle,
            person_of(update),
            event,
            update_id=update.update_id,
            flow_id=flow_id,
        )
        query = update.callback_query
        if result.duplicate:
            log.info("ignored duplicate update %s", update.update_id)
            if query:
                await answer_query(query, None)
            return
        reply = result.result
        if query:
            await answer_query(query, reply.notice)
        elif reply.notice:
            await context.bot.send_message(update.effective_chat.id, reply.notice)
        await mark_answered(update, context, reply, pressed)
        await send_reply(update.effective_chat.id, context, reply)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an unexpected error with its update id and tell the person to try again."""
    update_id = getattr(update, "update_id", None)
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query:
            await answer_query(update.callback_query, SOMETHING_WRONG)
        await context.bot.send_message(update.effective_chat.id, SOMETHING_WRONG)
    except TelegramError:
        log.warning("could not tell chat about the error in update %s", update_id)
