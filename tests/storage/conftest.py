"""Every storage test runs twice: on an embedded SQLite file and on a real PostgreSQL server.

.ci/run starts PostgreSQL and sets HNTE_TEST_POSTGRES_URL. Without it the PostgreSQL half is skipped —
except in CI (CI=true), where a missing server is a failure, never a silent skip.
"""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.database import dispose_engines


def _postgres_database(server: str) -> Iterator[str]:
    name = f"hnte_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind; the code under test migrates it on first use."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hnte.db'}"
        dispose_engines()
    else:
        yield from _postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture()
def use_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fresh database as the process's default (HNTE_DATABASE_URL)."""
    monkeypatch.setenv("HNTE_DATABASE_URL", db_url)
    return db_url
