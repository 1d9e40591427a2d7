"""The terminal chat's /export shows what is stored; after /forget nothing is."""

from __future__ import annotations

import io
import json

from bot.channels.console import ConsoleChat
from bot.channels.conversations import Conversations
from bot.store import SessionStore


def test_console_export_then_forget(tmp_path, flow):
    store = SessionStore(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    conversations = Conversations({flow.id: flow}, store, flow.id)
    typed = ["yes", "no", "/export", "/forget", "yes", "/export", "/quit"]
    out = io.StringIO()
    ConsoleChat(conversations, io.StringIO("\n".join(typed) + "\n"), out, "console:me").run()
    text = out.getvalue()
    start = text.index("> /export\n") + len("> /export\n")
    exported = json.loads(text[start : text.index("\n> /forget")])
    assert exported["person"] == "console:me"
    assert exported["session"]["answers"] == {"consent": "agree", "emergency_signs": "no"}
    after = text[text.rindex("> /export") :]
    assert "Nothing is stored about you." in after
    store.close()
