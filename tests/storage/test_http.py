"""Batches and pools over HTTP, on SQLite and PostgreSQL: tokens, roles, uploads, limits, pages, export."""

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.app import create_app
from api.routers.batches import upload_settings
from fixtures.generator import pool
from storage.users import add_user


@pytest.fixture()
def client(use_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("HNTE_UPLOAD_FOLDER", str(tmp_path / "batches"))
    monkeypatch.setenv("HNTE_UPLOAD_WORKERS", "0")  # score in the job's thread: no process start per test
    monkeypatch.setenv("HNTE_UPLOAD_MAX_ROWS", "200")
    upload_settings.cache_clear()
    with TestClient(create_app()) as test_client:
        yield test_client
    upload_settings.cache_clear()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def jsonl(count: int, seed: int = 1, extra: str = "") -> bytes:
    return ("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pool(count, seed=seed)) + extra).encode()


def upload(client: TestClient, token: str, body: bytes, filename: str = "firms.jsonl", name: str | None = None):
    data = {"name": name} if name else {}
    return client.post("/v1/batches", headers=bearer(token), files={"file": (filename, body)}, data=data)


def finished(client: TestClient, token: str, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/v1/batches/{job_id}", headers=bearer(token)).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_no_token_is_401_everywhere_stored_data_lives(client: TestClient) -> None:
    for path in ("/v1/pools", "/v1/pools/1", "/v1/pools/1/firms", "/v1/batches/abc", "/v1/firms/1/history"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert "令牌" in response.json()["message"]["zh"]
    assert client.post("/v1/batches", files={"file": ("a.jsonl", b"{}\n")}).status_code == 401
    assert client.get("/v1/pools", headers=bearer("hnte_wrong")).status_code == 401
    for path in ("/pools", "/pools/1", "/pools/1/export.xlsx", "/pools/firms/1", "/pools/jobs/x"):
        page = client.get(path, headers={"accept": "text/html"})
        assert page.status_code == 401, path
        assert 'name="token"' in page.text
    # the public self-check and the empty template need no token
    assert client.get("/", headers={"accept": "text/html"}).status_code == 200
    template = client.get("/pools/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_upload_scores_every_row_and_roles_decide_who_sees_the_pool(client: TestClient) -> None:
    alice, bob, bureau = (
        add_user("alice", "intermediary"),
        add_user("bob", "intermediary"),
        add_user("bureau", "bureau"),
    )
    accepted = upload(client, alice, jsonl(30, extra="\n{bad json\n"), name="阿里斯客户 2025")
    assert accepted.status_code == 202
    job = finished(client, alice, accepted.json()["id"])
    assert job["status"] == "done" and job["done_rows"] == 31
    result = client.get(job["result_url"], headers=bearer(alice))
    assert result.status_code == 200
    # named after the pool: an ASCII fallback and the UTF-8 name (RFC 6266)
    disposition = result.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="hnte-batch-')
    assert "filename*=UTF-8''" + quote("阿里斯客户 2025（评估结果 results）.xlsx") in disposition
    book = load_workbook(io.BytesIO(result.content), read_only=True)
    assert len(list(book["结果 Results"].iter_rows(min_row=3))) == 30
    assert [r[0] for r in book["错误 Errors"].iter_rows(min_row=3, values_only=True)] == [32]
    pool_id = job["pool_id"]
    firms = client.get(f"/v1/pools/{pool_id}/firms?limit=1000", headers=bearer(alice)).json()
    assert firms["total"] == 30
    order = [(f["criteria_met"], f["readiness"]) for f in firms["firms"]]  # n of 8 first, then readiness
    assert order == sorted(order, reverse=True)
    assert all(f["criteria_total"] == 8 for f in firms["firms"])
    # another intermediary cannot see it, or its job, or its firms: 404, as if it did not exist
    for path in (
        f"/v1/pools/{pool_id}",
        f"/v1/pools/{pool_id}/firms",
        f"/v1/batches/{job['id']}",
        job["result_url"],
        f"/v1/firms/{firms['firms'][0]['firm_id']}/history",
    ):
        assert client.get(path, headers=bearer(bob)).status_code == 404, path
    assert client.get("/v1/pools", headers=bearer(bob)).json() == []
    # the bureau sees every pool
    upload_b = upload(client, bob, jsonl(3, seed=2))
    finished(client, bob, upload_b.json()["id"])
    seen = client.get("/v1/pools", headers=bearer(bureau)).json()
    assert {p["owner"] for p in seen} == {"alice", "bob"}
    detail = client.get(f"/v1/pools/{pool_id}", headers=bearer(bureau)).json()
    assert detail["name"] == "阿里斯客户 2025" and detail["assessed"] == 30 and detail["invalid"] == 1
    assert sum(detail["counts"]["by_verdict"].values()) == 30
    history = client.get(f"/v1/firms/{firms['firms'][0]['firm_id']}/history", headers=bearer(bureau)).json()
    assert history["assessments"][0]["pool"] == "阿里斯客户 2025"


def test_unfit_uploads_are_refused_with_a_clear_message(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    token = add_user("carol", "intermediary")
    corrupt = upload(client, token, b"PK\x03\x04 broken", filename="pool.xlsx")
    assert corrupt.status_code == 422 and "无法读取该 Excel 文件" in corrupt.json()["message"]["zh"]
    wrong_type = upload(client, token, b"hello", filename="pool.pdf")
    assert wrong_type.status_code == 422 and "不支持的文件类型" in wrong_type.json()["message"]["zh"]
    too_many = upload(client, token, jsonl(201))
    assert too_many.status_code == 413 and "200" in too_many.json()["message"]["zh"]
    assert "split it" in too_many.json()["message"]["en"]
    monkeypatch.setenv("HNTE_UPLOAD_MAX_BYTES", "5000")
    upload_settings.cache_clear()
    too_big = upload(client, token, jsonl(50))
    assert too_big.status_code == 413 and "MB" in too_big.json()["message"]["zh"]
    assert client.get("/v1/pools", headers=bearer(token)).json() == []  # nothing half-stored


def test_the_bureau_triages_a_pool_in_pages_and_exports_a_filtered_view(client: TestClient) -> None:
    token = add_user("bureau", "bureau")
    job = finished(client, token, upload(client, token, jsonl(80, seed=4), name="春季培育库").json()["id"])
    login = client.post("/pools/login", data={"token": token, "next": "/pools"}, follow_redirects=False)
    assert login.status_code == 303 and "httponly" in login.headers["set-cookie"].lower()
    listing = client.get("/pools", headers={"accept": "text/html"})
    assert listing.status_code == 200 and "春季培育库" in listing.text
    page = client.get(f"/pools/{job['pool_id']}?failing=rd_expense_ratio", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'id="shortfall-chart"' in page.text and "<svg" in page.text and 'id="borderline"' in page.text
    api = client.get(
        f"/v1/pools/{job['pool_id']}/firms?failing=rd_expense_ratio&limit=1000", headers=bearer(token)
    ).json()
    assert api["total"] > 0 and all("rd_expense_ratio" in f["failing"] for f in api["firms"])
    export = client.get(f"/pools/{job['pool_id']}/export.xlsx?failing=rd_expense_ratio")
    assert export.status_code == 200
    filtered_name = quote("春季培育库（筛选 filtered）.xlsx")
    assert export.headers["content-disposition"].endswith("filename*=UTF-8''" + filtered_name)
    whole = client.get(f"/pools/{job['pool_id']}/export.xlsx")
    assert whole.headers["content-disposition"].endswith("filename*=UTF-8''" + quote("春季培育库.xlsx"))
    book = load_workbook(io.BytesIO(export.content), read_only=True)
    names = [r[1] for r in book["结果 Results"].iter_rows(min_row=3, values_only=True)]
    assert names == [f["name"] for f in api["firms"]]
    wrong = client.post("/pools/login", data={"token": "hnte_nope"})
    assert wrong.status_code == 401 and "令牌无效" in wrong.text


def test_pool_pages_in_english_and_for_a_pool_of_bad_rows_only(client: TestClient) -> None:
    token = add_user("bureau", "bureau")
    job = finished(client, token, upload(client, token, b"{not json\n[1]\n", name="broken").json()["id"])
    assert job["status"] == "done"
    client.post("/pools/login", data={"token": token})
    page = client.get(f"/pools/{job['pool_id']}?lang=en", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Ranking: hard criteria met first, then readiness（0）" in page.text and "Rows with errors（2）" in page.text
    good = finished(client, token, upload(client, token, jsonl(5, seed=8)).json()["id"])
    firm_id = client.get(f"/v1/pools/{good['pool_id']}/firms", headers=bearer(token)).json()["firms"][0]["firm_id"]
    firm = client.get(f"/pools/firms/{firm_id}?lang=en", headers={"accept": "text/html"})
    assert firm.status_code == 200 and "Assessments across seasons" in firm.text
    progress = client.get(f"/pools/jobs/{good['id']}?lang=en", headers={"accept": "text/html"})
    assert progress.status_code == 200 and "Download the result workbook" in progress.text
