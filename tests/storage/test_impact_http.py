"""Rule-change impact over a stored pool, on SQLite and PostgreSQL: the API (bureau only) and the policy
officer's page. The expected flips come from the engine itself (the packs against RulePack.with_overrides
over the same stored profiles)."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.batches import upload_settings
from engine import Assessor, default_assessor, validate_profile
from fixtures.generator import ladder_pool
from storage.users import add_user
from tests.storage.test_http import bearer, finished, upload

OVERRIDE = {"hnte-national-2016.small_firm_min_rd_ratio": 0.04}


@pytest.fixture()
def client(use_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("HNTE_UPLOAD_FOLDER", str(tmp_path / "batches"))
    monkeypatch.setenv("HNTE_UPLOAD_WORKERS", "0")
    monkeypatch.setenv("HNTE_IMPACT_WORKERS", "0")  # in the server's process: no process start per test
    upload_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client
    upload_settings.cache_clear()


@pytest.fixture()
def stored(client: TestClient) -> tuple[str, str, int, list[dict]]:  # type: ignore[type-arg]
    bureau, agent = add_user("bureau", "bureau"), add_user("agent", "intermediary")
    firms = list(ladder_pool(120, seed=5))
    body = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in firms).encode()
    job = finished(client, agent, upload(client, agent, body, name="影响测算库").json()["id"])
    assert job["status"] == "done"
    pool_id = int(job["pool_url"].rsplit("/", 1)[1])
    return bureau, agent, pool_id, firms


def expected_rows(firms: list[dict]) -> set[int]:  # type: ignore[type-arg]
    changed = Assessor(
        [
            p.with_overrides({"small_firm_min_rd_ratio": 0.04}) if p.id == "hnte-national-2016" else p
            for p in default_assessor().packs
        ]
    )
    profiles = [validate_profile(f) for f in firms]
    rows = set()
    pairs = zip(default_assessor().assess_many(profiles), changed.assess_many(profiles), strict=True)
    for line, (b, a) in enumerate(pairs, 1):
        if b["verdict"] != a["verdict"] or b["ladder"]["summary"] != a["ladder"]["summary"]:
            rows.add(line)
    return rows


def test_the_bureau_gets_the_impact_of_an_override_on_a_stored_pool(client: TestClient, stored: tuple) -> None:  # type: ignore[type-arg]
    bureau, agent, pool_id, firms = stored
    response = client.post(f"/v1/pools/{pool_id}/impact", headers=bearer(bureau), json={"override": OVERRIDE})
    assert response.status_code == 200, response.text
    report = response.json()
    wanted = expected_rows(firms)
    assert wanted, "the override must flip some firms of the pool"
    assert report["firms"] == len(firms)
    assert {change["row"] for change in report["changes"]} == wanted
    assert sum(t["firms"] for t in report["by_town"]) == len(firms)
    assert report["override"]["parameters"] == OVERRIDE
    workbook = client.post(
        f"/v1/pools/{pool_id}/impact?format=xlsx", headers=bearer(bureau), json={"override": OVERRIDE}
    )
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    # an intermediary may not, even on its own pool; a bad path is named in both languages
    refused = client.post(f"/v1/pools/{pool_id}/impact", headers=bearer(agent), json={"override": OVERRIDE})
    assert refused.status_code == 403 and "科技局" in refused.json()["message"]["zh"]
    bad = client.post(f"/v1/pools/{pool_id}/impact", headers=bearer(bureau), json={"override": {"nope.x": 1}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "override"
    assert client.post("/v1/pools/999/impact", headers=bearer(bureau), json={"override": OVERRIDE}).status_code == 404
    assert client.post(f"/v1/pools/{pool_id}/impact", json={"override": OVERRIDE}).status_code == 401


def test_the_policy_page_edits_parameters_and_shows_the_impact(client: TestClient, stored: tuple) -> None:  # type: ignore[type-arg]
    bureau, agent, pool_id, firms = stored
    client.post("/pools/login", data={"token": bureau})  # a browser session of its own
    page = client.get(f"/pools/{pool_id}/impact", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'name="p:hnte-national-2016.small_firm_min_rd_ratio" value="0.05"' in page.text
    assert 'name="p:tech-sme-2022.' in page.text  # the tier packs' parameters too
    assert "<script>" not in page.text
    form = {"p:hnte-national-2016.small_firm_min_rd_ratio": "0.04"}
    result = client.post(f"/pools/{pool_id}/impact", data=form, headers={"accept": "text/html"})
    assert result.status_code == 200
    wanted = expected_rows(firms)
    assert f"共 {len(firms)} 家企业，{len(wanted)} 家有变化" in result.text
    assert 'value="0.04"' in result.text  # the edit stays in the form
    unchanged = client.post(f"/pools/{pool_id}/impact", data={}, headers={"accept": "text/html"})
    assert unchanged.status_code == 422 and "没有修改任何参数" in unchanged.text
    client.cookies.clear()
    client.post("/pools/login", data={"token": agent})
    assert client.get(f"/pools/{pool_id}/impact", headers={"accept": "text/html"}).status_code == 403
