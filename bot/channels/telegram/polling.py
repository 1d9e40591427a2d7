"""Long polling into the inbox: store fetched updates before the next getUpdates confirms them."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TimedOut
from telegram.ext import Application

from bot.channels.telegram.person_keys import person_of
from bot.channels.telegram.raw_updates import stored_form
from bot.channels.telegram.worker import InboxWorker, tell_try_again
from bot.store import Pending, SessionStore, is_unavailable

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
POLL_TIMEOUT_S = 10


class Poller:
    """python-telegram-bot's Updater confirms updates before they are handled; this does not.

    Each batch is stored in the inbox first; only the next getUpdates, whose offset confirms
    the batch to Telegram, follows. A crash in between makes Telegram deliver the batch
    again, and the inbox ignores the ids it already has.
    """

    def __init__(self, app: Application, store: SessionStore, worker: InboxWorker):
        self.app = app
        self.store = store
        self.worker = worker
        self._told: set[int] = set()

    async def run(self) -> None:
        """Fetch and store until cancelled; raises InvalidToken if Telegram refuses the token."""
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await self.app.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_S, allowed_updates=ALLOWED_UPDATES
                )
            except InvalidToken:
                raise
            except TimedOut:
                continue
            except (Conflict, NetworkError) as exc:
                failures += 1
                delay = min(2.0**failures, 30.0)
                log.warning("getUpdates failed (%s); retrying in %ss", exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if not updates:
                continue
            if (stored := await self._store(updates)) is not None:
                offset = updates[-1].update_id + 1
                self.worker.offer(stored)
            else:  # not confirmed: Telegram keeps them, and we fetch them again shortly
                await asyncio.sleep(1.0)

    async def _store(self, updates: tuple[Update, ...]) -> list[Pending] | None:
        """Store a batch; the updates new to the inbox, or None when it could not be stored."""
        rows = [(u.update_id, person_of(u), json.dumps(stored_form(u.to_dict()))) for u in updates]
        try:
            if self.store.embedded:
                repeats = self.store.inbox.add(rows)
            else:
                repeats = await asyncio.to_thread(self.store.inbox.add, rows)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("cannot store %s updates, the database is unavailable: %s", len(rows), exc)
            for update in updates:
                await tell_try_again(self.app, update, self._told)
            return None
        for update_id in repeats:
            log.info("ignored duplicate update %s", update_id)
        new = Counter(update_id for update_id, _, _ in rows)
        new.subtract(repeats)  # an id twice in the batch: stored once, the other a repeat
        stored: dict[int, Pending] = {}
        for update_id, person, payload in rows:
            if new[update_id] > 0:
                stored.setdefault(update_id, Pending(update_id, payload, 0, person))
        return list(stored.values())
