"""Erasure leaves no bytes behind: not in SQLite's file or WAL, not in PostgreSQL's pages."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.channels.conversations import Conversations
from bot.engine import Answer, Start
from bot.store import SessionStore
from tests.conftest import NOW, PG_URL

PERSON = "telegram:7345812901"
NEEDLES = [b"7345812901", b'"emergency_signs"', b'"face_weakness"']


def talk(store: SessionStore, flow) -> None:
    conversations = Conversations({flow.id: flow}, store, flow.id)
    for event in (Start(), Answer(text="yes"), Answer(text="no"), Answer(text="no")):
        conversations.handle(PERSON, event, now=NOW)
    store.transact(PERSON, lambda s, tx: (s, tx.send('{"chat_id": 7345812901}', "drooping")))


def sqlite_traces(path: Path) -> list[bytes]:
    data = path.read_bytes() + Path(f"{path}-wal").read_bytes()
    return [needle for needle in NEEDLES if needle in data]


def test_erasure_on_sqlite_leaves_nothing_in_the_file_or_the_wal(tmp_path, flow):
    path = tmp_path / "bot.sqlite3"
    store = SessionStore(f"sqlite:///{path}")
    talk(store, flow)
    assert sqlite_traces(path) == NEEDLES  # the test looks for the right bytes
    assert store.erase(PERSON).result
    assert sqlite_traces(path) == []
    assert store.load(PERSON) is None
    store.close()


@pytest.fixture
def pg_database():
    """A database of its own (pageinspect is per database), dropped afterwards."""
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    name = f"t_erase_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def pg_traces(url: str) -> list[bytes]:
    """Needles found in any page of any table or index of the database."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    found = set()
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        relations = conn.execute(
            text(
                "SELECT c.oid::regclass::text, pg_relation_size(c.oid) / 8192 FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')"
            )
        ).all()
        for relation, pages in relations:
            for page in range(pages):
                raw = conn.execute(text("SELECT get_raw_page(:r, :p)"), {"r": relation, "p": page})
                data = bytes(raw.scalar_one())
                found.update(needle for needle in NEEDLES if needle in data)
        conn.commit()
    engine.dispose()
    return sorted(found, key=NEEDLES.index)


def test_erasure_on_postgresql_leaves_no_dead_tuple_bytes_after_the_scrub(pg_database, flow):
    store = SessionStore(pg_database)
    talk(store, flow)
    assert store.erase(PERSON).result and store.load(PERSON) is None
    assert pg_traces(pg_database) == NEEDLES  # deleted, yet still on the pages: dead tuples
    assert store.scrub_due and store.scrub(only_if_due=True)
    assert pg_traces(pg_database) == []
    assert not store.scrub_due and not store.scrub(only_if_due=True)
    store.close()


def dead_tuples(url: str, table: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pgstattuple"))
        count = conn.execute(text(f"SELECT dead_tuple_count FROM pgstattuple('{table}')"))
        dead = int(count.scalar_one())
        conn.commit()
    engine.dispose()
    return dead


def test_the_hourly_scrub_reclaims_old_versions_of_answers_without_an_erasure(pg_database, flow):
    store = SessionStore(pg_database)
    talk(store, flow)  # every answer rewrote the session row: old versions are dead tuples
    assert dead_tuples(pg_database, "sessions") > 0
    assert not store.scrub_due and store.scrub()
    assert dead_tuples(pg_database, "sessions") == 0
    assert store.load(PERSON) is not None
    store.close()
