"""Hostile bodies on the plan and what-if endpoints: refused with field errors, never a 500."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "examples" / "eligible-firm.json"
DEEP = b"[" * 100_000 + b"]" * 100_000


def _huge_number_profile() -> bytes:
    text = EXAMPLE.read_text(encoding="utf-8")
    profile = json.loads(text)
    profile["years"][0]["sales_revenue"] = 1
    return json.dumps(profile).replace('"sales_revenue": 1,', '"sales_revenue": 1e100000,', 1).encode()


@pytest.fixture(scope="module")
def client() -> TestClient:
    with TestClient(create_app()) as web:
        yield web


@pytest.mark.parametrize("path", ["/v1/plans", "/v1/assessments/what-if"])
def test_deep_nesting_is_a_field_error(client: TestClient, path: str) -> None:
    response = client.post(path, content=DEEP, headers={"content-type": "application/json"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["message"]["zh"] and error["message"]["en"]


def test_a_huge_number_in_a_plans_profile_is_named(client: TestClient) -> None:
    response = client.post("/v1/plans", content=_huge_number_profile(), headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert any(e["field"] == "years[0].sales_revenue" for e in response.json()["errors"])


def test_the_what_if_page_refuses_a_hostile_carried_profile(client: TestClient) -> None:
    response = client.post("/report/what-if", data={"profile_json": DEEP.decode(), "lang": "en"})
    assert response.status_code == 422
    assert "Traceback" not in response.text
