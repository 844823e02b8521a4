"""POST /v1/assessments: the assessment for a valid profile, every field error for an invalid one."""

import json
import subprocess
import sys
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import EXAMPLE_NAMES, EXAMPLES, example


def cli_assessment(name: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", "--format", "json", str(EXAMPLES / f"{name}.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def test_the_examples_are_there() -> None:
    assert len(EXAMPLE_NAMES) >= 4, f"no worked examples in {EXAMPLES}"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_api_agrees_with_the_cli_on_every_field(client: TestClient, name: str) -> None:
    response = client.post("/v1/assessments", content=(EXAMPLES / f"{name}.json").read_bytes())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body == cli_assessment(name)
    assert response.headers["x-rules-version"] == body["rules_version"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_worked_examples_give_their_expected_fields(client: TestClient, name: str) -> None:
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    body = client.post("/v1/assessments", json=example(name)).json()
    assert body["window"] == expected["window"]
    assert body["verdict"] == expected["verdict"]
    for criterion, outcome in expected["criteria"].items():
        assert body["criteria"][criterion]["passed"] == outcome["passed"], criterion
    for key in ("min", "max"):
        assert body["innovation"][key] == expected["innovation"][key]
    for indicator_id, indicator in expected["innovation"]["indicators"].items():
        got = body["innovation"]["indicators"][indicator_id]
        assert (got["min"], got["max"]) == (indicator["min"], indicator["max"]), indicator_id
        for item_id, item in indicator.get("items", {}).items():
            assert (got["items"][item_id]["min"], got["items"][item_id]["max"]) == (item["min"], item["max"])


def test_every_field_error_is_reported_in_both_languages(client: TestClient) -> None:
    profile = example("eligible-firm")
    profile["company"]["name"] = ""
    profile["company"]["credit_code"] = "91320684MA1XXXXXX0"
    profile["years"][1]["staff_sci_tech"] = profile["years"][1]["staff_total"] + 1
    profile["years"][2]["sales_revenue"] = "3200"
    profile["ip"]["advancement"] = "F"
    response = client.post("/v1/assessments", json=profile)
    assert response.status_code == 422
    body = response.json()
    fields = {error["field"] for error in body["errors"]}
    assert fields == {
        "company.name",
        "company.credit_code",
        "years[1].staff_sci_tech",
        "years[2].sales_revenue",
        "ip.advancement",
    }
    for error in body["errors"]:
        assert error["message"]["zh"] and error["message"]["en"]
    # FastAPI's shape too, for generic clients
    locs = {tuple(item["loc"]) for item in body["detail"]}
    assert ("body", "years", 1, "staff_sci_tech") in locs


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b'"text"', b'{"company": 1}'])
def test_malformed_bodies_are_422_with_a_bilingual_reason(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/assessments", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors and all(e["message"]["zh"] and e["message"]["en"] for e in errors)
    assert "x-rules-version" in response.headers


def test_an_application_date_no_pack_covers_is_422(client: TestClient) -> None:
    profile = example("eligible-firm")
    profile["company"]["registered_on"] = "2001-01-01"
    profile["application_date"] = "2010-06-30"
    response = client.post("/v1/assessments", json=profile)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "application_date"
    assert "2010-06-30" in error["message"]["zh"] and "2010-06-30" in error["message"]["en"]


def test_a_body_over_the_limit_is_413_with_a_bilingual_message(client: TestClient) -> None:
    response = client.post("/v1/assessments", content=b" " * 1_000_001, headers={"content-type": "application/json"})
    assert response.status_code == 413
    body = response.json()
    assert "1 MB" in body["message"]["zh"] and "1 MB" in body["message"]["en"]
    assert "x-rules-version" in response.headers


def test_a_streamed_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks():  # no Content-Length: the limit is enforced while the body arrives
        for _ in range(20):
            yield b" " * 100_000

    response = client.post("/v1/assessments", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_the_limit_is_a_setting(make_client) -> None:
    small = make_client(max_body_bytes=1000)
    assert small.post("/v1/assessments", json=example("eligible-firm")).status_code == 413


def test_wrong_method_is_a_json_error(client: TestClient) -> None:
    response = client.get("/v1/assessments")
    assert response.status_code == 405
    assert response.json()["message"]["zh"]
