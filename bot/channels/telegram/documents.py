"""sendDocument for the relay: the document named in the outbox is rendered as it is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InputFile, Message

from bot.channels.conversations import Conversations
from bot.channels.telegram.texts import NO_SUMMARY_YET, NOTHING_TO_EXPORT
from bot.reports.documents import EXPORT, Document, Documents

# (kind, person key) -> the rendered document, or None when nothing is stored for it.
DocumentSource = Callable[[str, str], Awaitable[Document | None]]


def document_source(bot: Bot, conversations: Conversations) -> DocumentSource:
    """Renders documents in a worker thread (PDF layout is CPU work), named after the bot."""
    documents = Documents(conversations.flows, conversations.store)

    async def render(kind: str, person: str) -> Document | None:
        name = f"{bot.first_name} (@{bot.username})"
        return await asyncio.to_thread(documents.render, kind, person, bot_name=name)

    return render


async def send_document(
    bot: Bot, person: str, params: dict[str, Any], source: DocumentSource | None
) -> Message:
    """Render and send the document, or say there is nothing to put in it."""
    kind, chat_id = str(params["document"]), params["chat_id"]
    document = await source(kind, person) if source is not None else None
    if document is None:
        text = NOTHING_TO_EXPORT if kind == EXPORT else NO_SUMMARY_YET
        return await bot.send_message(chat_id, text)
    upload = InputFile(document.content, filename=document.filename)
    return await bot.send_document(chat_id, upload, caption=document.caption)
