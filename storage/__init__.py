"""Stored pools: SQLAlchemy 2 models, Alembic migrations, and the queries the triage pages need.

An embedded SQLite file by default (``var/hnte.db``), PostgreSQL when ``HNTE_DATABASE_URL`` names one
(``postgresql+psycopg://user@host/db``). The schema is migrated to the newest revision on first use.
"""

from storage.database import database_url, get_engine, session_scope

__all__ = ["database_url", "get_engine", "session_scope"]
