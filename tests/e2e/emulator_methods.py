"""The Bot API methods the emulator answers (mixed into ``Emulator``, which holds the state)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import Callable
from typing import Any

from tests.bot_api_html import ApiError, parse_html

JSON = dict[str, Any]

_NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice"}
_ACTIONS |= {"upload_voice", "upload_document", "choose_sticker", "find_location"}
_ACTIONS |= {"record_video_note", "upload_video_note"}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_BAD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_BUTTON = "Bad Request: can't parse inline keyboard button: "


class BotApiMethods:
    """``_api_<method>`` handlers and the message records they keep."""

    def _api_getme(self, p: JSON) -> JSON:
        flags = ["can_read_all_group_messages", "supports_inline_queries", "has_main_web_app"]
        return {**self.bot_user, "can_join_groups": True, **dict.fromkeys(flags, False)}

    def _api_setwebhook(self, p: JSON) -> bool:
        self.webhook = dict(p)
        return True

    def _api_deletewebhook(self, p: JSON) -> bool:
        if p.get("drop_pending_updates"):
            self._drop(lambda update_id: True)
        return True

    def _api_close(self, p: JSON) -> bool:
        return True

    _api_logout = _api_close

    def _api_setmycommands(self, p: JSON) -> bool:
        if not isinstance(p.get("commands"), list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        self._commands = p["commands"]
        return True

    def _api_getmycommands(self, p: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands)

    def _api_getupdates(self, p: JSON) -> None:
        raise AssertionError("served by the async _get_updates")

    async def _get_updates(self, p: JSON) -> list[JSON]:
        offset, limit = int(p.get("offset") or 0), min(max(int(p.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        with self._lock:
            if p.get("allowed_updates") is not None:
                self._allowed = set(p["allowed_updates"])
            self._poll_generation += 1
            generation = self._poll_generation
            if offset < 0:  # -N: keep only the last N updates
                keep = sorted(self._queue)[offset:]
                self._drop(lambda update_id: update_id not in keep)
            elif offset:
                self._drop(lambda update_id: update_id < offset and update_id not in self._forced)
        self._notify()  # also terminates an older long poll with 409 Conflict
        while True:
            self._wake.clear()
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, _CONFLICT)
                batch = [self._queue[i] for i in sorted(self._queue) if self._wanted(i)][:limit]
                if batch or self._closing or time.monotonic() >= deadline:
                    self._forced.difference_update(update["update_id"] for update in batch)
                    return copy.deepcopy(batch)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), deadline - time.monotonic())

    def _wanted(self, update_id: int) -> bool:
        kind = next(key for key in self._queue[update_id] if key != "update_id")
        return kind in self._allowed if self._allowed else kind not in _NOT_DEFAULT_UPDATES

    def _drop(self, confirmed: Callable[[int], bool]) -> None:
        for update_id in [i for i in self._queue if confirmed(i)]:
            del self._queue[update_id]
            self._forced.discard(update_id)
            self._confirmed.add(update_id)

    def _api_sendmessage(self, p: JSON) -> JSON:
        chat_id, content = self._chat_id(p), self._content(p)
        message_id = self._next_message_id(chat_id)
        record = dict(message_id=message_id, chat_id=chat_id, **content, date=int(time.time()))
        record.update(edited=False, edit_date=None, history=[], deleted=False)
        self._bot_messages.setdefault(chat_id, {})[message_id] = record
        return self._to_api(record)

    def _api_senddocument(self, p: JSON) -> JSON:
        """A document uploaded with multipart/form-data (file ids and URLs are not kept)."""
        chat_id, upload = self._chat_id(p), p.get("document")
        if not isinstance(upload, dict) or not upload.get("content"):
            raise ApiError(400, "Bad Request: there is no document in the request")
        if len(upload["content"]) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        caption = p.get("caption") or ""
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        message_id = self._next_message_id(chat_id)
        record = dict(message_id=message_id, chat_id=chat_id, date=int(time.time()))
        record.update(text=caption, raw_text=caption, parse_mode=None, entities=[])
        record.update(reply_markup=self._markup(p), document=upload)
        record.update(edited=False, edit_date=None, history=[], deleted=False)
        self._bot_messages.setdefault(chat_id, {})[message_id] = record
        return self._to_api(record)

    def _api_editmessagetext(self, p: JSON) -> JSON:
        return self._edit(p, self._content(p))

    def _api_editmessagereplymarkup(self, p: JSON) -> JSON:
        return self._edit(p, {**self._bot_message(p), "reply_markup": self._markup(p)})

    def _edit(self, p: JSON, content: JSON) -> JSON:
        record = self._bot_message(p)
        if all(record[k] == content[k] for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, _NOT_MODIFIED)
        keys = ("text", "raw_text", "parse_mode", "entities", "reply_markup")
        record["history"].append({k: record[k] for k in keys})
        record.update({k: content[k] for k in keys}, edited=True, edit_date=int(time.time()))
        return self._to_api(record)

    def _api_deletemessage(self, p: JSON) -> bool:
        chat_id, message_id = self._chat_id(p), int(p.get("message_id") or 0)
        record = self._bot_messages.get(chat_id, {}).get(message_id)
        if record and not record["deleted"]:
            record["deleted"] = True
        elif (chat_id, message_id) in self._user_messages:
            self._user_messages.discard((chat_id, message_id))
        else:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_answercallbackquery(self, p: JSON) -> bool:
        query_id = str(p.get("callback_query_id") or "")
        if self._queries.get(query_id, True):  # unknown or already answered
            raise ApiError(400, _BAD_QUERY)
        self._queries[query_id] = True
        answer = {"callback_query_id": query_id, "text": p.get("text"), "url": p.get("url")}
        self._callback_answers.append({**answer, "show_alert": bool(p.get("show_alert"))})
        return True

    def _api_sendchataction(self, p: JSON) -> bool:
        self._chat_id(p)
        if p.get("action") not in _ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ validation helpers
    def _chat_id(self, p: JSON) -> int:
        chat_id = p.get("chat_id")
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _content(self, p: JSON) -> JSON:
        raw, parse_mode = p.get("text"), p.get("parse_mode")
        text, entities = raw, []
        if isinstance(raw, str) and str(parse_mode).lower() == "html":
            text, entities = parse_html(raw)
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        content = dict(text=text, raw_text=raw, parse_mode=parse_mode, entities=entities)
        return {**content, "reply_markup": self._markup(p)}

    @staticmethod
    def _markup(p: JSON) -> JSON | None:
        """Validate ``reply_markup`` like Telegram does (inline keyboards in detail)."""
        markup = p.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard", [])
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, _BUTTON + 'Field "inline_keyboard" must be an Array of Arrays')
        for button in (button for row in rows for button in row):
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, _BUTTON + 'Field "text" must be of type String')
            if len(button) < 2:
                raise ApiError(400, _BUTTON + "Text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _bot_message(self, p: JSON) -> JSON:
        chat_id, message_id = self._chat_id(p), int(p.get("message_id") or 0)
        record = self._bot_messages.get(chat_id, {}).get(message_id)
        if not record or record["deleted"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return record

    def _next_message_id(self, chat_id: int) -> int:
        profile = self._profiles.get(chat_id, {"first_name": "Test"})
        self._chats.setdefault(chat_id, {"id": chat_id, "type": "private", **profile})
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _to_api(self, record: JSON) -> JSON:
        """The Bot API ``Message`` object of a stored bot message."""
        chat = dict(self._chats[record["chat_id"]])
        message = {"message_id": record["message_id"], "from": dict(self.bot_user), "chat": chat}
        message["date"] = record["date"]
        if document := record.get("document"):
            content = document["content"]
            message["document"] = {
                "file_id": f"BQACAgIAAxkBdoc{record['message_id']}",
                "file_unique_id": f"AgADdoc{record['message_id']}",
                "file_name": document["file_name"],
                "mime_type": document["mime_type"],
                "file_size": len(content),
            }
            if record["text"]:
                message["caption"] = record["text"]
        else:
            message["text"] = record["text"]
        if record["edit_date"]:
            message["edit_date"] = record["edit_date"]
        if record["entities"]:
            message["entities"] = copy.deepcopy(record["entities"])
        if record["reply_markup"] and "inline_keyboard" in record["reply_markup"]:
            message["reply_markup"] = copy.deepcopy(record["reply_markup"])
        return message
