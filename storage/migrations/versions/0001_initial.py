"""initial schema: users, pools, firms, assessments, facets, row errors, batch jobs

Revision ID: 0001
Revises:
Create Date: 2026-11-28 18:18:04.178433
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=220), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("assessed", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("empty_rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pools_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pools_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("town", sa.String(length=200), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("readiness", sa.Double(), nullable=True),
        sa.Column("innovation_min", sa.Integer(), nullable=False),
        sa.Column("innovation_max", sa.Integer(), nullable=False),
        sa.Column("borderline", sa.Boolean(), nullable=False),
        sa.Column("rules_version", sa.String(length=80), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "summary", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "profile", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "output", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
        ),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessments_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index("ix_assessments_pool_readiness", ["pool_id", "readiness"], unique=False)
        batch_op.create_index("ix_assessments_pool_town", ["pool_id", "town"], unique=False)
        batch_op.create_index("ix_assessments_pool_verdict", ["pool_id", "verdict"], unique=False)

    op.create_table(
        "batch_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_rows", sa.Integer(), nullable=False),
        sa.Column("expected_rows", sa.Integer(), nullable=True),
        sa.Column(
            "message", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("result_path", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("batch_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_jobs_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "row_errors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column(
            "errors", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("row_errors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_row_errors_pool_id"), ["pool_id"], unique=False)

    op.create_table(
        "assessment_facets",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=160), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "facet", "value"),
    )
    with op.batch_alter_table("assessment_facets", schema=None) as batch_op:
        batch_op.create_index("ix_facets_pool_facet_value", ["pool_id", "facet", "value"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_facets", schema=None) as batch_op:
        batch_op.drop_index("ix_facets_pool_facet_value")

    op.drop_table("assessment_facets")
    with op.batch_alter_table("row_errors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_row_errors_pool_id"))

    op.drop_table("row_errors")
    with op.batch_alter_table("batch_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_jobs_owner_id"))

    op.drop_table("batch_jobs")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_assessments_pool_verdict")
        batch_op.drop_index("ix_assessments_pool_town")
        batch_op.drop_index("ix_assessments_pool_readiness")
        batch_op.drop_index(batch_op.f("ix_assessments_firm_id"))

    op.drop_table("assessments")
    with op.batch_alter_table("pools", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pools_owner_id"))
        batch_op.drop_index(batch_op.f("ix_pools_created_at"))

    op.drop_table("pools")
    op.drop_table("users")
    op.drop_table("firms")
