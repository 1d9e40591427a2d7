"""Updates per second: our durable bot against a plain in-memory python-telegram-bot bot.

Both bots run in this process on the same fake Bot API (no network) and get the same updates:
per user ``/start`` and then the button presses of one whole nostril-twitch check, fed one by one
through ``await app.process_update(update)``. Only ``process_update`` is timed (building the
``Update`` objects is not). Users of the bots are interleaved in batches so that background
noise hits every bot alike. A report, not a test: it prints numbers and never fails on them.

    make bench   # or: .venv/bin/python bench/bench_updates.py [--users 300] [--pg URL|none]
    .venv/bin/python bench/bench_updates.py --profile     # where the durable bot's time goes
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import html
import itertools
import logging
import platform
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import sqlalchemy
import telegram
import yaml
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
)
from telegram.warnings import PTBUserWarning

from bot import create_application, load_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root
from tests.fake_bot_api import FakeBotAPI, JSONDict

ROOT = Path(__file__).resolve().parent.parent
FLOWS_DIR = ROOT / "flows"
FLOW_ID = "nostril_twitch"
TOKEN = "123456:TEST"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_RATIO = 0.5  # durable/baseline throughput the product aims for on SQLite
BATCH_USERS = 25  # users per bot before switching to the next bot
MEMORY_WARMUP_USERS = 5
# The answers of one check, in order: every user presses these buttons after /start.
SCRIPT: tuple[tuple[str, str], ...] = (
    ("consent", "agree"),
    ("emergency_signs", "no"),
    ("face_weakness", "no"),
    ("drooping", "no"),
    ("eye_closing", "no"),
    ("numbness", "no"),
    ("limb_weakness", "no"),
    ("speech", "no"),
    ("swallowing", "no"),
    ("body_twitching", "no"),
    ("spreading", "no"),
    ("during_sleep", "no"),
    ("duration", "under_two_weeks"),
    ("stress", "yes"),
    ("anxiety", "no"),
    ("sleep", "no"),
    ("caffeine", "a_lot"),
    ("alcohol", "no"),
    ("fluids", "enough"),
    ("minerals", "most_days"),
    ("medication", "no"),
    ("screens", "yes"),
)
UPDATES_PER_USER = 1 + len(SCRIPT)


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


# --------------------------------------------------------------------------------------------
# Our durable bot
# --------------------------------------------------------------------------------------------


def build_durable(database_url: str, api: FakeBotAPI) -> Application:
    """Our bot exactly as ``bot.create_application`` builds it, minus the rate limiter."""
    settings = load_settings(
        telegram_bot_token=TOKEN, database_url=database_url, flows_dir=FLOWS_DIR
    )
    return create_application(settings, rate_limit=False, request=api)


def close_durable(app: Application) -> None:
    """What the bot's post_shutdown does (only run_polling/run_webhook call that hook)."""
    app.bot_data["conversations"].store.close()


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[tuple[str, str]]:
    """A fresh database on the server of ``url`` (dropped afterwards); yields (url, how).

    Without the right to create one, the tables ``sessions``, ``inbox``, ``outbox`` and
    ``prompts`` of the given database are dropped instead, so the bot recreates them empty.
    """
    parsed = sqlalchemy.make_url(url).set(drivername="postgresql+psycopg")
    admin = sqlalchemy.create_engine(parsed, isolation_level="AUTOCOMMIT")
    name = f"bench_updates_{int(time.time())}_{id(admin) % 10000}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.DBAPIError:
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS sessions, inbox, outbox, prompts")
        admin.dispose()
        yield url, f"database {parsed.database}: dropped tables sessions, inbox, outbox, prompts"
        return
    try:
        fresh = parsed.set(database=name).render_as_string(hide_password=False)
        yield fresh, f"fresh database {name} (dropped afterwards)"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def postgres_reachable(url: str) -> str | None:
    """The server version, or None with a printed note when the server cannot be reached."""
    try:
        engine = sqlalchemy.create_engine(
            sqlalchemy.make_url(url).set(drivername="postgresql+psycopg"),
            connect_args={"connect_timeout": 3},
        )
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar_one()
        engine.dispose()
        return str(version)
    except Exception as exc:
        print(f"PostgreSQL at {url} not reachable, skipped: {str(exc).splitlines()[0]}")
        return None


# --------------------------------------------------------------------------------------------
# Driving the bots
# --------------------------------------------------------------------------------------------


@dataclass
class Contender:
    """One bot under test, with its fake API and what was measured."""

    name: str
    build: Callable[[FakeBotAPI], Application]
    close: Callable[[Application], None] | None = None
    api: FakeBotAPI = field(default_factory=FakeBotAPI)
    app: Application | None = None
    latencies_ns: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    memory_peak: int | None = None
    memory_retained: int | None = None

    @property
    def seconds(self) -> float:
        return sum(self.latencies_ns) / 1e9

    @property
    def rate(self) -> float:
        return len(self.latencies_ns) / self.seconds if self.latencies_ns else 0.0


class Users:
    """Unique user ids and update ids, shared by all bots so each sees fresh people."""

    def __init__(self) -> None:
        self._user_ids = itertools.count(10_000_001)
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    def take(self, n: int) -> list[int]:
        return [next(self._user_ids) for _ in range(n)]

    def start(self, user_id: int, bot: telegram.Bot) -> Update:
        user = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "en"}
        return Update.de_json(
            {
                "update_id": next(self._update_ids),
                "message": {
                    "message_id": 1_000_000 + next(self._query_ids),
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
                    "from": user,
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            },
            bot,
        )

    def press(self, user_id: int, message: JSONDict, data: str, bot: telegram.Bot) -> Update:
        user = {"id": user_id, "is_bot": False, "first_name": "Bench", "language_code": "en"}
        return Update.de_json(
            {
                "update_id": next(self._update_ids),
                "callback_query": {
                    "id": str(next(self._query_ids)),
                    "from": user,
                    "chat_instance": str(user_id),
                    "message": message,
                    "data": data,
                },
            },
            bot,
        )


async def run_users(
    contender: Contender,
    users: Users,
    user_ids: list[int],
    latencies: list[int] | None,
    profile: cProfile.Profile | None = None,
) -> None:
    """Each user: /start, then every button of SCRIPT on the latest question message."""
    app, api = contender.app, contender.api
    assert app is not None
    clock = time.perf_counter_ns
    for user_id in user_ids:
        update = users.start(user_id, app.bot)
        for qid, option_id in (("", ""), *SCRIPT):
            if qid:
                message = api.last_keyboard_message.get(user_id)
                if message is None:
                    contender.errors.append(f"user {user_id} got no question to answer")
                    break
                update = users.press(user_id, message, f"a:{FLOW_ID}:{qid}:{option_id}", app.bot)
            if profile is not None:
                profile.enable()
            begin = clock()
            await app.process_update(update)
            if (relay := app.bot_data.get("relay")) is not None:
                await relay.drain()  # the durable bot sends from its outbox
            if profile is not None:
                profile.disable()
            if latencies is not None:
                latencies.append(clock() - begin)
        if "No warning signs reported" not in api.last_text.get(user_id, ""):
            contender.errors.append(f"user {user_id} did not reach the outcome")


async def _record_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    contender: Contender = context.application.bot_data["bench_contender"]
    contender.errors.append(f"update {getattr(update, 'update_id', '?')}: {context.error!r}")


@contextlib.asynccontextmanager
async def started(contender: Contender) -> AsyncIterator[Application]:
    """Build, initialise, and finally shut down the contender's Application."""
    contender.api = FakeBotAPI()
    app = contender.build(contender.api)
    app.bot_data["bench_contender"] = contender
    app.add_error_handler(_record_error)
    contender.app = app
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()
        if contender.close:
            contender.close(app)
        contender.app = None


async def measure_speed(
    contenders: list[Contender],
    users: Users,
    n_users: int,
    warmup: int,
    after_warmup: Callable[[], None] | None = None,
) -> None:
    """Warm every bot up, then run the users in interleaved batches, timing each update."""
    async with contextlib.AsyncExitStack() as stack:
        for contender in contenders:
            await stack.enter_async_context(started(contender))
            await run_users(contender, users, users.take(warmup), None)
        if after_warmup is not None:
            after_warmup()
        gc.collect()
        remaining = n_users
        while remaining > 0:
            batch = min(BATCH_USERS, remaining)
            remaining -= batch
            for contender in contenders:
                await run_users(contender, users, users.take(batch), contender.latencies_ns)
        for contender in contenders:
            contender.calls = Counter(contender.api.calls)


async def measure_memory(contender: Contender, users: Users, n_users: int, warmup: int) -> None:
    """A separate, untimed run of the same workload under tracemalloc (it slows Python down)."""
    async with started(contender):
        await run_users(contender, users, users.take(warmup), None)
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            await run_users(contender, users, users.take(n_users), None)
            peak = tracemalloc.get_traced_memory()[1]
            gc.collect()
            retained = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    contender.memory_peak = peak - base
    contender.memory_retained = retained - base


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _percentile(sorted_values: list[int], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return float(sorted_values[index])


def _mib(n: int | None) -> str:
    return "-" if n is None else f"{n / 2**20:.2f} MiB"


def print_versions(pg_version: str | None) -> None:
    import pydantic

    parts = [
        f"Python {platform.python_version()}",
        f"python-telegram-bot {telegram.__version__}",
        f"SQLAlchemy {sqlalchemy.__version__}",
        f"SQLite {sqlite3.sqlite_version}",
        f"pydantic {pydantic.__version__}",
    ]
    if pg_version:
        parts.append(f"PostgreSQL {pg_version}")
    print(", ".join(parts))
    print(f"{platform.platform()}, {platform.machine()}")


def print_report(contenders: list[Contender], memory_users: int) -> None:
    head = f"{'bot':<22}{'updates':>8}{'upd/s':>9}{'mean µs':>10}{'p50 µs':>9}{'p99 µs':>9}"
    if memory_users:
        head += f"{'mem peak':>12}{'retained':>12}"
    print(head)
    for c in contenders:
        lat = sorted(c.latencies_ns)
        row = (
            f"{c.name:<22}{len(lat):>8}{c.rate:>9.0f}{statistics.fmean(lat) / 1e3:>10.0f}"
            f"{_percentile(lat, 0.50) / 1e3:>9.0f}{_percentile(lat, 0.99) / 1e3:>9.0f}"
        )
        if memory_users:
            row += f"{_mib(c.memory_peak):>12}{_mib(c.memory_retained):>12}"
        print(row)
    if memory_users:
        print(
            f"memory: tracemalloc in a separate untimed run of {memory_users} users per bot: "
            "peak, and retained after gc, above the start; Python allocations only (not "
            "SQLite's C-level page cache); not measured for PostgreSQL"
        )
    baseline = contenders[0]
    print()
    for c in contenders[1:]:
        ratio = c.rate / baseline.rate
        verdict = "PASS" if ratio >= TARGET_RATIO else "BELOW TARGET"
        note = "" if "sqlite" in c.name else " (the target is set for SQLite)"
        print(
            f"throughput {c.name} / {baseline.name}: {ratio:.2f}  "
            f"target ≥ {TARGET_RATIO}: {verdict}{note}"
        )
    print("\nBot API calls in the timed run, warm-up included (the same for every bot):")
    for c in contenders:
        print(f"  {c.name:<20}" + ", ".join(f"{k} {v}" for k, v in sorted(c.calls.items())))


# --------------------------------------------------------------------------------------------
# Profiling the durable bot
# --------------------------------------------------------------------------------------------

_PACKAGES = (
    ("sqlalchemy", "/sqlalchemy/"),
    ("python-telegram-bot", "/telegram/"),
    ("pydantic", "/pydantic"),
    ("our bot", "/bot/"),
    ("asyncio", "/asyncio/"),
    ("threading/concurrent", "/concurrent/"),
    ("threading/concurrent", "/threading.py"),
    ("json", "/json/"),
    ("this benchmark", "/bench/"),
)


def _package(filename: str, function: str) -> str:
    if filename == "~":
        if "sqlite3" in function:
            return "sqlite3 (C)"
        if "pydantic_core" in function:
            return "pydantic"
        if "acquire" in function or "lock" in function.lower():
            return "threading/concurrent"
        if "epoll" in function:
            return "idle in epoll (awaiting)"
        return "builtins (C)"
    for name, needle in _PACKAGES:
        if needle in filename:
            return name
    return "stdlib/other"


def print_by_package(stats: pstats.Stats, title: str) -> None:
    """Exclusive (tottime) seconds summed per package."""
    totals: Counter[str] = Counter()
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        totals[_package(filename, function)] += tottime
    total = sum(totals.values()) or 1.0
    print(f"\n{title}: exclusive time by package")
    for name, seconds in totals.most_common():
        print(f"  {name:<24}{seconds * 1e3:>9.0f} ms  {100 * seconds / total:5.1f} %")


class _ThreadProfiler:
    """Profiles each call of a function in whatever worker thread runs it."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.profile = cProfile.Profile()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.profile.enable()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.profile.disable()


class _TimedHandle:
    """Wraps ``Conversations.handle``: wall time in it, in the store's transaction, and in the
    engine step, plus (via ``_timed_to_thread``) the time the event loop awaited it."""

    def __init__(self, conversations: Any) -> None:
        self.conversations = conversations
        self.handle = conversations.handle
        self.transact = conversations.store.transact
        self.calls = self.await_ns = self.handle_ns = self.transact_ns = self.step_ns = 0
        conversations.handle = self
        conversations.store.transact = self._transact

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        begin = time.perf_counter_ns()
        try:
            return self.handle(*args, **kwargs)
        finally:
            self.handle_ns += time.perf_counter_ns() - begin
            self.calls += 1

    def _transact(self, person: str, stepper: Callable[..., Any], **kwargs: Any) -> Any:
        def timed_stepper(session: Any, tx: Any) -> Any:
            begin = time.perf_counter_ns()
            try:
                return stepper(session, tx)
            finally:
                self.step_ns += time.perf_counter_ns() - begin

        begin = time.perf_counter_ns()
        try:
            return self.transact(person, timed_stepper, **kwargs)
        finally:
            self.transact_ns += time.perf_counter_ns() - begin


_real_to_thread = asyncio.to_thread


async def _timed_to_thread(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    begin = time.perf_counter_ns()
    try:
        return await _real_to_thread(func, *args, **kwargs)
    finally:
        if isinstance(func, _TimedHandle):
            func.await_ns += time.perf_counter_ns() - begin


def print_breakdown(baseline: Contender, durable: Contender, timer: _TimedHandle) -> None:
    """Mean wall time per update, split by where it is spent."""
    n = len(durable.latencies_ns)
    total = sum(durable.latencies_ns) / n / 1e3
    awaited, handle = timer.await_ns / n / 1e3, timer.handle_ns / n / 1e3
    transact, step = timer.transact_ns / n / 1e3, timer.step_ns / n / 1e3
    threaded = awaited > 0  # PostgreSQL; an embedded SQLite store runs in place
    where = "awaiting the worker thread (asyncio.to_thread)" if threaded else "in place"
    rows = [
        ("process_update, all of it", total),
        (f"  Conversations.handle, {where}", awaited if threaded else handle),
        ("      SessionStore.transact: SQL, driver, pydantic", transact - step),
        ("      engine step (flow logic)", step),
        ("      the rest of handle (flow pick, clock)", handle - transact),
    ]
    if threaded:
        rows.append(("    thread hand-off (awaited minus handle)", awaited - handle))
    rows += [
        (
            "  event loop: python-telegram-bot, our handlers, rendering, fake API",
            total - (awaited if threaded else handle),
        ),
        (f"for comparison, {baseline.name}: all of process_update", baseline.seconds / n * 1e6),
    ]
    print(f"\n{durable.name}: mean wall time per update over {n} updates (unprofiled)")
    for label, micros in rows:
        print(f"  {label:<72}{micros:>7.0f} µs")


async def profile_durable(n_users: int, warmup: int, top: int, pg_url: str | None) -> None:
    """Where the durable bot's time goes: a timed breakdown, then cProfile on SQLite."""
    texts = BaselineTexts.load(FLOWS_DIR / f"{FLOW_ID}.yaml")
    timers: dict[str, _TimedHandle] = {}

    def timed(name: str, url: str) -> Contender:
        def build(api: FakeBotAPI) -> Application:
            app = build_durable(url, api)
            timers[name] = _TimedHandle(app.bot_data["conversations"])
            return app

        return Contender(name, build, close_durable)

    with tempfile.TemporaryDirectory(prefix="bench-updates-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        contenders = [
            Contender("baseline in-memory", lambda api: build_baseline(texts, api)),
            timed("durable sqlite", f"sqlite:///{tmp}/timed.sqlite3"),
        ]
        if pg_url:
            contenders.append(timed("durable postgresql", pg_url))
        users = Users()

        def reset() -> None:
            for timer in timers.values():
                timer.calls = timer.await_ns = timer.handle_ns = 0
                timer.transact_ns = timer.step_ns = 0

        with mock.patch("asyncio.to_thread", _timed_to_thread):
            await measure_speed(contenders, users, n_users, warmup, after_warmup=reset)
        for contender in contenders[1:]:
            print_breakdown(contenders[0], contender, timers[contender.name])

        durable = Contender("durable sqlite", lambda api: build_durable(url, api), close_durable)
        async with started(durable) as app:
            await run_users(durable, users, users.take(warmup), None)
            conversations = app.bot_data["conversations"]
            worker = _ThreadProfiler(conversations.handle)
            conversations.handle = worker
            loop_profile = cProfile.Profile()
            await run_users(durable, users, users.take(n_users), None, loop_profile)
            conversations.handle = worker.function
    n = n_users * UPDATES_PER_USER
    print(
        "\ncProfile of the durable bot on SQLite (profiling inflates code with many small "
        "calls, python-telegram-bot's object construction above all; trust the breakdown "
        "above for sizes, this for names)"
    )
    for name, profile in (("event-loop thread", loop_profile), ("worker thread", worker.profile)):
        stats = pstats.Stats(profile)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"\n=== {name}: {total * 1e6 / n:.0f} µs per update under the profiler ===")
        print_by_package(stats, name)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=300, help="measured users per bot (300)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured users first (20)")
    parser.add_argument(
        "--pg",
        default=DEFAULT_PG,
        help=f"PostgreSQL URL, or 'none' to skip (default {DEFAULT_PG}, skipped if unreachable)",
    )
    parser.add_argument(
        "--memory-users",
        type=int,
        default=50,
        help="users of the separate tracemalloc run per bot, 0 to skip (50; tracemalloc is slow)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead: where the durable bot's time goes (timed breakdown, cProfile on SQLite)",
    )
    parser.add_argument("--top", type=int, default=25, help="rows per profile listing (25)")
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    pg_version = None if args.pg.lower() == "none" else postgres_reachable(args.pg)
    print_versions(pg_version)
    if args.profile:
        with contextlib.ExitStack() as stack:
            pg_url = None
            if pg_version:
                pg_url, how = stack.enter_context(postgres_database(args.pg))
                print(f"PostgreSQL: {how}")
            await profile_durable(args.users, args.warmup, args.top, pg_url)
        return 0
    texts = BaselineTexts.load(FLOWS_DIR / f"{FLOW_ID}.yaml")
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-updates-"))
        contenders = [
            Contender("baseline in-memory", lambda api: build_baseline(texts, api)),
            Contender(
                "durable sqlite",
                lambda api: build_durable(f"sqlite:///{tmp}/speed.sqlite3", api),
                close_durable,
            ),
        ]
        if pg_version:
            pg_url, how = stack.enter_context(postgres_database(args.pg))
            print(f"PostgreSQL: {how}")
            contenders.append(
                Contender(
                    "durable postgresql", lambda api: build_durable(pg_url, api), close_durable
                )
            )
        print(
            f"SQLite file in {tmp}; {args.users} users × {UPDATES_PER_USER} updates per bot "
            f"after {args.warmup} warm-up users, interleaved in batches of {BATCH_USERS} users\n"
        )
        started_at = time.perf_counter()
        users = Users()  # one source of ids: no user or update id is ever seen twice
        await measure_speed(contenders, users, args.users, args.warmup)
        if args.memory_users > 0:
            # PostgreSQL runs the same Python code as SQLite (its data lives in the server)
            # and is slow under tracemalloc, so memory is measured for the first two only.
            baseline, durable = contenders[:2]
            durable.build = lambda api: build_durable(f"sqlite:///{tmp}/memory.sqlite3", api)
            for c in (baseline, durable):
                await measure_memory(c, users, args.memory_users, MEMORY_WARMUP_USERS)
        print_report(contenders, args.memory_users)
        print(f"\nbenchmark wall time {time.perf_counter() - started_at:.1f} s")
    errors = [f"{c.name}: {e}" for c in contenders for e in c.errors]
    for line in errors[:20]:
        print("ERROR", line, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
