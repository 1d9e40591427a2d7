"""What /export hands over: every kind of record stored about the person, and only theirs."""

from __future__ import annotations

import json

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.conversations import Conversations
from bot.channels.telegram import callback_data, render, sending
from bot.engine import Answer, Message, Reply, Start
from bot.reports.documents import EXPORT, SUMMARY_PDF, Documents
from bot.store import SessionStore
from bot.store.personal_data import PROVIDERS, collect
from tests.conftest import NOW

ME, OTHER = "telegram:501", "telegram:502"


@pytest.fixture
def store(database_url):
    store = SessionStore(database_url)
    yield store
    store.close()


def talk(store, flow, person, *texts):
    conversations = Conversations({flow.id: flow}, store, flow.id)
    for event in (Start(), *(Answer(text=t) for t in texts)):
        conversations.handle(person, event, now=NOW)


def test_collect_gathers_every_kind_of_record_of_one_person(store, flow):
    talk(store, flow, ME, "yes", "no")
    talk(store, flow, OTHER, "yes", "yes")
    store.transact(ME, lambda s, tx: (s, tx.send('{"method": "sendMessage"}', "face_weakness")))
    raw = json.dumps({"update_id": 7, "message": {"text": "still typing"}})
    store.inbox.add([(7, ME, raw)])

    stored = collect(store.engine, store.dialect, ME)
    assert set(stored) == set(PROVIDERS)
    assert stored["session"]["answers"] == {"consent": "agree", "emergency_signs": "no"}
    assert stored["last_question"]["question_id"] == "face_weakness"
    assert stored["undelivered_messages"][0]["message"] == {"method": "sendMessage"}
    assert stored["unprocessed_updates"][0]["update"]["message"]["text"] == "still typing"
    assert "yes" not in json.dumps(stored["session"]["answers"])  # not the other person's


def test_a_queued_keyboard_is_exported_as_buttons_not_as_escaped_text(store):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="a:f:q:yes")]])
    queued = sending.message(501, "Any weakness?", markup)
    store.transact(ME, lambda s, tx: (s, tx.send(queued, "face_weakness")))
    (pending,) = collect(store.engine, store.dialect, ME)["undelivered_messages"]
    assert pending["message"]["params"]["reply_markup"] == markup.to_dict()


def test_another_kind_of_record_joins_the_export_through_a_provider(store, flow):
    talk(store, flow, ME, "yes")
    checkins = {**PROVIDERS, "checkins": lambda cursor, dialect, person: [{"due": "later"}]}
    stored = collect(store.engine, store.dialect, ME, checkins)
    assert stored["checkins"] == [{"due": "later"}] and stored["session"] is not None


def test_the_export_document_reads_without_the_flow_file(store, flow):
    talk(store, flow, ME, "yes", "no")
    document = Documents({flow.id: flow}, store).render(EXPORT, ME, bot_name="Bot", now=NOW)
    exported = json.loads(document.content)
    assert document.filename == "my-data-2026-11-26.json"
    assert exported["person"] == ME and exported["exported_at"].startswith("2026-11-26T09:30")
    assert {"question": "Sudden stroke signs (now or recently)", "answer": "No"} in exported[
        "session"
    ]["answers_readable"]
    assert exported["session"]["outcome_readable"] is None
    assert "about" in exported


def test_nothing_stored_means_no_document(store, flow):
    documents = Documents({flow.id: flow}, store)
    assert documents.render(EXPORT, ME, bot_name="Bot") is None
    assert documents.render(SUMMARY_PDF, ME, bot_name="Bot") is None
    talk(store, flow, ME)  # started, nothing answered yet
    assert documents.render(SUMMARY_PDF, ME, bot_name="Bot") is None
    assert store.erase(ME).result
    assert documents.render(EXPORT, ME, bot_name="Bot") is None
    with pytest.raises(ValueError, match="unknown document kind"):
        documents.render("everything", ME, bot_name="Bot")


def test_the_outbox_holds_only_the_kind_of_a_document():
    call = json.loads(sending.document(501, SUMMARY_PDF))
    assert call == {"method": "sendDocument", "params": {"chat_id": 501, "document": "summary_pdf"}}


class _Tx:
    def __init__(self):
        self.sent = []

    def send(self, payload, question_id=None):
        self.sent.append(json.loads(payload))

    def last_prompt(self):
        return None


@pytest.mark.parametrize("ended", [False, True])
def test_a_summary_offers_its_pdf(ended):
    tx = _Tx()
    summary = Message(text="Check started ...", title="Summary", tone="summary")
    sending.ReplyTo(chat_id=501).deliver(Reply(messages=(summary,), ended=ended), tx)
    (call,) = tx.sent
    markup = json.loads(call["params"]["reply_markup"])  # JSON text, as the Bot API takes it
    assert markup == render.summary_keyboard(ended).to_dict()
    rows = [[b["callback_data"] for b in row] for row in markup["inline_keyboard"]]
    assert rows == ([["c:pdf"], ["c:restart"]] if ended else [["c:pdf"]])
    assert callback_data.parse("c:pdf") == "c:pdf"
