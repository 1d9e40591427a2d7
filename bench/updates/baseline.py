"""The baseline: a plain in-memory bot in the style of python-telegram-bot's conversationbot.py."""

from __future__ import annotations

import html
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
)
from telegram.warnings import PTBUserWarning

from tests.fake_bot_api import FakeBotAPI
from updates.common import (
    FLOW_ID,
    SCRIPT,
    TOKEN,
)

# --------------------------------------------------------------------------------------------
# The baseline: a plain in-memory bot in the style of python-telegram-bot's conversationbot.py
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question of the baseline's conversation, pre-rendered as HTML."""

    id: str
    html: str
    options: tuple[tuple[str, str], ...]  # (option id, label)

    def label(self, option_id: str) -> str:
        return dict(self.options).get(option_id, option_id)


def _reflow(text: str) -> str:
    lines: list[str] = []
    for line in str(text).strip().splitlines():
        line = line.strip()
        if lines and line and lines[-1] and not line.startswith("•"):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True)
class BaselineTexts:
    """What the baseline says, read straight from the flow's YAML (not via our flow loader)."""

    intro: str
    questions: tuple[Question, ...]
    outcome: str
    triggers_intro: str
    triggers: dict[tuple[str, str], str]  # (question id, option id) -> trigger tip line

    @classmethod
    def load(cls, path: Path) -> BaselineTexts:
        flow = yaml.safe_load(path.read_text(encoding="utf-8"))
        sections = {s["id"]: s["title"] for s in flow["sections"]}
        by_id = {q["id"]: q for q in flow["questions"]}
        tips = {t["id"]: f"{t['label']}: {_reflow(t['tip'])}" for t in flow["triggers"]}
        questions = []
        triggers = {}
        for number, (qid, option_id) in enumerate(SCRIPT, start=1):
            q = by_id[qid]
            options = tuple((str(o["id"]), str(o["label"])) for o in q["options"])
            if option_id not in dict(options):
                raise SystemExit(
                    f"the benchmark's script answers {qid}:{option_id}: no such option"
                )
            lines = []
            if q.get("section"):
                lines.append(f"<i>{html.escape(sections[q['section']])} · question {number}</i>")
            lines.append(f"<b>{html.escape(_reflow(q['prompt']))}</b>")
            if q.get("help"):
                lines.append(html.escape(_reflow(q["help"])))
            questions.append(Question(qid, "\n\n".join(lines), options))
            for option in q["options"]:
                if option.get("trigger"):
                    triggers[(qid, str(option["id"]))] = tips[option["trigger"]]
        outcome = next(o for o in flow["outcomes"] if o.get("default"))
        intro = f"{_reflow(flow['intro'])}\n\n{_reflow(flow['disclaimer'])}"
        return cls(
            intro=f"<b>{html.escape(flow['title'])}</b>\n\n{html.escape(intro)}",
            questions=tuple(questions),
            outcome="\n\n".join(
                [
                    f"<b>🌿 {html.escape(outcome['title'])}</b>",
                    html.escape(_reflow(outcome["text"])),
                    "{triggers}",
                    html.escape(_reflow(outcome.get("safety_net") or flow["safety_net"])),
                    html.escape(_reflow(flow["disclaimer"])),
                ]
            ),
            triggers_intro=_reflow(outcome["triggers_intro"]),
            triggers=triggers,
        )


def _keyboard(question: Question) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=f"a:{FLOW_ID}:{question.id}:{option_id}")
        for option_id, label in question.options
    ]
    if len(buttons) <= 3 and all(len(label) <= 20 for _, label in question.options):
        return InlineKeyboardMarkup([buttons])
    return InlineKeyboardMarkup([[button] for button in buttons])


FINISHED_KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("📋 Summary", callback_data="c:summary"),
            InlineKeyboardButton("🔄 Start again", callback_data="c:restart"),
        ]
    ]
)


def build_baseline(texts: BaselineTexts, api: FakeBotAPI) -> Application:
    """One ConversationHandler state per question; answers live in ``context.user_data``."""
    questions = texts.questions
    keyboards = [_keyboard(q) for q in questions]

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data.clear()
        await update.message.reply_text(texts.intro, parse_mode=ParseMode.HTML)
        await update.message.reply_text(
            questions[0].html, parse_mode=ParseMode.HTML, reply_markup=keyboards[0]
        )
        return 0

    def answer(index: int) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[int]]:
        question = questions[index]

        async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
            query = update.callback_query
            await query.answer()
            option_id = query.data.rsplit(":", 1)[1]
            label = question.label(option_id)
            context.user_data[question.id] = option_id
            await query.edit_message_text(
                f"{question.html}\n\n✅ <i>{html.escape(label)}</i>", parse_mode=ParseMode.HTML
            )
            chat_id = query.message.chat.id
            if index + 1 < len(questions):
                await context.bot.send_message(
                    chat_id,
                    questions[index + 1].html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboards[index + 1],
                )
                return index + 1
            tips = [
                texts.triggers[key]
                for key in context.user_data.items()
                if key in texts.triggers  # type: ignore[comparison-overlap]
            ]
            found = "\n".join([texts.triggers_intro, *(f"• {tip}" for tip in tips)])
            await context.bot.send_message(
                chat_id,
                texts.outcome.replace("{triggers}", html.escape(found)),
                parse_mode=ParseMode.HTML,
                reply_markup=FINISHED_KEYBOARD,
            )
            return ConversationHandler.END

        return on_answer

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        await update.message.reply_text("Bye! Send /start to begin again.")
        return ConversationHandler.END

    app = ApplicationBuilder().token(TOKEN).request(api).get_updates_request(api).build()
    with warnings.catch_warnings():  # per_message=False with CallbackQueryHandler, as intended
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states={
                i: [CallbackQueryHandler(answer(i), pattern=f"^a:{FLOW_ID}:{q.id}:")]
                for i, q in enumerate(questions)
            },
            fallbacks=[CommandHandler("cancel", cancel)],
        )
    app.add_handler(conversation)
    return app
