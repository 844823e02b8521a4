"""The ladder in the bureau's pool view, on SQLite and PostgreSQL: counts by tier, the tier filter (pages,
API and export) and each firm's tier in the ranking."""

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from api.routers.batches import upload_settings
from engine import default_assessor, validate_profile
from fixtures.generator import pool
from storage.users import add_user
from tests.ladder.test_ladder import profile_of
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


def test_the_pool_view_counts_and_filters_by_tier(client: TestClient) -> None:
    profiles = [profile_of(b) for b in ("sme", "recognised", "gazelle", "unicorn")] + list(pool(36, seed=8))
    for index, profile in enumerate(profiles):
        profile["company"]["name"] = f"阶梯{index:02d}{profile['company']['name']}"
    ladders = [a["ladder"] for a in default_assessor().assess_many([validate_profile(p) for p in profiles])]
    at = Counter(ladder["highest_tier"] or "none" for ladder in ladders)
    reaching = Counter(t for ladder in ladders for t, status in ladder["summary"].items() if status == "met")
    body = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles).encode()
    token = add_user("bureau", "bureau")
    job = finished(client, token, upload(client, token, body, name="阶梯库").json()["id"])
    pool_id = job["pool_id"]
    client.post("/pools/login", data={"token": token, "next": "/pools"})

    page = client.get(f"/pools/{pool_id}").text
    assert 'id="by-tier"' in page and 'id="filter-tier"' in page
    for tier_id in ("pan_tech", "tech_sme", "hnte", "unicorn", "none"):
        row = re.search(rf'id="tier-count-{tier_id}">(.*?)</tr>', page, re.S)
        assert row, tier_id
        numbers = re.findall(r'<td class="num">(?:<strong>)?(\d*)', row.group(1))
        assert int(numbers[0]) == at[tier_id]
        if tier_id != "none":
            assert int(numbers[1]) == reaching[tier_id]
    assert "示例标准" in page  # the district tiers are marked

    firms = client.get(f"/v1/pools/{pool_id}/firms?tier=tech_sme&limit=1000", headers=bearer(token)).json()
    assert firms["total"] == at["tech_sme"] > 0
    assert {f["tier"] for f in firms["firms"]} == {"tech_sme"}
    filtered = client.get(f"/pools/{pool_id}?tier=tech_sme").text
    assert filtered.count('class="small tier-cell">科技型中小企业<') == at["tech_sme"]
    export = client.get(f"/pools/{pool_id}/export.xlsx?tier=hnte")
    rows = list(load_workbook(io.BytesIO(export.content), read_only=True)["结果 Results"].iter_rows(values_only=True))
    tier_col = rows[0].index("培育层级")
    assert len(rows) - 2 == at["hnte"] and all(r[tier_col].startswith("高新技术企业") for r in rows[2:])
