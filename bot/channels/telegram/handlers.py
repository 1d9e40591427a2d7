"""Telegram handlers: map updates to engine events and run one durable step each.

Each handler is one transaction: mark the update processed in the inbox, step, save, and
queue the reply in the outbox; the relay sends it afterwards. Nothing is sent from here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from telegram import Message as TgMessage
from telegram import Update
from telegram.ext import ContextTypes

from bot.channels.conversations import Conversations, Typed
from bot.channels.telegram import callback_data, checkin_list, sending
from bot.channels.telegram.person_keys import bot_id_of, bot_prefix, person_of
from bot.channels.telegram.render import forget_keyboard, switch_keyboard
from bot.channels.telegram.sending import ReplyTo
from bot.channels.telegram.texts import (
    FORGET_CONFIRM,
    FORGOTTEN,
    HELP,
    INVALID_BUTTON,
    KEPT,
    NOTHING_STORED,
    PRIVATE_ONLY,
    SWITCH_FLOW,
    UNKNOWN_COMMAND,
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
from bot.engine.followup import knows
from bot.reports.documents import EXPORT, SUMMARY_PDF
from bot.store import Tx

log = logging.getLogger(__name__)
T = TypeVar("T")


class TelegramHandlers:
    """Handlers bound to one Conversations service."""

    def __init__(self, conversations: Conversations, person_prefix: str = ""):
        self.conversations = conversations
        self.person_prefix = person_prefix  # "preview:" keeps an admin's preview apart

    def person(self, update: Update) -> str | None:
        """The store key these handlers use for the person behind an update."""
        person = person_of(update)
        return None if person is None else self.person_prefix + person

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, optionally with a deep-link payload naming a flow."""
        payload = context.args[0] if context.args else None
        flows = self.conversations.flows
        flow_id = payload if payload in flows else None
        if flow_id is not None:
            session = await self._blocking(self.conversations.store.load, self.person(update))
            if session and not session.ended and session.answers and session.flow_id != flow_id:
                current = flows[session.flow_id].title if session.flow_id in flows else "a check"
                other = flows[flow_id].title
                text = SWITCH_FLOW.format(current=current, other=other)
                chat_id = update.effective_chat.id
                keyboard = switch_keyboard(flow_id, other)
                await self._respond(
                    update, lambda tx: tx.send(sending.message(chat_id, text, keyboard, html=False))
                )
                return
        await self._run(update, Start(), flow_id=flow_id)

    async def back(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/back"""
        await self._run(update, Back())

    async def restart(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/restart"""
        await self._run(update, Restart())

    async def summary(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/summary"""
        await self._run(update, ShowSummary())

    async def export(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/export: everything stored about the person, as a JSON document."""
        await self._document(update, EXPORT)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help"""
        await self._say(update, HELP, html=True)

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/forget: ask for confirmation first."""
        chat_id = update.effective_chat.id
        await self._respond(
            update, lambda tx: tx.send(sending.message(chat_id, FORGET_CONFIRM, forget_keyboard()))
        )

    async def checkins(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/checkins: the person's scheduled check-ins, each with a cancel button."""
        chat_id = update.effective_chat.id
        await self._respond(update, lambda tx: checkin_list.show(tx, chat_id))

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A typed answer (or anything typed)."""
        message = update.effective_message
        event = Answer(text=message.text[:500])
        await self._run(update, event, typed=Typed(message.message_id))

    async def other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, photos, voice and the like."""
        await self._say(update, USE_BUTTONS)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command the bot does not have."""
        await self._say(update, UNKNOWN_COMMAND + HELP, html=True)

    async def group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command addressed to this bot outside a private chat."""
        await self._say(update, PRIVATE_ONLY)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button: answers, finished-check buttons, /forget confirmation."""
        query = update.callback_query
        if update.effective_chat is None or query.message is None:  # inline mode: not ours
            await self._respond(update, _refuse(query.id))
            return
        parsed = callback_data.parse(query.data)
        if (
            update.effective_chat.type != "private"
            or parsed is None
            or (
                isinstance(parsed, callback_data.SwitchButton)
                and parsed.flow_id not in self.conversations.flows
            )
            or (
                isinstance(parsed, callback_data.AnswerButton)
                and not self._known(parsed)
                and not await self._outdated(update, parsed)
            )
        ):
            log.warning(
                "rejected callback data %r in update %s", str(query.data)[:80], update.update_id
            )
            await self._respond(update, _refuse(query.id))
            return
        if isinstance(parsed, callback_data.CancelCheckin):
            chat_id, pressed = update.effective_chat.id, query.message.message_id
            await self._respond(
                update,
                lambda tx: checkin_list.cancel(tx, chat_id, parsed.checkin_id, query.id, pressed),
            )
        elif parsed in ("f:yes", "f:no"):
            await self._forget_answer(update, parsed == "f:yes")
        elif parsed == "c:pdf":
            await self._document(update, SUMMARY_PDF)
        elif parsed == "c:summary":
            await self._run(update, ShowSummary())
        elif isinstance(parsed, callback_data.SwitchButton):
            await self._run(update, Restart(), flow_id=parsed.flow_id)
        elif parsed == "c:keep":
            await self._run(update, Start())
        elif parsed == "c:restart":
            # Start, not Restart: an old outcome's button must not wipe a check in progress
            # (Start begins anew after an outcome, and offers Continue / Start over otherwise).
            await self._run(update, Start())
        else:
            event = Answer(
                option_id=parsed.option_id, question_id=parsed.question_id, flow_id=parsed.flow_id
            )
            await self._run(update, event)

    def _known(self, button: callback_data.AnswerButton) -> bool:
        flow = self.conversations.flows.get(button.flow_id)
        if flow is None:
            return False
        if button.question_id == RESUME_QUESTION:
            return button.option_id in RESUME_CHOICES
        question = flow.question(button.question_id)
        if question is None:
            return knows(flow, button.question_id, button.option_id)
        return question.option(button.option_id) is not None

    async def _outdated(self, update: Update, button: callback_data.AnswerButton) -> bool:
        """A button of a question an update of the flow removed, pressed by someone still on
        the old version: the engine moves them on (and asks their current question)."""
        flow = self.conversations.flows.get(button.flow_id)
        if flow is None:
            return False
        session = await self._blocking(self.conversations.store.load, self.person(update))
        return (
            session is not None
            and session.flow_id == flow.id
            and session.flow_version != flow.version
        )

    async def _blocking(self, func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a store call: in place on an embedded database, else in a worker thread.

        Either way it is one synchronous transaction; SQLite answers it faster than
        handing it to a thread would cost (see bench/), PostgreSQL is a network away.
        """
        if self.conversations.store.embedded:
            return func(*args, **kwargs)
        return await asyncio.to_thread(func, *args, **kwargs)

    async def _respond(self, update: Update, deliver: Callable[[Tx], None]) -> None:
        """Queue messages that change no session."""
        person = self.person(update) or f"{bot_prefix(bot_id_of(update.get_bot().token))}-"
        result = await self.conversations.store.run_soon(
            self.conversations.responding(person, deliver, update_id=update.update_id)
        )
        if result.duplicate:
            log.info("ignored duplicate update %s", update.update_id)

    async def _say(self, update: Update, text: str, *, html: bool = False) -> None:
        chat_id = update.effective_chat.id
        await self._respond(update, lambda tx: tx.send(sending.message(chat_id, text, html=html)))

    async def _document(self, update: Update, kind: str) -> None:
        """Queue a document; only its kind is stored, it is rendered when it is sent."""
        chat_id = update.effective_chat.id
        query = update.callback_query

        def deliver(tx: Tx) -> None:
            if query is not None:
                tx.send(sending.answer(query.id))
            tx.send(sending.document(chat_id, kind))

        await self._respond(update, deliver)

    async def _forget_answer(self, update: Update, confirmed: bool) -> None:
        query = update.callback_query
        chat_id = update.effective_chat.id
        message_id = query.message.message_id if isinstance(query.message, TgMessage) else None

        def confirm(tx: Tx, text: str) -> None:
            tx.send(sending.answer(query.id))
            if message_id is not None:
                tx.send(sending.edit(chat_id, message_id, text, html=False))

        if not confirmed:
            await self._respond(update, lambda tx: confirm(tx, KEPT))
            return
        result = await self.conversations.store.run_soon(
            self.conversations.forgetting(
                self.person(update),
                update_id=update.update_id,
                deliver=lambda tx, erased: confirm(tx, FORGOTTEN if erased else NOTHING_STORED),
            )
        )
        if result.duplicate:
            log.info("ignored duplicate update %s", update.update_id)

    async def _run(
        self,
        update: Update,
        event: Event,
        *,
        flow_id: str | None = None,
        typed: Typed | None = None,
    ) -> None:
        query = update.callback_query
        pressed = query.message if query is not None else None
        reply_to = ReplyTo(
            chat_id=update.effective_chat.id,
            query_id=query.id if query is not None else None,
            pressed_message_id=pressed.message_id if isinstance(pressed, TgMessage) else None,
        )
        result = await self.conversations.store.run_soon(
            self.conversations.handling(
                self.person(update),
                event,
                update_id=update.update_id,
                flow_id=flow_id,
                deliver=reply_to.deliver,
                typed=typed,
            )
        )
        if result.duplicate:
            log.info("ignored duplicate update %s", update.update_id)


def _refuse(query_id: str) -> Callable[[Tx], None]:
    return lambda tx: tx.send(sending.answer(query_id, INVALID_BUTTON))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Note the failure for the inbox worker, which retries the update or gives up on it."""
    update_id = getattr(update, "update_id", None)
    failures = context.application.bot_data.setdefault("failures", {})
    if update_id is not None:
        failures[update_id] = context.error
    else:
        log.error("error outside an update", exc_info=context.error)
