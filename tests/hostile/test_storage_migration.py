"""Migration 0002 (sessions, revocable users) upgrades a database made by 0001 in place, its users kept, on
SQLite and PostgreSQL; and downgrades cleanly."""

from alembic import command
from sqlalchemy import create_engine, inspect, text

from storage.database import _alembic_config, dispose_engines, get_engine
from storage.users import hash_token, new_token, start_session, user_for_session, user_for_token
from tests.storage.conftest import db_url, use_db  # noqa: F401


def test_0002_upgrades_a_0001_database_in_place(use_db: str) -> None:  # noqa: F811
    old = create_engine(use_db)
    command.upgrade(_alembic_config(old), "0001")
    token = new_token()
    with old.begin() as connection:
        connection.execute(
            text("INSERT INTO users (name, role, token_hash, created_at) VALUES ('老用户', 'bureau', :h, :t)"),
            {"h": hash_token(token), "t": "2026-01-01 00:00:00"},
        )
    assert "sessions" not in inspect(old).get_table_names()
    old.dispose()

    engine = get_engine()  # migrates to the newest revision on first use
    assert "sessions" in inspect(engine).get_table_names()
    assert "revoked_at" in {c["name"] for c in inspect(engine).get_columns("users")}
    user = user_for_token(token)
    assert user is not None and user.name == "老用户" and user.revoked_at is None
    session_id, _ = start_session(user)
    assert user_for_session(session_id).name == "老用户"  # type: ignore[union-attr]

    command.downgrade(_alembic_config(engine), "0001")
    dispose_engines()
    check = create_engine(use_db)
    assert "sessions" not in inspect(check).get_table_names()
    assert "revoked_at" not in {c["name"] for c in inspect(check).get_columns("users")}
    check.dispose()
