"""Documents sent to a person, rendered when they are delivered, from what is stored then.

The outbox queues only the kind of document (``EXPORT``, ``SUMMARY_PDF``), never its
content: no second copy of a person's data waits at rest, an export reflects the moment
it is sent, and one erased in the meantime sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.engine.summary import check_summary
from bot.flow import Flow
from bot.reports.export import export_document
from bot.reports.summary_pdf import summary_pdf
from bot.store import SessionStore
from bot.store.personal_data import collect

EXPORT = "export"
SUMMARY_PDF = "summary_pdf"
KINDS = (EXPORT, SUMMARY_PDF)


@dataclass(frozen=True)
class Document:
    """A file to send."""

    filename: str
    content: bytes
    caption: str
    mime_type: str


class Documents:
    """Renders a person's documents from the store (blocking: run it in a thread)."""

    def __init__(
        self,
        flows: dict[str, Flow],
        store: SessionStore,
    ):
        self.flows = flows
        self.store = store

    def render(
        self, kind: str, person: str, *, bot_name: str, now: datetime | None = None
    ) -> Document | None:
        """The document, or None when nothing is stored to put in it."""
        now = now or datetime.now(UTC)
        day = f"{now:%Y-%m-%d}"
        if kind == EXPORT:
            stored = collect(self.store.engine, self.store.dialect, person)
            content = export_document(person, stored, self.flows, now)
            if content is None:
                return None
            caption = "Everything stored about you, as JSON. /forget erases it."
            return Document(f"my-data-{day}.json", content, caption, "application/json")
        if kind == SUMMARY_PDF:
            session = self.store.load(person)
            flow = self.flows.get(session.flow_id) if session else None
            upcoming = tuple(checkin.due_at for checkin in self.store.checkins.of_person(person))
            summary = check_summary(flow, session, upcoming) if session and flow else None
            if summary is None or not summary.sections:
                return None
            pdf = summary_pdf(summary, bot_name, now)
            caption = "Your check summary as a PDF, to show a doctor. It is not a diagnosis."
            return Document(f"check-summary-{day}.pdf", pdf, caption, "application/pdf")
        raise ValueError(f"unknown document kind {kind!r}")
