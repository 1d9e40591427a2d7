"""Published flow versions and sign-offs (tables ``flow_releases``, ``flow_approvals``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from bot.store.schema import flow_approvals, flow_releases


@dataclass(frozen=True)
class Release:
    """One version that went live."""

    id: int
    flow_id: str
    version: str
    source: str
    content: str
    scenarios: str | None
    diff_summary: str
    published_by: str
    published_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class Approval:
    """A sign-off on one content hash of a flow."""

    flow_id: str
    version: str
    approved_by: str
    approved_at: datetime


class Releases:
    """Reads and writes the release history and the approvals."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def record(
        self,
        *,
        flow_id: str,
        version: str,
        source: str,
        content: str,
        scenarios: str | None,
        diff_summary: str,
        published_by: str,
        now: datetime | None = None,
    ) -> int:
        """Record a version that went live; return its release id."""
        with self.engine.begin() as conn:
            row = conn.execute(
                insert(flow_releases).values(
                    flow_id=flow_id,
                    version=version,
                    source=source,
                    content=content,
                    scenarios=scenarios,
                    diff_summary=diff_summary,
                    published_by=published_by,
                    published_at=now or datetime.now(UTC),
                )
            )
            return int(row.inserted_primary_key[0])

    def withdraw(self, release_id: int, now: datetime | None = None) -> None:
        """Mark a release as rolled back: the same content is not published again by itself."""
        with self.engine.begin() as conn:
            conn.execute(
                update(flow_releases)
                .where(flow_releases.c.id == release_id)
                .values(withdrawn_at=now or datetime.now(UTC))
            )

    def history(self, flow_id: str | None = None) -> list[Release]:
        """Every release (of one flow, or of all), oldest first."""
        query = select(flow_releases).order_by(flow_releases.c.id)
        if flow_id is not None:
            query = query.where(flow_releases.c.flow_id == flow_id)
        with self.engine.connect() as conn:
            return [Release(**row._mapping) for row in conn.execute(query)]

    def live(self, flow_id: str) -> Release | None:
        """The newest release of a flow, or None."""
        query = (
            select(flow_releases)
            .where(flow_releases.c.flow_id == flow_id)
            .order_by(flow_releases.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else Release(**row._mapping)

    def any(self) -> bool:
        """Whether any version was ever published."""
        with self.engine.connect() as conn:
            return conn.execute(select(flow_releases.c.id).limit(1)).first() is not None

    def withdrawn(self, flow_id: str, version: str) -> bool:
        """Whether this version of the flow was rolled back."""
        query = select(flow_releases.c.id).where(
            flow_releases.c.flow_id == flow_id,
            flow_releases.c.version == version,
            flow_releases.c.withdrawn_at.is_not(None),
        )
        with self.engine.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None

    def approve(
        self, flow_id: str, version: str, by: str, diff_summary: str, now: datetime | None = None
    ) -> None:
        """Record a sign-off on this content hash."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(flow_approvals).values(
                    flow_id=flow_id,
                    version=version,
                    approved_by=by,
                    approved_at=now or datetime.now(UTC),
                    diff_summary=diff_summary,
                )
            )

    def approval(self, flow_id: str, version: str) -> Approval | None:
        """The first sign-off on this content hash, or None."""
        query = (
            select(
                flow_approvals.c.flow_id,
                flow_approvals.c.version,
                flow_approvals.c.approved_by,
                flow_approvals.c.approved_at,
            )
            .where(flow_approvals.c.flow_id == flow_id, flow_approvals.c.version == version)
            .order_by(flow_approvals.c.id)
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else Approval(**row._mapping)
