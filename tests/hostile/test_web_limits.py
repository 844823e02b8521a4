"""Limits of the web service: the field errors of a 422 are capped (the count stays complete) and a hostile
profile does not hold the event loop; ids beyond what the database holds (32 or 64 bits) are a 404, never a
500; non-JSON bodies on POST /v1/assessments are a 415 in both languages."""

import asyncio
import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from engine.profile import MAX_INCIDENTS
from storage.users import add_user
from tests.api.conftest import make_client  # noqa: F401
from tests.hostile.web_helpers import bearer, client, finished, jsonl, profiles, upload, upload_env  # noqa: F401
from tests.storage.conftest import db_url, use_db  # noqa: F401

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "examples" / "eligible-firm.json"


def hostile_list_profile(entries: int, seed: int) -> bytes:
    """A valid profile whose incidents list holds `entries` bad entries (two errors each)."""
    rng = random.Random(seed)
    profile = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    profile["incidents"] = [{"kind": rng.choice(["bogus", "火灾?", 7, None]), "date": "x"} for _ in range(entries)]
    return json.dumps(profile, ensure_ascii=False).encode()


def test_an_18000_entry_list_gets_a_small_answer(make_client) -> None:  # noqa: F811
    web = make_client()
    response = web.post("/v1/assessments", content=hostile_list_profile(18_000, 1))
    assert response.status_code == 422
    assert len(response.content) < 100_000  # 11.5 MB before the caps
    # past MAX_INCIDENTS the list is refused whole, in one error naming it, before its entries are read
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["incidents"]
    assert f"{MAX_INCIDENTS:,}" in errors[0]["message"]["en"] or str(MAX_INCIDENTS) in errors[0]["message"]["en"]


def test_the_errors_of_a_long_list_are_capped(make_client) -> None:  # noqa: F811
    web = make_client()
    response = web.post("/v1/assessments", content=hostile_list_profile(MAX_INCIDENTS, 1))
    assert response.status_code == 422
    body = response.json()
    assert len(response.content) < 100_000
    assert body["error_count"] >= 2 * MAX_INCIDENTS and body["errors_truncated"] is True
    assert len(body["errors"]) == len(body["detail"]) == 100
    assert body["errors"][0]["field"].startswith("incidents[0]")
    assert f"{body['error_count']:,}" in body["message"]["zh"] and "100" in body["message"]["en"]
    few = web.post("/v1/assessments", content=hostile_list_profile(3, 2)).json()
    assert few["error_count"] == len(few["errors"]) and "errors_truncated" not in few


def test_the_cap_is_a_setting(make_client) -> None:  # noqa: F811
    web = make_client(max_reported_errors=7)
    body = web.post("/v1/assessments", content=hostile_list_profile(50, 3)).json()
    assert len(body["errors"]) == 7 and body["error_count"] >= 50


def test_a_hostile_profile_does_not_hold_the_event_loop() -> None:
    """The 18,000-entry profile and health checks sent together are all answered (same process, same loop):
    the list is refused whole by its length, before its entries are read, so it never holds the loop (it held
    it 2 s before the caps); bodies above HNTE_VALIDATE_IN_THREAD_BYTES are validated in a worker thread."""
    app = create_app(Settings())
    finished_order: list[str] = []

    async def scenario() -> None:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:

                async def hostile() -> None:
                    response = await http.post("/v1/assessments", content=hostile_list_profile(18_000, 4))
                    assert response.status_code == 422
                    assert [error["field"] for error in response.json()["errors"]] == ["incidents"]
                    finished_order.append("hostile")

                async def health() -> None:
                    await asyncio.sleep(0.05)  # the hostile request is being validated by now
                    for _ in range(5):
                        assert (await http.get("/healthz")).status_code == 200
                    finished_order.append("health")

                await asyncio.gather(hostile(), health())

    # a loop of its own, in a thread of its own: another test's loop (Playwright's) may run in this thread
    with ThreadPoolExecutor(max_workers=1) as runner:
        runner.submit(asyncio.run, scenario()).result(timeout=120)
    assert sorted(finished_order) == ["health", "hostile"]  # which ends first depends on the machine


def test_non_json_bodies_are_415_in_both_languages(make_client) -> None:  # noqa: F811
    web = make_client()
    profile = EXAMPLE.read_bytes()
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/xml",
        "application/jsonx",
    ):
        response = web.post("/v1/assessments", content=profile, headers={"content-type": content_type})
        assert response.status_code == 415, content_type
        assert "JSON" in response.json()["message"]["zh"] and "JSON" in response.json()["message"]["en"]
    for content_type in ("application/json", "application/json; charset=utf-8", "application/problem+json"):
        response = web.post("/v1/assessments", content=profile, headers={"content-type": content_type})
        assert response.status_code == 200, content_type


@pytest.mark.parametrize("huge", [2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**64), 0, -1])
def test_ids_beyond_what_the_database_holds_are_404(client, use_db: str, huge: int) -> None:  # noqa: F811
    token = add_user("区科技局", "bureau")
    job = finished(client, token, upload(client, token, jsonl(profiles(2, seed=9))).json()["id"])
    assert job["status"] == "done"
    api = (f"/v1/pools/{huge}", f"/v1/pools/{huge}/firms", f"/v1/firms/{huge}/history")
    pages = (f"/pools/{huge}", f"/pools/firms/{huge}", f"/pools/{huge}/export.xlsx")
    for path in api + pages:
        response = client.get(path, headers={**bearer(token), "accept": "text/html"})
        assert response.status_code == 404, (path, response.status_code)
    far = client.get(f"/v1/pools/{job['pool_id']}/firms?offset={2**64}", headers=bearer(token))
    assert far.status_code == 422


def test_the_self_check_page_lists_at_most_the_capped_errors(make_client) -> None:  # noqa: F811
    web = make_client(max_reported_errors=20)
    carried = hostile_list_profile(400, 5).decode()
    page = web.post("/report", data={"profile_json": carried}, headers={"accept": "text/html"})
    assert page.status_code == 422
    summary = page.text.split('id="error-summary"', 1)[1].split("</section>", 1)[0]
    assert summary.count("<li>") == 21
    assert "处错误未列出" in summary or "more errors not listed" in summary
