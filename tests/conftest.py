import os
from collections.abc import Iterator

import pytest

from engine import Assessor, default_assessor
from tests.postgres_server import PostgresUnavailable, throwaway_postgres


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    """The process's real assessor over rules/ (durable-rules rulesets are per process)."""
    return default_assessor()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for the storage tests: HNTE_TEST_POSTGRES_URL when set, else a throwaway cluster
    started from the machine's PostgreSQL binaries (tests/postgres_server.py). Where neither is possible the
    PostgreSQL tests are skipped with the reason — except in CI (CI=true), where that is a failure."""
    given = os.environ.get("HNTE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresUnavailable as unavailable:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed in CI: {unavailable}")
        pytest.skip(f"PostgreSQL tests skipped: {unavailable}")
