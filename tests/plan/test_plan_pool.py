"""The pool view's plan block on SQLite and PostgreSQL: next-round candidates by plan cost, counts and the
forecast by town — each equal to what the planner says of the same firms, planned afresh here."""

import copy
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.plan_pool import next_round, town_targets
from api.routers.batches import upload_settings
from engine import validate_profile
from engine.plan import Planner
from engine.profile import today_in_china
from storage.users import add_user
from tests.plan.plan_cases import plan_profile
from tests.storage.conftest import db_url, use_db  # noqa: F401 — the storage tests' databases
from tests.storage.test_http import bearer, finished, upload


@pytest.fixture()
def client(use_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:  # noqa: F811
    monkeypatch.setenv("HNTE_UPLOAD_FOLDER", str(tmp_path / "batches"))
    monkeypatch.setenv("HNTE_UPLOAD_WORKERS", "0")
    upload_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client
    upload_settings.cache_clear()


def _for_today(changes: dict, name: str, town: str) -> dict:
    """The growing firm moved in time: its three booked years end last year, its projections are this
    year's and next year's — so the plan of today sees the same firm whatever the date."""
    profile = plan_profile("growing", changes)
    year = today_in_china().year
    shift = year - 1 - max(entry["year"] for entry in profile["years"])
    for section in ("years", "projections"):
        for entry in profile.get(section, []):
            entry["year"] += shift
    for incident in profile.get("incidents", []):
        incident["date"] = f"{int(incident['date'][:4]) + shift}{incident['date'][4:]}"
    profile["company"] = {**profile["company"], "name": name, "town": town}
    profile.pop("application_date", None)
    return profile


def test_the_pool_plan_view_lists_candidates_and_forecasts_by_town(client: TestClient) -> None:
    firms = [
        _for_today({}, "规划甲", "海门经济技术开发区"),
        _for_today({"ip": {"class1": 0, "class2": 0}}, "规划乙", "海门经济技术开发区"),
        _for_today({"rd_management": {"rd_org_system": False}}, "规划丙", "海门港新区"),
        _for_today({"ip": {"advancement": None, "core_support": None}}, "规划丁", "海门港新区"),
        _for_today({"incidents": [{"kind": "safety", "date": "2024-06-01"}]}, "规划戊", "三厂工业园区"),
    ]
    plans = Planner().plan_many([validate_profile(copy.deepcopy(f)) for f in firms])
    upcoming = next_round().isoformat()
    expected = {f["company"]["name"]: p for f, p in zip(firms, plans, strict=True)}
    in_next = {n: p["earliest_cost"] for n, p in expected.items() if p["earliest_date"] == upcoming}
    assert in_next  # the healthy firm at least

    body = "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in firms).encode()
    token = add_user("bureau", "bureau")
    job = finished(client, token, upload(client, token, body, name="规划库").json()["id"])
    pool_id = job["pool_id"]

    view = client.get(f"/v1/pools/{pool_id}/plan", headers=bearer(token)).json()
    assert view["next_round"] == upcoming
    assert [c["name"] for c in view["candidates"]] == sorted(in_next, key=lambda n: (in_next[n] or 0, n))
    assert [c["cost"] for c in view["candidates"]] == sorted(c["cost"] for c in view["candidates"])
    by_town = Counter(f["company"]["town"] for f in firms if f["company"]["name"] in in_next)
    forecast = {t["town"]: t for t in view["forecast"]}
    for town, count in by_town.items():
        assert forecast[town]["with_coaching"] == count
    targets = {str(k): v for k, v in (town_targets()["targets"] or {}).get(int(upcoming[:4]), {}).items()}
    for town, target in targets.items():
        assert forecast[town]["target"] == target
        assert forecast[town]["short_of_target"] == max(target - forecast[town]["with_coaching"], 0)

    client.post("/pools/login", data={"token": token, "next": "/pools"})
    assert f'href="/pools/{pool_id}/plan"' in client.get(f"/pools/{pool_id}").text
    for lang, heading in (("zh", "下一批次候选企业"), ("en", "Next-round candidates")):
        page = client.get(f"/pools/{pool_id}/plan?lang={lang}").text
        assert heading in page
        assert len(re.findall(r'class="plan-candidate"', page)) == len(in_next)
    assert client.get(f"/v1/pools/{pool_id + 999}/plan", headers=bearer(token)).status_code == 404
