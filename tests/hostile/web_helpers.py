"""Shared by the web and storage tests of tests/hostile: a client over a fresh database of each kind, users,
uploads. (Not a conftest: the input/batch half of tests/hostile keeps its own.)"""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.batches import JOBS, upload_settings
from fixtures.generator import pool


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jsonl(profiles: list[dict]) -> bytes:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles).encode()


def profiles(count: int, seed: int = 1) -> list[dict]:
    return list(pool(count, seed=seed))


def upload(client: TestClient, token: str, body: bytes, filename: str = "firms.jsonl", **headers: str):
    return client.post(
        "/v1/batches", headers={**bearer(token), **headers}, files={"file": (filename, body)}, data={"name": "p"}
    )


def finished(client: TestClient, token: str, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/v1/batches/{job_id}", headers=bearer(token)).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def drain_jobs() -> None:
    """Wait for every queued batch job of this process (they run one at a time)."""
    JOBS.submit(lambda: None).result(timeout=300)


@pytest.fixture()
def upload_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "batches"
    monkeypatch.setenv("HNTE_UPLOAD_FOLDER", str(folder))
    monkeypatch.setenv("HNTE_UPLOAD_WORKERS", "0")  # score in the job's thread: no process start per test
    monkeypatch.setenv("HNTE_UPLOAD_MAX_ROWS", "200")
    upload_settings.cache_clear()
    yield folder
    drain_jobs()
    upload_settings.cache_clear()


@pytest.fixture()
def client(use_db: str, upload_env: Path) -> Iterator[TestClient]:
    """A client (with the app's start-up run) over a fresh SQLite or PostgreSQL database."""
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client
        drain_jobs()
