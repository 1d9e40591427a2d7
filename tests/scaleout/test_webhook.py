"""The webhook server in-process over real HTTP on loopback: secret, body checks, storage
before 200, duplicates, a slow step, health and metrics."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import socket
import time

import aiohttp
import pytest
from telegram.ext._utils.webhookhandler import WebhookServer

from bot import create_application, load_settings
from bot.channels.telegram.webhook import MAX_BODY_BYTES, Receiver, WebhookApp
from tests.conftest import ROOT
from tests.fake_bot_api import FakeBotAPI

SECRET = "s3cret-token_ok"
CHAT = 5151


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_update(update_id: int) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": CHAT, "type": "private", "first_name": "A"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "A"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


@pytest.fixture
async def served(database_url):
    """Our Application with its worker and relay running, behind the webhook server."""
    settings = load_settings(
        telegram_bot_token="424242:WEBHOOK", database_url=database_url, flows_dir=ROOT / "flows"
    )
    api = FakeBotAPI()
    api.keep_log = True
    app = create_application(settings, rate_limit=False, request=api)
    await app.initialize()
    store = app.bot_data["conversations"].store
    worker, relay = app.bot_data["worker"], app.bot_data["relay"]
    tasks = [asyncio.create_task(worker.run()), asyncio.create_task(relay.run())]
    port = free_port()
    server = WebhookServer(
        "127.0.0.1", port, WebhookApp("/hook", Receiver(store, SECRET, worker.offer)), None
    )
    await server.serve_forever()
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
        yield app, api, store, http
    await server.shutdown()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await app.shutdown()
    store.close()


async def post(http, body: bytes, secret: str | None = SECRET, timeout: float = 10) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with http.post("/hook", data=body, headers=headers, timeout=client_timeout) as response:
        return response.status


async def declared_too_large(http) -> int:
    """Announce a body over the cap and read the status line (the body is never sent)."""
    host, port = http._base_url.host, http._base_url.port
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
        f"Content-Length: {MAX_BODY_BYTES + 1}\r\n\r\n".encode()
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    return status


async def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def sent_texts(api: FakeBotAPI) -> list[str]:
    return [str(p.get("text")) for method, p in api.log if method == "sendMessage"]


async def test_only_requests_with_the_secret_are_stored(served):
    _app, api, store, http = served
    body = json.dumps(start_update(1)).encode()
    assert await post(http, body, secret=None) == 403
    assert await post(http, body, secret="wrong") == 403
    assert await post(http, body, secret=SECRET + "x") == 403
    await asyncio.sleep(0.3)
    with store.engine.connect() as conn:  # nothing stored, nothing sent
        assert conn.exec_driver_sql("SELECT count(*) FROM inbox").scalar_one() == 0
    assert sent_texts(api) == []
    assert await post(http, b"not json") == 400
    assert await post(http, b'{"no_update_id": 1}') == 400
    assert await post(http, b"[1, 2]") == 400
    assert await declared_too_large(http) == 413
    assert await post(http, body) == 200
    await wait_until(lambda: any("Shall we begin?" in t for t in sent_texts(api)))


async def test_a_step_slower_than_telegrams_timeout_is_done_once(served, monkeypatch):
    app, api, _store, http = served
    conversations = app.bot_data["conversations"]
    handling, calls = conversations.handling, []

    def slow_handling(*args, **kwargs):
        work = handling(*args, **kwargs)

        def slow_step(session, tx):
            calls.append(work.update_id)
            time.sleep(1.2)  # longer than "Telegram" below waits for an answer
            return work.stepper(session, tx)

        return dataclasses.replace(work, stepper=slow_step)

    monkeypatch.setattr(conversations, "handling", slow_handling)
    body = json.dumps(start_update(7)).encode()
    answers = []
    for _ in range(4):  # Telegram delivers again until it gets a 200 in time
        try:
            answers.append(await post(http, body, timeout=0.8))
        except TimeoutError:
            answers.append("timeout")
        await asyncio.sleep(0.3)
    assert 200 in answers
    await wait_until(lambda: any("Shall we begin?" in t for t in sent_texts(api)))
    await asyncio.sleep(0.5)
    assert calls == [7]
    assert sum("Shall we begin?" in t for t in sent_texts(api)) == 1


async def test_health_and_metrics(served):
    _app, api, _store, http = served
    async with http.get("/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"
    body = json.dumps(start_update(3)).encode()
    assert await post(http, body) == 200
    assert await post(http, body) == 200
    await wait_until(lambda: any("Shall we begin?" in t for t in sent_texts(api)))
    async with http.get("/metrics") as response:
        text = await response.text()
    assert response.status == 200
    for name in (
        'bot_updates_received_total{source="webhook"}',
        'bot_updates_duplicate_total{source="webhook"}',
        "bot_update_seconds_bucket",
        'bot_updates_handled_total{result="done"}',
        "bot_webhook_request_seconds_count",
        'bot_webhook_rejected_total{reason="secret"}',
    ):
        assert name in text, name
