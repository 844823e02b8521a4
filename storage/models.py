"""The stored data. A pool is a named upload; a firm is keyed by its credit code (or its name when it
has none); each assessment keeps its input, its output, the rules version and the time, so the same
firm can be compared across seasons. Facets (failing criterion, shortfall, …) make filters and counts
plain indexed queries, and a new kind of facet needs no new column."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.safe_text import SafeString  # text columns: no NUL ever reaches the database (storage.safe_text)

Json = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(SafeString(100), unique=True)
    role: Mapped[str] = mapped_column(SafeString(20))  # bureau | intermediary
    token_hash: Mapped[str] = mapped_column(SafeString(64), unique=True)  # sha256 of the token, never the token
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # set by `hnte users revoke`: the token and every session of the user stop working (cleared by rotate)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A browser's sign-in: the cookie holds a random session id of its own (never the API token), only
    its SHA-256 is stored; it expires, and signing out or revoking the user ends it."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(SafeString(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class Pool(Base):
    __tablename__ = "pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(SafeString(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    source_name: Mapped[str] = mapped_column(SafeString(255), default="")
    status: Mapped[str] = mapped_column(SafeString(20), default="scoring")  # scoring | ready | failed
    rows: Mapped[int] = mapped_column(Integer, default=0)
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    empty_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)

    owner: Mapped[User] = relationship()


class Firm(Base):
    __tablename__ = "firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(SafeString(220), unique=True)  # "code:<credit code>" or "name:<name>"
    credit_code: Mapped[str | None] = mapped_column(SafeString(18))
    name: Mapped[str] = mapped_column(SafeString(200))


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_pool_readiness", "pool_id", "readiness"),
        Index("ix_assessments_pool_verdict", "pool_id", "verdict"),
        Index("ix_assessments_pool_town", "pool_id", "town"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(SafeString(200))
    town: Mapped[str | None] = mapped_column(SafeString(200))
    verdict: Mapped[str] = mapped_column(SafeString(20))
    readiness: Mapped[float | None]
    innovation_min: Mapped[int] = mapped_column(Integer)
    innovation_max: Mapped[int] = mapped_column(Integer)
    borderline: Mapped[bool] = mapped_column(default=False)
    rules_version: Mapped[str] = mapped_column(SafeString(80))
    assessed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    summary: Mapped[dict[str, Any]] = mapped_column(Json)  # batch.triage.FirmSummary as data
    profile: Mapped[dict[str, Any]] = mapped_column(Json)  # the input, as read
    output: Mapped[dict[str, Any]] = mapped_column(Json)  # the assessment (contract output and extras)

    firm: Mapped[Firm] = relationship()
    facets: Mapped[list["AssessmentFacet"]] = relationship(cascade="all, delete-orphan")


class AssessmentFacet(Base):
    """One value of one facet of an assessment: ("failing", "rd_expense_ratio"), ("shortfall", key), …"""

    __tablename__ = "assessment_facets"
    __table_args__ = (Index("ix_facets_pool_facet_value", "pool_id", "facet", "value"),)

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(SafeString(30), primary_key=True)
    value: Mapped[str] = mapped_column(SafeString(160), primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"))


class RowError(Base):
    __tablename__ = "row_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(SafeString(200))
    errors: Mapped[list[dict[str, Any]]] = mapped_column(Json)


class BatchJob(Base):
    """An upload being scored over HTTP: its progress, and where its result workbook is."""

    __tablename__ = "batch_jobs"

    id: Mapped[str] = mapped_column(SafeString(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    pool_id: Mapped[int | None] = mapped_column(ForeignKey("pools.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(SafeString(20), default="queued")  # queued | running | done | failed
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    expected_rows: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[dict[str, str] | None] = mapped_column(Json)
    result_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now
    )  # set on every progress write
