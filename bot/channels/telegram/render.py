"""Engine replies as Telegram HTML messages with inline keyboards."""

from __future__ import annotations

import html
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.telegram.callback_data import answer_data
from bot.channels.telegram.texts import SWITCH_NO, SWITCH_YES
from bot.engine import Message, Prompt

MAX_TEXT = 4096
_CHUNK = 3800  # leaves room for a title and markup
_TONE_ICON = {
    "emergency": "🚨 ",
    "urgent": "⚠️ ",
    "routine": "🩺 ",
    "self_care": "🌿 ",
    "summary": "📋 ",
}
_SHORT_LABEL = 20


def escape(text: str) -> str:
    """Escape text for Telegram HTML (quotes need no escaping outside attributes)."""
    return html.escape(text, quote=False)


def split_text(text: str, limit: int = _CHUNK) -> list[str]:
    """Split plain text into chunks under ``limit``, at paragraph, line or word breaks."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(
            rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit), rest.rfind(" ", 0, limit)
        )
        cut = cut if cut > limit // 2 else limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    chunks.append(rest)
    return chunks


def message_html(message: Message) -> list[str]:
    """A message as one or more HTML texts, each within Telegram's limit."""
    parts = split_text(message.text)
    if message.title:
        title = escape(_TONE_ICON.get(message.tone, "") + message.title)
        if message.tone == "emergency":
            title = title.upper()
        parts[0] = f"<b>{title}</b>\n\n{escape(parts[0])}"
        return [parts[0], *(escape(p) for p in parts[1:])]
    return [escape(p) for p in parts]


@lru_cache(maxsize=2048)
def prompt_html(prompt: Prompt) -> str:
    """A question as HTML."""
    lines = []
    if prompt.section:
        head = prompt.section + (f" · question {prompt.number}" if prompt.number else "")
        lines.append(f"<i>{escape(head)}</i>")
    lines.append(f"<b>{escape(prompt.text)}</b>")
    if prompt.help:
        lines.append(escape(prompt.help))
    return "\n\n".join(lines)  # flow validation keeps prompts well under MAX_TEXT


@lru_cache(maxsize=2048)
def prompt_keyboard(prompt: Prompt) -> InlineKeyboardMarkup:
    """One button per answer: side by side when all labels are short, else one per row."""
    buttons = [
        InlineKeyboardButton(
            c.label, callback_data=answer_data(prompt.flow_id, prompt.question_id, c.id)
        )
        for c in prompt.choices
    ]
    if len(buttons) <= 3 and all(len(c.label) <= _SHORT_LABEL for c in prompt.choices):
        return InlineKeyboardMarkup([buttons])
    return InlineKeyboardMarkup([[b] for b in buttons])


def answered_html(prompt_html_text: str, choice: str) -> str:
    """The old question text marked with the chosen answer."""
    return f"{prompt_html_text}\n\n✅ <i>{escape(choice)}</i>"


@lru_cache(maxsize=1)
def finished_keyboard() -> InlineKeyboardMarkup:
    """Buttons under a finished check."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("📋 Summary", callback_data="c:summary"),
                InlineKeyboardButton("🔄 Start again", callback_data="c:restart"),
            ]
        ]
    )


def summary_keyboard(finished: bool) -> InlineKeyboardMarkup:
    """Under a summary: the PDF, and Start again when the check is finished."""
    rows = [[InlineKeyboardButton("📄 PDF for a doctor", callback_data="c:pdf")]]
    if finished:
        rows.append([InlineKeyboardButton("🔄 Start again", callback_data="c:restart")])
    return InlineKeyboardMarkup(rows)


def forget_keyboard() -> InlineKeyboardMarkup:
    """The confirmation buttons of /forget."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes, erase everything", callback_data="f:yes"),
                InlineKeyboardButton("No, keep it", callback_data="f:no"),
            ]
        ]
    )


def switch_keyboard(flow_id: str, title: str) -> InlineKeyboardMarkup:
    """Buttons of the question a deep link to another flow asks mid-check."""
    start = InlineKeyboardButton(SWITCH_YES.format(other=title), callback_data=f"s:{flow_id}")
    keep = InlineKeyboardButton(SWITCH_NO, callback_data="c:keep")
    return InlineKeyboardMarkup([[start], [keep]])
