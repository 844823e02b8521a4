"""schemathesis over every operation of /openapi.json, in process (ASGI), with a bureau's token and a stored
pool, on SQLite and on PostgreSQL: whatever it generates — examples, boundary values (the coverage phase:
huge integers, NUL characters, wrong types, missing fields, wrong content types, other methods) and random
fuzzing — no answer may be a server error, and every answer must be documented (status code, content type,
JSON shape). Examples per operation are bounded (HNTE_SCHEMATHESIS_EXAMPLES, default 25)
so that the run takes a minute or two."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from storage.users import add_user
from tests.hostile.web_helpers import drain_jobs, finished, jsonl, profiles, upload, upload_env  # noqa: F401
from tests.storage.conftest import db_url, use_db  # noqa: F401

# No server error (the condition); and every answer documented: its status, its content type, its shape.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("HNTE_SCHEMATHESIS_EXAMPLES", "25"))
# The app reads its database and upload folder from the environment on each request, so one app serves
# every database the fixture below points it at.
APP = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture()
def bureau_token(use_db: str, upload_env: Path) -> Iterator[str]:  # noqa: F811
    """A bureau's token over a fresh database holding one scored pool (pool 1, its firms, a finished job)."""
    with TestClient(APP, raise_server_exceptions=False) as client:
        token = add_user("区科技局", "bureau")
        job = upload(client, token, jsonl(profiles(6, seed=3)))
        assert finished(client, token, job.json()["id"])["status"] == "done"
        yield token
        drain_jobs()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case, bureau_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {bureau_token}"}, checks=CHECKS)
