"""Our Application offline: a real Application on the in-process Bot API, no network."""

from __future__ import annotations

import json

from telegram import Update

from bot import create_application, load_settings
from tests.conftest import ROOT
from tests.fake_bot_api import FakeBotAPI

CHAT = 4242


class OfflineBot:
    """Our Application on a fake Bot API; feeds updates straight into process_update."""

    def __init__(self, database_url: str):
        self.api = FakeBotAPI()
        self.api.keep_log = True
        settings = load_settings(
            telegram_bot_token="123456:TEST", database_url=database_url, flows_dir=ROOT / "flows"
        )
        self.app = create_application(settings, rate_limit=False, request=self.api)
        self.store = self.app.bot_data["conversations"].store
        self.update_id = 0

    async def send(self, raw: dict, update_id: int | None = None) -> list[tuple[str, dict]]:
        if update_id is None:
            self.update_id += 1
            update_id = self.update_id
        before = len(self.api.log)
        update = Update.de_json({"update_id": update_id, **raw}, self.app.bot)
        person = f"telegram:123456:{update.effective_chat.id}"
        self.store.inbox.add([(update_id, person, json.dumps(update.to_dict()))])
        await self.app.bot_data["worker"].drain()
        await self.app.bot_data["relay"].drain()
        return self.api.log[before:]

    def message(self, text: str, chat_type: str = "private", chat_id: int = CHAT) -> dict:
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        # User and bot messages share one id sequence per chat, as on Telegram.
        message_id = self.api._message_ids[chat_id] = self.api._message_ids.get(chat_id, 0) + 1
        return {
            "message": {
                "message_id": message_id,
                "date": 0,
                "chat": {"id": chat_id, "type": chat_type, "title": "g", "first_name": "A"},
                "from": {"id": CHAT, "is_bot": False, "first_name": "A"},
                "text": text,
                **({"entities": entities} if text.startswith("/") else {}),
            }
        }

    def press(self, data: str, message_id: int = 2) -> dict:
        return {
            "callback_query": {
                "id": "q1",
                "chat_instance": "c",
                "from": {"id": CHAT, "is_bot": False, "first_name": "A"},
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": 0,
                    "chat": {"id": CHAT, "type": "private", "first_name": "A"},
                    "text": "Question?",
                },
            }
        }


def texts(calls: list[tuple[str, dict]]) -> list[str]:
    return [str(params.get("text")) for method, params in calls if method == "sendMessage"]
