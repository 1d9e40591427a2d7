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
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.channels.conversations import Conversations
from bot.channels.telegram import callback_data, render
from bot.engine import RESUME_QUESTION, Answer, Back, Event, Reply, Restart, ShowSummary, Start

log = logging.getLogger(__name__)
T = TypeVar("T")

HELP = (
    "<b>How this works</b>\n"
    "I ask a few questions about your nose or lip twitching: warning signs first, then "
    "everyday triggers. Tap a button or type your answer (the number, the words, or yes / no / "
    "not sure).\n\n"
    "/start – start or continue the check\n"
    "/back – go back to the previous question\n"
    "/restart – start again from the beginning\n"
    "/summary – your answers so far, to show a doctor\n"
    "/forget – erase everything stored about you\n"
    "/help – this message\n\n"
    "<i>This is not medical advice or a diagnosis. In an emergency call your local emergency "
    "number.</i>"
)
COMMANDS = [
    ("start", "Start or continue the check"),
    ("back", "Go back one question"),
    ("restart", "Start again"),
    ("summary", "Show your answers"),
    ("forget", "Erase everything stored about you"),
    ("help", "How this works"),
]
USE_BUTTONS = "Please use the buttons, or type your answer as text."
INVALID_BUTTON = "That button is no longer valid. Please answer the latest question."
SOMETHING_WRONG = "Sorry, something went wrong on my side. Please try again."
PRIVATE_ONLY = "For your privacy I only do health checks in a private chat with me."
FORGET_CONFIRM = "This erases your answers and everything else stored about you. Are you sure?"
FORGOTTEN = "Done: everything stored about you has been erased. Send /start to begin again."
NOTHING_STORED = "There was nothing stored about you. Send /start to begin."
KEPT = "Okay, nothing was erased."


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
            await _answer_query(query, INVALID_BUTTON)
            return
        parsed = callback_data.parse(query.data)
        if parsed is None or (
            isinstance(parsed, callback_data.AnswerButton) and not self._known(parsed)
        ):
            log.warning(
                "rejected callback data %r in update %s", str(query.data)[:80], update.update_id
            )
            await _answer_query(query, INVALID_BUTTON)
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
            return button.option_id in ("continue", "restart")
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
        await _answer_query(query, None)
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
            await _edit(query.message.chat_id, query.message.message_id, text, context, html=False)

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
                await _answer_query(query, None)
            return
        reply = result.result
        if query:
            await _answer_query(query, reply.notice)
        elif reply.notice:
            await context.bot.send_message(update.effective_chat.id, reply.notice)
        await _mark_answered(update, context, reply, pressed)
        await send_reply(update.effective_chat.id, context, reply)


async def _mark_answered(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply, pressed: object
) -> None:
    """Show the chosen answer on the question's message and drop its keyboard."""
    if reply.answered is None:
        return
    if isinstance(pressed, TgMessage):
        message_id = pressed.message_id
    else:  # a typed answer: the question message we sent last, if this process sent it
        last = context.chat_data.get("prompt")
        if not last or last[1] != reply.answered.question_id:
            return
        message_id = last[0]
    html = render.answered_html(render.prompt_html(reply.answered.prompt), reply.answered.choice)
    await _edit(update.effective_chat.id, message_id, html, context)


async def send_reply(chat_id: int, context: ContextTypes.DEFAULT_TYPE, reply: Reply) -> None:
    """Send the reply's messages, then its question with buttons."""
    texts = [chunk for message in reply.messages for chunk in render.message_html(message)]
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        markup = render.finished_keyboard() if last and reply.ended and not reply.prompt else None
        await context.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    if reply.prompt:
        html = render.prompt_html(reply.prompt)
        sent = await context.bot.send_message(
            chat_id,
            html,
            parse_mode=ParseMode.HTML,
            reply_markup=render.prompt_keyboard(reply.prompt),
        )
        # Best effort only (lost on restart): lets a typed answer mark the question answered.
        context.chat_data["prompt"] = (sent.message_id, reply.prompt.question_id)


async def _answer_query(query: object, text: str | None) -> None:
    try:
        await query.answer(text)  # type: ignore[attr-defined]
    except BadRequest as exc:  # already answered or too old: the person sees nothing anyway
        log.debug("callback answer failed: %s", exc)


async def _edit(
    chat_id: int,
    message_id: int,
    text: str,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    html: bool = True,
) -> None:
    if not text:
        return
    try:
        await context.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML if html else None,
        )
    except BadRequest as exc:  # "message is not modified", or the message is gone
        log.debug("edit of message %s failed: %s", message_id, exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an unexpected error with its update id and tell the person to try again."""
    update_id = getattr(update, "update_id", None)
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query:
            await _answer_query(update.callback_query, SOMETHING_WRONG)
        await context.bot.send_message(update.effective_chat.id, SOMETHING_WRONG)
    except TelegramError:
        log.warning("could not tell chat about the error in update %s", update_id)
