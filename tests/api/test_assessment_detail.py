"""The assessment's default view and its ladder detail on request (engine/detail.py): the contract's
fields are the same either way; the default's ladder places the firm (each tier's status, the highest and
the next tier), under 20 kB; `?detail=ladder` / `--detail ladder` give the engine's whole ladder."""

import json
import subprocess
import sys

import orjson
from fastapi.testclient import TestClient

from engine import default_assessor, validate_profile
from engine.detail import NEXT_KEYS
from tests.api.conftest import EXAMPLES
from tests.ladder.test_ladder import profile_of

CONTRACT_FIELDS = ("contract", "rules_version", "application_date", "window", "verdict", "readiness", "criteria")
CONTRACT_FIELDS += ("innovation", "shortfalls", "company", "verdict_label", "readiness_convention", "disclaimer")


def test_the_default_view_keeps_the_contract_and_places_the_firm(client: TestClient) -> None:
    profile = profile_of("recognised")
    full = client.post("/v1/assessments?detail=ladder", json=profile).json()
    default = client.post("/v1/assessments", json=profile).json()
    engine = json.loads(orjson.dumps(default_assessor().assess(validate_profile(profile))))
    assert full == engine  # the whole ladder on request: exactly the engine's
    assert set(default) == set(full)
    for field in CONTRACT_FIELDS:
        assert default[field] == full[field], field
    ladder, whole = default["ladder"], full["ladder"]
    assert ladder == {
        "highest_tier": whole["highest_tier"],
        "next_tier": {key: whole["next_tier"][key] for key in NEXT_KEYS},
        "summary": whole["summary"],
        "detail": "summary",
    }
    assert "failing" in whole["next_tier"] and whole["tiers"]["hnte"]["upkeep"]  # the detail, on request
    assert len(orjson.dumps(default)) <= 20_000 < len(orjson.dumps(full))


def test_an_unknown_detail_is_refused_in_both_languages(client: TestClient) -> None:
    response = client.post("/v1/assessments?detail=everything", json=profile_of("recognised"))
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "detail" and "everything" in error["message"]["zh"] and "ladder" in error["message"]["en"]


def test_the_cli_gives_the_same_views() -> None:
    path = EXAMPLES / "eligible-firm.json"

    def run(*extra: str) -> dict:  # type: ignore[type-arg]
        command = [sys.executable, "-m", "cli.main", "assess", "--format", "json", *extra, str(path)]
        return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

    default, full = run(), run("--detail", "ladder")
    assert "tiers" not in default["ladder"] and default["ladder"]["detail"] == "summary"
    assert "criteria" in next(iter(full["ladder"]["tiers"].values()))
    assert {k: v for k, v in default.items() if k != "ladder"} == {k: v for k, v in full.items() if k != "ladder"}
    refused = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", "--format", "json", "--detail", "all", str(path)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "all" in refused.stderr
