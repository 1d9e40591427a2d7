"""Sending engine replies to Telegram: new messages, and marking answered questions."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram import Message as TgMessage
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram import render
from bot.engine import Reply

log = logging.getLogger(__name__)


async def mark_answered(
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
    await edit_text(update.effective_chat.id, message_id, html, context)


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


async def answer_query(query: CallbackQuery, text: str | None) -> None:
    """Answer a callback query (stops the button's spinner), with an optional notice."""
    try:
        await query.answer(text)
    except TelegramError as exc:  # already answered or too old: only the spinner is affected
        log.debug("callback answer failed: %s", exc)


async def edit_text(
    chat_id: int,
    message_id: int,
    text: str,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    html: bool = True,
) -> None:
    """Replace a message's text and drop its keyboard; a failed edit is harmless."""
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
    except TelegramError as exc:  # cosmetic: the conversation goes on without it
        log.warning("edit of message %s failed: %s", message_id, exc)
