"""The service every channel uses: pick the flow, run one durable step, return the reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.engine import Event, Reply, Session, step
from bot.flow import Flow, load_flows
from bot.settings import Settings
from bot.store import ERASE, SessionStore, TxResult


class Conversations:
    """Flows plus the session store: one call per person's action."""

    def __init__(self, flows: dict[str, Flow], store: SessionStore, default_flow: str):
        if default_flow not in flows:
            known = ", ".join(sorted(flows)) or "none"
            raise ValueError(
                f"DEFAULT_FLOW '{default_flow}' is not a loaded flow (loaded: {known})"
            )
        self.flows = flows
        self.store = store
        self.default_flow = default_flow

    def flow_for(self, session: Session | None, requested: str | None = None) -> Flow:
        """The flow a step runs on: the requested one, else the session's, else the default."""
        if requested in self.flows:
            return self.flows[requested]
        if session is not None and session.flow_id in self.flows:
            return self.flows[session.flow_id]
        return self.flows[self.default_flow]

    def handle(
        self,
        person: str,
        event: Event,
        *,
        update_id: int | None = None,
        flow_id: str | None = None,
        now: datetime | None = None,
    ) -> TxResult[Reply]:
        """Load, step and save in one transaction (blocking: run it in a worker thread)."""
        moment = now or datetime.now(UTC)

        def stepper(session: Session | None) -> tuple[Session | object | None, Reply]:
            new, reply = step(self.flow_for(session, flow_id), session, event, moment)
            return (ERASE if reply.forget else new), reply

        return self.store.transact(person, stepper, update_id=update_id)

    def has_answers(self, person: str) -> bool:
        """Whether anything the person answered is stored (blocking)."""
        session = self.store.load(person)
        return session is not None and bool(session.answers)

    def forget(self, person: str, *, update_id: int | None = None) -> TxResult[bool]:
        """Erase everything stored about the person (blocking)."""
        return self.store.erase(person, update_id=update_id)

    def first_delivery(self, update_id: int) -> bool:
        """Record an update that changes no session; False for a re-delivered one (blocking)."""
        return self.store.claim(update_id)


def build_conversations(settings: Settings) -> Conversations:
    """Load the flows and open the store named by ``settings`` (raises FlowLoadError)."""
    flows = load_flows(settings.flows_dir)
    store = SessionStore(
        settings.database_url, session_ttl=timedelta(days=settings.session_ttl_days)
    )
    return Conversations(flows, store, settings.default_flow)
