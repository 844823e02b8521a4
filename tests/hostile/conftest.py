from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from batch.limits import batch_limits


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture()
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set HNTE_* limits for one test (read afresh), then back to the defaults."""
    batch_limits.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    batch_limits.cache_clear()
