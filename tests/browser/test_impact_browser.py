"""A policy officer (bureau) opens a stored pool's rule-change impact page in a real browser, edits a
parameter of the national pack, and sees which firms flip and the counts by town; the workbook downloads.
The page runs no script of its own and logs no error (CSP)."""

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from fixtures.generator import ladder_pool
from storage.database import dispose_engines
from storage.users import add_user
from tests.api.live_server import live_server
from tests.browser.conftest import screenshot
from tests.browser.test_pools_browser import sign_in


@pytest.fixture(scope="module")
def impact_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("impact-server")
    url = f"sqlite:///{folder / 'hnte.db'}"
    bureau = add_user("区科技局", "bureau", url)
    dispose_engines()
    env = {
        "HNTE_DATABASE_URL": url,
        "HNTE_UPLOAD_FOLDER": str(folder / "batches"),
        "HNTE_UPLOAD_WORKERS": "0",
        "HNTE_IMPACT_WORKERS": "1",
    }
    with live_server(workers=1, env=env) as base:
        body = "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in ladder_pool(200, seed=9)).encode()
        headers = {"Authorization": f"Bearer {bureau}"}
        job = httpx.post(f"{base}/v1/batches", headers=headers, files={"file": ("firms.jsonl", body)}, timeout=60)
        job_id = job.json()["id"]
        for _ in range(600):
            status = httpx.get(f"{base}/v1/batches/{job_id}", headers=headers, timeout=60).json()
            if status["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        assert status["status"] == "done"
        yield {"base": base, "bureau": bureau, "pool": status["pool_url"].rsplit("/", 1)[1]}


@pytest.fixture
def officer(browser: Browser, impact_server: dict[str, str]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=impact_server["base"], viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not [e for e in errors if "401" not in e], f"the page logged errors: {errors}"


def test_an_officer_edits_a_parameter_and_sees_the_impact(officer: Page, impact_server: dict[str, str]) -> None:
    page = officer
    sign_in(page, impact_server["bureau"])
    page.goto(f"/pools/{impact_server['pool']}")
    page.click("#impact-link")
    expect(page.locator("#impact-title")).to_contain_text("规则修改影响")
    field = page.locator('input[name="p:hnte-national-2016.small_firm_min_rd_ratio"]')
    expect(field).to_have_value("0.05")
    field.fill("0.03")
    page.click("#run-impact")
    expect(page.locator("#impact-counts")).to_contain_text("共 200 家企业")
    expect(page.locator("#impact-towns tbody tr").first).to_be_visible()
    flipped = page.locator("#impact-changes tbody tr")
    assert flipped.count() > 0, "lowering the R&D ratio for small firms must change some firms"
    expect(flipped.first).to_contain_text("rd_expense_ratio")
    expect(page.locator('input[name="p:hnte-national-2016.small_firm_min_rd_ratio"]')).to_have_value("0.03")
    screenshot(page, "impact-result")
    with page.expect_download() as download:
        page.click("#download-impact")
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    rows = list(workbook["变化企业 Firms that flip"].iter_rows(values_only=True))
    assert len(rows) - 1 == flipped.count()
