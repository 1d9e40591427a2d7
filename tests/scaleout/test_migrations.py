"""Alembic migrations: a database made by the schema before migrations, with people in the
middle of a check, is upgraded and they continue."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert

from bot import create_application, load_settings
from bot.store import migrate
from tests.conftest import ROOT, Walker
from tests.fake_bot_api import FakeBotAPI

from . import main_schema

CHAT = 4242


def old_database(url: str, flow) -> dict:
    """Tables as main created them, one person at the second question; returns the session."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    main_schema.metadata.create_all(engine)
    walker = Walker(flow)
    walker.start()
    walker.press("agree")
    session = walker.session.model_copy(update={"updated_at": datetime.now(UTC)})
    with engine.begin() as conn:
        conn.execute(
            insert(main_schema.sessions).values(
                person=f"telegram:{CHAT}",
                flow_id=session.flow_id,
                state=session.state,
                data=session.model_dump_json(),
                row_version=2,
                updated_at=session.updated_at,
            )
        )
        conn.execute(
            insert(main_schema.prompts).values(
                person=f"telegram:{CHAT}",
                question_id=session.state,
                outbox_id=None,
                message_id=10,
                payload="{}",
            )
        )
        conn.execute(
            insert(main_schema.inbox).values(
                update_id=77, attempts=0, received_at=1.0, processed_at=2.0
            )
        )
    engine.dispose()
    return json.loads(session.model_dump_json())


def press(update_id: int, question: str, option: str, flow_id: str) -> str:
    return json.dumps(
        {
            "update_id": update_id,
            "callback_query": {
                "id": "q1",
                "chat_instance": "c",
                "from": {"id": CHAT, "is_bot": False, "first_name": "A"},
                "data": f"a:{flow_id}:{question}:{option}",
                "message": {
                    "message_id": 10,
                    "date": 0,
                    "chat": {"id": CHAT, "type": "private", "first_name": "A"},
                    "text": "Question?",
                },
            },
        }
    )


async def test_a_database_from_before_migrations_is_upgraded_and_people_continue(
    database_url, flow
):
    before = old_database(database_url, flow)
    settings = load_settings(
        telegram_bot_token="123456:TEST", database_url=database_url, flows_dir=ROOT / "flows"
    )
    api = FakeBotAPI()
    api.keep_log = True
    app = create_application(settings, rate_limit=False, request=api)
    await app.initialize()
    store = app.bot_data["conversations"].store
    with store.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
    person = f"telegram:123456:{CHAT}"
    assert store.load(person).answers == before["answers"]  # adopted by this bot
    question = before["state"]
    assert store.inbox.add([(77, person, "{}")]) == [77]  # its processed ids came along
    store.inbox.add([(78, person, press(78, question, "no", flow.id))])
    await app.bot_data["worker"].drain()
    await app.bot_data["relay"].drain()
    after = store.load(person)
    assert after.answers == {**before["answers"], question: "no"}
    assert after.state != question
    await app.shutdown()
    store.close()


def test_db_upgrade_command(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "bot", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert f"database revision {migrate.head()}: up to date" in done.stdout
