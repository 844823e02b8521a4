"""The database: its URL, one engine per process and URL, migrated to the newest revision on first use."""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.safe_text import dumps_without_nul

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_SQLITE = Path("var") / "hnte.db"
MIGRATION_LOCK_ID = 0x484E5445  # "HNTE": the advisory lock that serialises migrations on PostgreSQL

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


PRIVATE_FILE = 0o600  # the stored pools are confidential: only the service's own user reads its files
PRIVATE_FOLDER = 0o700


def private_folder(folder: Path) -> Path:
    """`folder`, created (with its parents) readable by the service's user only; tightened if it exists."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    try:
        os.chmod(folder, PRIVATE_FOLDER)
    except PermissionError:  # a folder the operator owns and chose: leave it as it is
        pass
    return folder


def private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist; make an existing file 0600."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    os.close(descriptor)
    try:
        os.chmod(path, PRIVATE_FILE)
    except PermissionError:
        pass


def database_url() -> str:
    """HNTE_DATABASE_URL, else the embedded SQLite file var/hnte.db (its folder is created 0700)."""
    url = os.environ.get("HNTE_DATABASE_URL")
    if url:
        return url
    private_folder(DEFAULT_SQLITE.parent)
    return f"sqlite:///{DEFAULT_SQLITE.resolve()}"


def _private_sqlite_files(database: str) -> None:
    """The database file and its companions exist as 0600 before SQLite opens them: SQLite gives the -wal
    and -shm files the mode of the database file, and the migration lock is ours."""
    if not Path(database).parent.is_dir():
        return  # SQLite itself says it cannot open the file
    for companion in ("", "-wal", "-shm"):
        if companion == "" or Path(f"{database}{companion}").exists():
            private_file(Path(f"{database}{companion}"))


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer of a batch
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Only one process migrates at a time (several uvicorn workers may start together)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                connection.commit()
    elif engine.url.database and engine.url.database != ":memory:":
        lock = Path(f"{engine.url.database}.lock")
        private_file(lock)
        with open(lock, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
    else:
        yield


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest Alembic revision."""
    from alembic import command

    with _migration_lock(engine):
        command.upgrade(_alembic_config(engine), "head")


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: database_url()), migrated on first use."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    _private_sqlite_files(parsed.database)
                engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=dumps_without_nul)
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True, json_serializer=dumps_without_nul)
            migrate(engine)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back otherwise."""
    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
