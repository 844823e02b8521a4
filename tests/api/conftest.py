import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"
EXAMPLE_NAMES = sorted(p.name.removesuffix(".json") for p in EXAMPLES.glob("*.json") if ".expected" not in p.name)


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return create_app(Settings())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A fresh client (no cookies from other tests, so no remembered language) over the session's app."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_client() -> Iterator[Any]:
    """A client over an app with particular settings."""
    opened: list[TestClient] = []

    def make(**settings: Any) -> TestClient:
        test_client = TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)
        test_client.__enter__()
        opened.append(test_client)
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)
