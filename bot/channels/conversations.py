"""The service every channel uses: pick the flow, run one durable step, queue the reply."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.audit import PREVIEW_PREFIX, record_step
from bot.channels.clock import Clock, shifted_clock, system_clock
from bot.engine import Answer, Event, Reply, Session, ShowSummary, step
from bot.flow import Flow, FlowError, FlowLoadError, check_flows
from bot.publish.publisher import Publisher, last_releases
from bot.settings import Settings
from bot.store import LastPrompt, SessionStore, Tx, TxResult, Work
from bot.store.releases import Releases

# Queues a reply for delivery inside the step's transaction (a channel's renderer).
Deliver = Callable[[Reply, Tx], None]


@dataclass(frozen=True)
class Typed:
    """A typed message: its channel message id orders it against the questions sent."""

    message_id: int


log = logging.getLogger(__name__)

KEEP_EARLIER_VERSIONS = 16  # replaced versions kept to tell people what changed


# Set by a caller that reports on each update (the inbox worker's log line): the steps fill
# in the state before and after, and the outcome a check reached.
STEP_REPORT: ContextVar[dict[str, str | None] | None] = ContextVar("step_report", default=None)


class AwaitingDelivery(Exception):
    """A typed answer to a question whose message is still being delivered: whether the
    person saw it is not known yet, so the update waits (nothing is recorded or sent)."""


class Conversations:
    """Flows plus the session store: one call per person's action."""

    def __init__(
        self,
        flows: dict[str, Flow],
        store: SessionStore,
        default_flow: str,
        clock: Clock = system_clock,
    ):
        if default_flow not in flows:
            known = ", ".join(sorted(flows)) or "none"
            raise ValueError(
                f"DEFAULT_FLOW '{default_flow}' is not a loaded flow (loaded: {known})"
            )
        self.flows = flows
        self.store = store
        self.default_flow = default_flow
        self.clock = clock
        self.publisher: Publisher | None = None  # set when flows are published live
        self._earlier: dict[tuple[str, str], Flow] = {}  # versions replaced while running

    def flow_for(self, session: Session | None, requested: str | None = None) -> Flow:
        """The flow a step runs on: the requested one, else the session's, else the default."""
        flows = self.flows  # read once: a publish swaps the whole mapping between steps
        if requested in flows:
            return flows[requested]
        if session is not None and session.flow_id in flows:
            return flows[session.flow_id]
        return flows[self.default_flow]

    def swap_flow(self, flow: Flow) -> None:
        """Serve ``flow`` from the next step on; a step in progress keeps the version it read."""
        replaced = self.flows.get(flow.id)
        if replaced is not None:
            if len(self._earlier) >= KEEP_EARLIER_VERSIONS:
                self._earlier.pop(next(iter(self._earlier)))
            self._earlier[(replaced.id, replaced.version)] = replaced
        self.flows = {**self.flows, flow.id: flow}

    def earlier(self, session: Session | None) -> Flow | None:
        """The version a session was on, if this process served it before a publish."""
        if session is None:
            return None
        return self._earlier.get((session.flow_id, session.flow_version))

    def drop_flow(self, flow_id: str) -> None:
        """Stop serving a flow; the default flow cannot go (ValueError)."""
        if flow_id == self.default_flow:
            raise ValueError(
                f"DEFAULT_FLOW '{flow_id}' was refused by the publish gate and has no earlier"
                " release to serve (see the warnings above)"
            )
        self.flows = {k: v for k, v in self.flows.items() if k != flow_id}

    def handle(self, person: str, event: Event, **options: Any) -> TxResult[Reply]:
        """Load, step, save and queue the reply in one transaction (blocking); the options
        are those of ``handling``."""
        return self.store.run(self.handling(person, event, **options))

    def handling(
        self,
        person: str,
        event: Event,
        *,
        update_id: int | None = None,
        flow_id: str | None = None,
        now: datetime | None = None,
        deliver: Deliver | None = None,
        typed: Typed | None = None,
    ) -> Work[Reply]:
        """The transaction of one action: load, step, save and queue the reply.

        With ``typed``, a typed answer applies only to the question last delivered to the
        person before they typed; otherwise nothing is recorded and the question is sent again
        (unless it arrived after they typed: it is on their screen now). While that question's
        message is still on its way, AwaitingDelivery is raised (the
        transaction changes nothing; the caller tries again once it was delivered).
        An outcome that keeps nothing (consent declined) erases the person.
        """
        moment = now or self.clock()

        def stepper(session: Session | None, tx: Tx) -> tuple[Session | None, Reply]:
            flow = self.flow_for(session, flow_id)
            if isinstance(event, ShowSummary):  # the summary names the check-ins to come
                upcoming = tuple(checkin.due_at for checkin in tx.checkins.scheduled())
                stepped: Event = ShowSummary(upcoming=upcoming)
            else:
                stepped = event
            new, reply = step(flow, session, stepped, moment, previous=self.earlier(session))
            answered = reply.answered if typed is not None and _typed_answer(event) else None
            if answered is not None and not _seen(tx, answered.question_id, typed.message_id):
                again = Reply(prompt=answered.prompt)
                last = tx.last_prompt()
                if last and last.pending and _same(last, again):
                    raise AwaitingDelivery(answered.question_id)
                arrived_since = last and _same(last, again) and _after(last, typed.message_id)
                if deliver and not arrived_since:  # else it is on their screen now
                    deliver(again, tx)
                return session, again
            _report(session, new)
            if reply.forget:
                tx.erase()  # the flow's outcome keeps nothing (consent declined)
            if reply.cancel_checkins:
                tx.checkins.cancel_all()
            if reply.checkin_at is not None:
                tx.checkins.schedule(flow.id, reply.checkin_at)
            if deliver is not None:
                deliver(reply, tx)
            if not person.startswith(PREVIEW_PREFIX):
                record_step(flow, session, new, event, reply, moment, tx)
            return new, reply

        return Work(person, stepper, update_id)

    def has_answers(self, person: str) -> bool:
        """Whether anything the person answered is stored (blocking)."""
        session = self.store.load(person)
        return session is not None and bool(session.answers)

    def respond(
        self, person: str, deliver: Callable[[Tx], None], *, update_id: int | None = None
    ) -> TxResult[None]:
        """Queue messages that change no session, marking the update processed (blocking)."""
        return self.store.run(self.responding(person, deliver, update_id=update_id))

    def responding(
        self, person: str, deliver: Callable[[Tx], None], *, update_id: int | None = None
    ) -> Work[None]:
        """The transaction that queues messages changing no session (see ``respond``)."""
        return Work(person, lambda _s, tx: (None, deliver(tx)), update_id)

    def forget(self, person: str, **options: Any) -> TxResult[bool]:
        """Erase everything stored about the person, then queue the confirmation (blocking);
        the options are those of ``forgetting``."""
        return self.store.run(self.forgetting(person, **options))

    def forgetting(
        self,
        person: str,
        *,
        update_id: int | None = None,
        deliver: Callable[[Tx, bool], None] | None = None,
    ) -> Work[bool]:
        """The transaction of an erasure and its confirmation (see ``forget``)."""

        def stepper(_session: Session | None, tx: Tx) -> tuple[None, bool]:
            erased = tx.erase()
            if deliver is not None:
                deliver(tx, erased)
            return None, erased

        return Work(person, stepper, update_id)


def _report(before: Session | None, after: Session | None) -> None:
    report = STEP_REPORT.get()
    if report is None:
        return
    report["before"] = before.state if before else None
    report["after"] = after.state if after else None
    reached = after is not None and after.ended and not (before and before.ended)
    report["outcome"] = after.state if reached else None  # type: ignore[union-attr]
    report["flow"] = after.flow_id if after else None


def _typed_answer(event: Event) -> bool:
    return isinstance(event, Answer) and event.question_id is None and event.option_id is None


def _seen(tx: Tx, question_id: str, typed_message_id: int) -> bool:
    last = tx.last_prompt()
    return (
        last is not None
        and last.question_id == question_id
        and last.message_id is not None
        and last.message_id < typed_message_id
    )


def _after(last: LastPrompt, typed_message_id: int) -> bool:
    return last.message_id is not None and last.message_id > typed_message_id


def _same(last: LastPrompt, reply: Reply) -> bool:
    return reply.prompt is not None and last.question_id == reply.prompt.question_id


def build_conversations(settings: Settings) -> Conversations:
    """Load the flows and open the store named by ``settings``.

    A broken flow file is reported and left out, and the other flows serve; a flow whose
    file is broken but which was published before serves its last release. Only a default
    flow that cannot load stops start-up (FlowLoadError)."""
    flows, errors = check_flows(settings.flows_dir)
    store = SessionStore(
        settings.database_url,
        session_ttl=timedelta(days=settings.session_ttl_days),
        bot=settings.bot_id,
    )
    releases = Releases(store.engine)
    recovered = last_releases(releases, settings.flows_dir, exclude=set(flows))
    if settings.default_flow not in flows and settings.default_flow not in recovered:
        store.close()
        problem = f"DEFAULT_FLOW '{settings.default_flow}' could not be loaded"
        where = FlowError(str(settings.flows_dir), 1, 1, problem, "fix the errors listed")
        raise FlowLoadError([*errors, where] if flows else errors or [where])
    for error in errors:
        log.warning("flow not loaded: %s", str(error).replace("\n", " "))
    for flow in recovered.values():
        log.warning(
            "flow %s: its file has errors; serving its last release %s", flow.id, flow.version
        )
    shift = settings.test_clock_shift_file
    if shift is not None:
        log.warning("TEST_CLOCK_SHIFT_FILE is set: the clock runs ahead (for tests only)")
    clock = shifted_clock(shift) if shift is not None else system_clock
    conversations = Conversations({**recovered, **flows}, store, settings.default_flow, clock)
    conversations.publisher = Publisher(
        conversations, releases, settings.flows_dir, require_approval=settings.require_approval
    )
    try:
        conversations.publisher.adopt_loaded()
    except ValueError:
        store.close()
        raise
    return conversations
