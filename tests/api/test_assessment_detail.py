"""The assessment's default view and its ladder detail on request (engine/detail.py): the contract's
fields are the same either way; the default keeps each tier's status and the next tier, under 20 kB for
a typical firm; `?detail=ladder` / `--detail ladder` give the engine's whole ladder."""

import json
import subprocess
import sys

import orjson
from fastapi.testclient import TestClient

from engine import default_assessor, validate_profile
from engine.detail import TIER_KEYS
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
    for field in CONTRACT_FIELDS:
        assert default[field] == full[field], field
    ladder, whole = default["ladder"], full["ladder"]
    assert ladder["detail"] == "summary"
    assert ladder["summary"] == whole["summary"] and ladder["highest_tier"] == whole["highest_tier"]
    assert ladder["next_tier"]["id"] == whole["next_tier"]["id"]
    assert [f["id"] for f in ladder["next_tier"]["failing"]] == [f["id"] for f in whole["next_tier"]["failing"]]
    for tier_id, tier in ladder["tiers"].items():
        assert set(tier) <= set(TIER_KEYS)
        assert tier["status"] == whole["tiers"][tier_id]["status"]
        assert "criteria" in whole["tiers"][tier_id] and "criteria" not in tier
    assert ladder["tiers"]["hnte"]["upkeep"] == whole["tiers"]["hnte"]["upkeep"]
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
    assert "criteria" not in next(iter(default["ladder"]["tiers"].values()))
    assert "criteria" in next(iter(full["ladder"]["tiers"].values()))
    assert {k: v for k, v in default.items() if k != "ladder"} == {k: v for k, v in full.items() if k != "ladder"}
    refused = subprocess.run(
        [sys.executable, "-m", "cli.main", "assess", "--format", "json", "--detail", "all", str(path)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "all" in refused.stderr
