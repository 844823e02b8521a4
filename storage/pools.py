"""Pools: storing a scored upload, and the queries of the bureau's triage views.

Who sees what: a bureau user sees every pool; an intermediary only the pools it uploaded. A pool the
user may not see is reported exactly like one that does not exist (None), so ids reveal nothing.
"""

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from batch.outcome import RowOutcome
from batch.triage import FirmSummary
from engine.assessment import HARD_CRITERIA
from storage.database import session_scope
from storage.models import Assessment, AssessmentFacet, Firm, Pool, RowError, User
from storage.users import user_named

FLUSH_ROWS = 500
# The id columns are INTEGER: 32-bit on PostgreSQL (64 on SQLite). An id outside them is an id of nothing, a
# 404 — never sent to the database, where PostgreSQL refuses it ("integer out of range") and SQLite overflows
# beyond 64 bits.
MAX_ID = 2**31 - 1
# A row of a hostile file may hold thousands of errors; a pool keeps the first ones and the count.
MAX_STORED_ROW_ERRORS = 100


def valid_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def capped_errors(errors: list[dict[str, Any]], limit: int = MAX_STORED_ROW_ERRORS) -> list[dict[str, Any]]:
    """The first `limit` errors of a row, and a last entry saying how many more there were."""
    if len(errors) <= limit:
        return errors
    more = len(errors) - limit
    return [
        *errors[:limit],
        {
            "field": "(more)",
            "message": {"zh": f"另有 {more} 处错误未列出。", "en": f"{more} more errors not listed."},
        },
    ]


# facet name → the values a firm has for it. Add an entry (e.g. "tier") and the pool view can filter
# and count by it: facets are rows, not columns.
FACETS: dict[str, Callable[[FirmSummary], Sequence[str]]] = {
    "failing": lambda s: s.failing,
    "unknown": lambda s: s.unknown,
    "shortfall": lambda s: s.shortfall_keys,
    # the cultivation ladder (batch.tiers): the highest tier ("none" when the firm reaches none), and
    # every tier reached; nothing for an assessment made without the ladder
    "tier": lambda s: [s.tier or "none"] if s.tier or s.next_tier else [],
    "tier_met": lambda s: s.tiers_met,
}


def firm_key(name: str, credit_code: str | None) -> str:
    """A firm's identity across seasons: its credit code, or its name when it has none."""
    return f"code:{credit_code}" if credit_code else f"name:{name}"


def start_pool(name: str, owner: str | int, source_name: str, url: str | None = None) -> int:
    """A new, empty pool owned by the user `owner` (name or id); returns its id."""
    owner_id = owner if isinstance(owner, int) else user_named(owner, url).id
    with session_scope(url) as session:
        pool = Pool(name=name.strip()[:200] or source_name, owner_id=owner_id, source_name=source_name[:255])
        session.add(pool)
        session.flush()
        return pool.id


class PoolSink:
    """Stores the outcomes of a batch into a pool as they stream by, a few hundred rows per transaction."""

    keeps_json = True

    def __init__(self, pool_id: int, url: str | None = None) -> None:
        self.pool_id = pool_id
        self.url = url
        self.pending: list[RowOutcome] = []
        self.firm_ids: dict[str, int] = {}
        self.counts = {"rows": 0, "assessed": 0, "invalid": 0}

    def write(self, outcome: RowOutcome) -> None:
        self.pending.append(outcome)
        if len(self.pending) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with session_scope(self.url) as session:
            firms = self._firm_ids(session, [o.summary for o in self.pending if o.summary is not None])
            for outcome in self.pending:
                self.counts["rows"] += 1
                if outcome.summary is None:
                    self.counts["invalid"] += 1
                    session.add(
                        RowError(
                            pool_id=self.pool_id,
                            row=outcome.row,
                            name=(outcome.name or "")[:200] or None,
                            errors=capped_errors(outcome.errors or []),
                        )
                    )
                    continue
                self.counts["assessed"] += 1
                summary = outcome.summary
                assessment = Assessment(
                    pool_id=self.pool_id,
                    firm_id=firms[firm_key(summary.name, summary.credit_code)],
                    row=outcome.row,
                    name=summary.name[:200],
                    town=(summary.town or None) and summary.town[:200],
                    verdict=summary.verdict,
                    readiness=summary.readiness,
                    innovation_min=summary.innovation_min,
                    innovation_max=summary.innovation_max,
                    borderline=summary.is_borderline,
                    rules_version=summary.rules_version,
                    summary=dataclasses.asdict(summary),
                    profile=json.loads(outcome.profile_json or "{}"),
                    output=json.loads(outcome.assessment_json or "{}"),
                )
                assessment.facets = [
                    AssessmentFacet(facet=facet, value=value[:160], pool_id=self.pool_id)
                    for facet, values_of in FACETS.items()
                    for value in dict.fromkeys(values_of(summary))
                ]
                session.add(assessment)
        self.pending.clear()

    def _firm_ids(self, session: Session, summaries: list[FirmSummary]) -> dict[str, int]:
        wanted = {firm_key(s.name, s.credit_code): s for s in summaries}
        missing = [key for key in wanted if key not in self.firm_ids]
        if missing:
            for firm in session.scalars(select(Firm).where(Firm.key.in_(missing))):
                self.firm_ids[firm.key] = firm.id
            for key in missing:
                if key in self.firm_ids:
                    continue
                summary = wanted[key]
                try:
                    with session.begin_nested():  # another upload may add the same firm at the same time
                        firm = Firm(key=key[:220], credit_code=summary.credit_code, name=summary.name[:200])
                        session.add(firm)
                    self.firm_ids[key] = firm.id
                except IntegrityError:
                    self.firm_ids[key] = session.scalars(select(Firm.id).where(Firm.key == key)).one()
        return self.firm_ids

    def close(self, empty_rows: int = 0, failed: bool = False) -> None:
        """Store what is pending and mark the pool ready — or, for a failed run, drop what is pending (it
        may be what failed) and mark the pool failed, so that it never stays "scoring"."""
        if failed:
            self.pending.clear()
        else:
            self.flush()
        with session_scope(self.url) as session:
            pool = session.get(Pool, self.pool_id)
            if pool is not None:
                pool.rows, pool.assessed, pool.invalid = (
                    self.counts["rows"],
                    self.counts["assessed"],
                    self.counts["invalid"],
                )
                pool.empty_rows = empty_rows
                pool.status = "failed" if failed else "ready"


# --- reading -------------------------------------------------------------------------------------


def _visible(query: Select[Any], user: User) -> Select[Any]:
    return query if user.role == "bureau" else query.where(Pool.owner_id == user.id)


def visible_pools(user: User, url: str | None = None) -> list[Pool]:
    from storage.jobs import fail_stale_jobs

    fail_stale_jobs(url)  # a pool whose server died while scoring it shows as failed, not "scoring" for ever
    with session_scope(url) as session:
        pools = list(session.scalars(_visible(select(Pool).order_by(Pool.created_at.desc(), Pool.id.desc()), user)))
        for pool in pools:
            pool.owner  # noqa: B018 — loaded for the page
        session.expunge_all()
        return pools


def get_pool(user: User, pool_id: int, url: str | None = None) -> Pool | None:
    """The pool, or None when it does not exist or the user may not see it (both are a 404)."""
    if not valid_id(pool_id):
        return None
    with session_scope(url) as session:
        pool = session.scalar(_visible(select(Pool).where(Pool.id == pool_id), user))
        if pool is not None:
            pool.owner  # noqa: B018
            session.expunge_all()
        return pool


@dataclass
class PoolFilter:
    """The pool view's filters; every one is optional. `facets` filters on facet values (FACETS)."""

    verdict: str | None = None
    town: str | None = None
    borderline: bool = False
    facets: dict[str, str] = field(default_factory=dict)

    def apply(self, query: Select[Any], pool_id: int) -> Select[Any]:
        query = query.where(Assessment.pool_id == pool_id)
        if self.verdict:
            query = query.where(Assessment.verdict == self.verdict)
        if self.town is not None and self.town != "":
            query = (
                query.where(Assessment.town == self.town)
                if self.town != "-"
                else query.where(Assessment.town.is_(None))
            )
        if self.borderline:
            query = query.where(Assessment.borderline.is_(True))
        for facet, value in self.facets.items():
            if facet in FACETS and value:
                matching = select(AssessmentFacet.assessment_id).where(
                    AssessmentFacet.pool_id == pool_id, AssessmentFacet.facet == facet, AssessmentFacet.value == value
                )
                query = query.where(Assessment.id.in_(matching))
        return query


def _hard_not_met() -> Any:
    """How many of the eight hard criteria an assessment fails or leaves unknown (its facets), as SQL."""
    return (
        select(func.count())
        .where(
            AssessmentFacet.assessment_id == Assessment.id,
            AssessmentFacet.facet.in_(("failing", "unknown")),
            AssessmentFacet.value.in_(HARD_CRITERIA),
        )
        .correlate(Assessment)
        .scalar_subquery()
    )


def ranked_firms(
    pool_id: int, chosen: PoolFilter, limit: int | None = 100, offset: int = 0, url: str | None = None
) -> tuple[int, list[Assessment]]:
    """The filtered firms ranked by the hard criteria they meet (n of 8, most first), then by readiness
    (highest first), and how many match in all. Readiness mixes the hard criteria with the innovation
    range, so on its own it could put a firm failing a hard criterion above one meeting all eight."""
    with session_scope(url) as session:
        total = session.scalar(chosen.apply(select(func.count(Assessment.id)), pool_id)) or 0
        # The order is found on ids alone, then the page's rows are loaded: sorting whole rows (with their
        # JSON) by a computed key made the database sort megabytes (25 s for the last page of 10,000 firms).
        query = chosen.apply(select(Assessment.id), pool_id).order_by(
            _hard_not_met(), Assessment.readiness.desc().nulls_last(), Assessment.row
        )
        if limit is not None:
            query = query.limit(limit).offset(offset)
        ids = list(session.scalars(query))
        loaded = {a.id: a for a in session.scalars(select(Assessment).where(Assessment.id.in_(ids)))} if ids else {}
        firms = [loaded[i] for i in ids]
        session.expunge_all()
        return total, firms


def iter_firms(pool_id: int, chosen: PoolFilter, url: str | None = None, batch: int = 1000):  # type: ignore[no-untyped-def]
    """Every filtered firm in ranking order, a batch at a time (for exports of any size)."""
    offset = 0
    while True:
        _, firms = ranked_firms(pool_id, chosen, limit=batch, offset=offset, url=url)
        yield from firms
        if len(firms) < batch:
            return
        offset += batch


@dataclass
class PoolCounts:
    total: int
    by_verdict: dict[str, int]
    by_town: dict[str, dict[str, int]]  # town ("" = not given) → verdict → firms
    facets: dict[str, list[tuple[str, int]]]  # facet → (value, firms), most frequent first
    borderline: int


def pool_counts(pool_id: int, chosen: PoolFilter, top: int = 15, url: str | None = None) -> PoolCounts:
    with session_scope(url) as session:
        rows = session.execute(
            chosen.apply(select(Assessment.town, Assessment.verdict, func.count(Assessment.id)), pool_id).group_by(
                Assessment.town, Assessment.verdict
            )
        ).all()
        by_town: dict[str, dict[str, int]] = {}
        by_verdict: dict[str, int] = {}
        for town, verdict, count in rows:
            by_town.setdefault(town or "", {})[verdict] = count
            by_verdict[verdict] = by_verdict.get(verdict, 0) + count
        within = chosen.apply(select(Assessment.id), pool_id)
        facets: dict[str, list[tuple[str, int]]] = {}
        for facet in FACETS:
            counted = session.execute(
                select(AssessmentFacet.value, func.count())
                .where(AssessmentFacet.pool_id == pool_id, AssessmentFacet.facet == facet)
                .where(AssessmentFacet.assessment_id.in_(within))
                .group_by(AssessmentFacet.value)
                .order_by(func.count().desc(), AssessmentFacet.value)
                .limit(top)
            ).all()
            facets[facet] = [(value, count) for value, count in counted]
        borderline = (
            session.scalar(
                chosen.apply(select(func.count(Assessment.id)), pool_id).where(Assessment.borderline.is_(True))
            )
            or 0
        )
        return PoolCounts(sum(by_verdict.values()), by_verdict, by_town, facets, borderline)


def pool_towns(pool_id: int, url: str | None = None) -> list[str]:
    with session_scope(url) as session:
        return [
            t or ""
            for t in session.scalars(
                select(Assessment.town)
                .where(Assessment.pool_id == pool_id)
                .group_by(Assessment.town)
                .order_by(Assessment.town)
            )
        ]


def pool_errors(pool_id: int, url: str | None = None) -> list[RowError]:
    with session_scope(url) as session:
        errors = list(session.scalars(select(RowError).where(RowError.pool_id == pool_id).order_by(RowError.row)))
        session.expunge_all()
        return errors


def get_assessment(user: User, assessment_id: int, url: str | None = None) -> Assessment | None:
    if not valid_id(assessment_id):
        return None
    with session_scope(url) as session:
        query = _visible(
            select(Assessment).join(Pool, Pool.id == Assessment.pool_id).where(Assessment.id == assessment_id), user
        )
        assessment = session.scalar(query)
        if assessment is not None:
            session.expunge_all()
        return assessment


@dataclass
class HistoryEntry:
    assessment: Assessment
    pool_name: str
    pool_created_at: Any


@dataclass
class FirmView:
    """A firm as one viewer may see it: named as in the latest assessment that viewer may see — never as
    another intermediary's upload named it (the stored Firm row keeps the first name it was seen with)."""

    id: int
    name: str
    credit_code: str | None


def firm_history(user: User, firm_id: int, url: str | None = None) -> tuple[FirmView | None, list[HistoryEntry]]:
    """A firm's assessments across the pools the user may see, oldest first, and the firm as they show it.
    A firm the user has no visible assessment of is not shown at all (None, like a firm that does not exist)."""
    if not valid_id(firm_id):
        return None, []
    with session_scope(url) as session:
        query = _visible(
            select(Assessment, Pool.name, Pool.created_at)
            .join(Pool, Pool.id == Assessment.pool_id)
            .where(Assessment.firm_id == firm_id)
            .order_by(Assessment.assessed_at, Assessment.id),
            user,
        )
        entries = [HistoryEntry(a, name, created) for a, name, created in session.execute(query).all()]
        session.expunge_all()
    if not entries:
        return None, []
    latest = entries[-1].assessment
    return FirmView(firm_id, latest.name, (latest.summary or {}).get("credit_code")), entries


def pool_profiles(pool_id: int, url: str | None = None, batch: int = 1000):  # type: ignore[no-untyped-def]
    """Every stored firm's input profile with its row, in row order, a batch at a time (a rule-change
    impact assesses them again under changed packs)."""
    last = 0
    while True:
        with session_scope(url) as session:
            query = (
                select(Assessment.id, Assessment.row, Assessment.profile)
                .where(Assessment.pool_id == pool_id, Assessment.id > last)
                .order_by(Assessment.id)
                .limit(batch)
            )
            rows = list(session.execute(query))
        for _, row, profile in rows:
            yield row, profile
        if len(rows) < batch:
            return
        last = rows[-1][0]
