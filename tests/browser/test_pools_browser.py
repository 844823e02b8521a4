"""An intermediary uploads a filled template in a real browser and gets its workbook; the bureau signs
in and triages the stored pool: ranking, filters, counts, chart, borderline list, a firm's history."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from batch.template import EXAMPLE_PROFILE, write_profiles_xlsx
from fixtures.generator import pool
from storage.database import dispose_engines
from storage.users import add_user
from tests.api.live_server import live_server
from tests.browser.conftest import screenshot


@pytest.fixture(scope="module")
def pools_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`hnte serve` on its own SQLite file, with an intermediary and a bureau user."""
    folder = tmp_path_factory.mktemp("pools-server")
    url = f"sqlite:///{folder / 'hnte.db'}"
    tokens = {"agent": add_user("江海财税咨询", "intermediary", url), "bureau": add_user("区科技局", "bureau", url)}
    dispose_engines()
    env = {"HNTE_DATABASE_URL": url, "HNTE_UPLOAD_FOLDER": str(folder / "batches")}
    with live_server(workers=1, env=env) as base:
        yield {"base": base, **tokens}


@pytest.fixture
def pool_page(browser: Browser, pools_server: dict[str, str]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=pools_server["base"], viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not [e for e in errors if "401" not in e], f"the page logged errors: {errors}"


def sign_in(page: Page, token: str) -> None:
    page.goto("/pools")
    expect(page.locator("#token")).to_be_visible()
    page.fill("#token", token)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("培育库")


def filled_template(folder: Path) -> Path:
    firms = list(pool(40, seed=21))
    bad = json.loads(json.dumps(EXAMPLE_PROFILE))
    bad["company"]["name"] = "数据有误的企业"
    bad["years"][0]["sales_revenue"] = "八千二百"
    path = folder / "客户名单.xlsx"
    write_profiles_xlsx([*firms, bad], path)
    return path


def test_an_intermediary_uploads_and_the_bureau_triages(
    pool_page: Page, pools_server: dict[str, str], tmp_path: Path
) -> None:
    page = pool_page
    sign_in(page, pools_server["agent"])
    page.set_input_files("#upload-file", str(filled_template(tmp_path)))
    page.fill("#pool-name", "2025 春季客户")
    page.click("#upload-button")
    expect(page.locator("#open-pool")).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        page.click("#download-result")
    result = tmp_path / "result.xlsx"
    download.value.save_as(result)
    book = load_workbook(result, read_only=True)
    assert len(list(book["结果 Results"].iter_rows(min_row=3))) == 40
    assert [r[2] for r in book["错误 Errors"].iter_rows(min_row=3, values_only=True)] == ["years[0].sales_revenue"]
    screenshot(page, "pools-job-done")

    # the bureau signs in: it sees the intermediary's pool and triages it
    page.context.clear_cookies()
    sign_in(page, pools_server["bureau"])
    page.click("#pool-list >> text=2025 春季客户")
    expect(page.locator("#pool-title")).to_have_text("2025 春季客户")
    rows = page.locator("#firms tbody tr")
    expect(rows).to_have_count(40)
    met = [int(t.split("/")[0]) for t in page.locator("#firms tbody td.met").all_inner_texts()]
    readiness = [float(t) for t in page.locator("#firms tbody tr td:nth-child(6)").all_inner_texts()]
    assert list(zip(met, readiness, strict=True)) == sorted(zip(met, readiness, strict=True), reverse=True)
    expect(page.locator("#shortfall-chart svg rect").first).to_be_visible()
    expect(page.locator("#by-town tbody tr").first).to_be_visible()
    expect(page.locator("#borderline h2")).to_contain_text("临界点辅导对象")
    expect(page.locator("#row-errors")).to_contain_text("八千二百")
    screenshot(page, "pools-view")

    page.select_option("#filter-failing", "rd_expense_ratio")
    page.click("#apply-filters")
    expect(page).to_have_url(re.compile(r"failing=rd_expense_ratio"))
    failing = page.locator("#firms tbody tr td:nth-child(8)").all_inner_texts()
    assert failing and all("研究开发费用占销售收入比例" in cell for cell in failing)
    with page.expect_download() as export:
        page.click("#export")
    exported = tmp_path / "export.xlsx"
    export.value.save_as(exported)
    names = [
        r[1] for r in load_workbook(exported, read_only=True)["结果 Results"].iter_rows(min_row=3, values_only=True)
    ]
    assert len(names) == len(failing)

    page.locator("#firms tbody tr td:nth-child(2) a").first.click()
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("2025 春季客户")
    expect(page.locator("#latest-shortfalls li").first).to_be_visible()
    screenshot(page, "pools-firm")


def test_without_a_token_the_pool_pages_ask_for_one(pool_page: Page, pools_server: dict[str, str]) -> None:
    response = pool_page.goto("/pools/1")
    assert response is not None and response.status == 401
    expect(pool_page.locator("#token")).to_be_visible()
    pool_page.fill("#token", "hnte_not-a-real-token")
    pool_page.click("button[type=submit]")
    expect(pool_page.locator("[role=alert]")).to_contain_text("令牌无效")
