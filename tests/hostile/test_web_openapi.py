"""The OpenAPI document says what the service really answers: `remediation.quantity` is a number or a date
string (the contract's output is not changed to fit), and the refusals (400, 401, 403, 404, 409, 413, 415,
the batch's 422) are documented with their shape."""

import datetime as dt
import json
import random
from pathlib import Path

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from api.app import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "examples"


@pytest.fixture(scope="module")
def web() -> TestClient:
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


def validator_for(document: dict, name: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for({"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def young_or_penalised_profile(rng: random.Random) -> dict:
    """A profile whose registration-age or compliance gap is a date: registered days before applying, or a
    serious incident weeks before."""
    profile = json.loads((EXAMPLES / "eligible-firm.json").read_text(encoding="utf-8"))
    applied = dt.date.fromisoformat(profile["application_date"])
    if rng.random() < 0.5:
        profile["company"]["registered_on"] = (applied - dt.timedelta(days=rng.randint(1, 300))).isoformat()
    else:
        day = (applied - dt.timedelta(days=rng.randint(1, 300))).isoformat()
        profile["incidents"] = [{"kind": rng.choice(["safety", "quality", "environment"]), "date": day}]
    return profile


def test_date_quantities_match_the_documented_schema(web: TestClient) -> None:
    document = web.get("/openapi.json").json()
    quantity = document["components"]["schemas"]["Remediation"]["properties"]["quantity"]
    assert {"type": "string", "format": "date"} in quantity["anyOf"]
    assessment = validator_for(document, "Assessment")
    rng = random.Random(17)
    dates_seen = 0
    for _ in range(6):
        response = web.post("/v1/assessments", json=young_or_penalised_profile(rng))
        assert response.status_code == 200, response.text
        output = response.json()
        dated = [s for s in output["shortfalls"] if isinstance(s["remediation"].get("quantity"), str)]
        for shortfall in dated:
            dt.date.fromisoformat(shortfall["remediation"]["quantity"])  # the contract's output: a date string
        dates_seen += len(dated)
        errors = [e.message for e in assessment.iter_errors(output)]
        assert errors == [], errors
    assert dates_seen >= 6


def test_refusals_are_documented_with_their_shape(web: TestClient) -> None:
    paths = web.get("/openapi.json").json()["paths"]
    refusal = {"$ref": "#/components/schemas/Refusal"}

    def schema_of(path: str, method: str, status: str) -> dict:
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"]

    assert {"413", "415", "422"} <= set(paths["/v1/assessments"]["post"]["responses"])
    assert schema_of("/v1/assessments", "post", "415") == refusal
    batch = paths["/v1/batches"]["post"]["responses"]
    assert {"202", "400", "401", "403", "413", "422"} <= set(batch)
    assert refusal in schema_of("/v1/batches", "post", "422")["anyOf"]
    for path in (
        "/v1/pools/{pool_id}",
        "/v1/pools/{pool_id}/firms",
        "/v1/firms/{firm_id}/history",
        "/v1/batches/{job_id}",
        "/v1/batches/{job_id}/result",
        "/v1/rulepacks/{pack_id}",
    ):
        assert schema_of(path, "get", "404") == refusal, path
    for path in ("/v1/pools", "/v1/pools/{pool_id}", "/v1/batches/{job_id}", "/v1/firms/{firm_id}/history"):
        assert schema_of(path, "get", "401") == refusal, path
    assert "409" in paths["/v1/batches/{job_id}/result"]["get"]["responses"]
