"""Engine replies as queued Bot API calls (JSON), written to the outbox in the step's transaction.

A queued call is ``{"method": ..., "params": {...}}`` in Bot API form; the relay sends it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from telegram import InlineKeyboardMarkup

from bot.channels.telegram import render
from bot.engine import Reply
from bot.store import Tx


def call(method: str, **params: object) -> str:
    """A queued Bot API call."""
    return json.dumps({"method": method, "params": params}, ensure_ascii=False)


def message(chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None, html=True) -> str:
    """A sendMessage call."""
    params: dict[str, object] = {"chat_id": chat_id, "text": text}
    if html:
        params["parse_mode"] = "HTML"
    if markup is not None:
        params["reply_markup"] = markup_json(markup)
    return call("sendMessage", **params)


@lru_cache(maxsize=2048)
def markup_json(markup: InlineKeyboardMarkup) -> str:
    """A keyboard as the Bot API takes it: a JSON string, which python-telegram-bot sends as
    it is (a dict it would serialise again, field by field, for every message). Keyboards
    are cached per prompt (render.prompt_keyboard); so is this form."""
    return json.dumps(markup.to_dict(), ensure_ascii=False, separators=(",", ":"))


def edit(chat_id: int, message_id: int, text: str, *, html: bool = True) -> str:
    """An editMessageText call (drops the keyboard)."""
    params: dict[str, object] = {"chat_id": chat_id, "message_id": message_id, "text": text}
    if html:
        params["parse_mode"] = "HTML"
    return call("editMessageText", **params)


def document(chat_id: int, kind: str) -> str:
    """A sendDocument call naming only the kind of document: it is rendered when sent."""
    return call("sendDocument", chat_id=chat_id, document=kind)


def answer(query_id: str, text: str | None = None) -> str:
    """An answerCallbackQuery call (stops the button's spinner)."""
    return call("answerCallbackQuery", callback_query_id=query_id, text=text)


@dataclass(frozen=True)
class ReplyTo:
    """Where a reply goes: the chat, the pressed button's query and message, if any."""

    chat_id: int
    query_id: str | None = None
    pressed_message_id: int | None = None

    def deliver(self, reply: Reply, tx: Tx) -> None:
        """Queue the reply: spinner answer, notice, answered mark, messages, question."""
        if self.query_id is not None:
            tx.send(answer(self.query_id, reply.notice))
        elif reply.notice:
            tx.send(message(self.chat_id, reply.notice, html=False))
        self._mark_answered(reply, tx)
        chunks = [(m, chunk) for m in reply.messages for chunk in render.message_html(m)]
        for i, (shown, text) in enumerate(chunks):
            last = i == len(chunks) - 1
            finished = last and reply.ended and not reply.prompt
            keyboard = render.finished_keyboard() if finished else None
            if shown.tone == "summary" and (last or chunks[i + 1][0] is not shown):
                keyboard = render.summary_keyboard(finished)
            tx.send(message(self.chat_id, text, keyboard))
        if reply.prompt:
            html = render.prompt_html(reply.prompt)
            keyboard = render.prompt_keyboard(reply.prompt)
            tx.send(message(self.chat_id, html, keyboard), question_id=reply.prompt.question_id)

    def _mark_answered(self, reply: Reply, tx: Tx) -> None:
        """Show the chosen answer on the question's message and drop its keyboard."""
        if reply.answered is None:
            return
        message_id = self.pressed_message_id
        if message_id is None:  # typed: the question's message, once it was delivered
            last = tx.last_prompt()
            if last is None or last.question_id != reply.answered.question_id:
                return
            message_id = last.message_id
        if message_id is None:
            return
        prompt = render.prompt_html(reply.answered.prompt)
        tx.send(edit(self.chat_id, message_id, render.answered_html(prompt, reply.answered.choice)))
