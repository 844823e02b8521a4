"""The bureau's triage signals in a real Chromium: the coaching-candidate flag named and defined apart from
the verdict, the ranking led by "n of 8 conditions met", a shortfall chart readable at 1366 px and in
English (no cut-off labels, no duplicates, hard criteria first), formatted reasons, row errors with their
column, exports named after the pool, and the pool pages on a 390 px phone."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_pools_browser import filled_template, sign_in
from tests.browser.test_pools_browser import pools_server as pools_server
from tests.browser.test_ux_browser import PHONE, assert_chart_text_readable, assert_fits_the_phone

POOL_NAME = "2025 春季客户/海门"
SAFE_NAME = "2025 春季客户-海门"
CJK = re.compile(r"[\u3400-\u9fff]")
RAW_DECIMAL = re.compile(r"(?<![\d.])0\.\d{3,}")


@pytest.fixture(scope="module")
def uploaded(browser: Browser, pools_server: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The intermediary uploads 40 firms and a bad row; yields the pool's path and the result's file name."""
    folder = tmp_path_factory.mktemp("triage")
    context = browser.new_context(base_url=pools_server["base"], accept_downloads=True)
    page = context.new_page()
    sign_in(page, pools_server["agent"])
    page.set_input_files("#upload-file", str(filled_template(folder)))
    page.fill("#pool-name", POOL_NAME)
    page.click("#upload-button")
    expect(page.locator("#open-pool")).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        page.click("#download-result")
    result_name = download.value.suggested_filename
    page.click("#open-pool")
    expect(page.locator("#pool-title")).to_have_text(POOL_NAME)
    path = page.url.split(pools_server["base"], 1)[1].split("?")[0]
    cookies = context.cookies()
    context.close()
    return {"path": path, "result_name": result_name, "cookies": cookies}


@pytest.fixture
def triage_page(browser: Browser, pools_server: dict[str, str], uploaded: dict) -> Iterator[Page]:
    context = browser.new_context(
        base_url=pools_server["base"], viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.add_cookies(uploaded["cookies"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def ranking(page: Page) -> list[tuple[int, float]]:
    met = [int(t.split("/")[0]) for t in page.locator("#firms tbody td.met").all_inner_texts()]
    readiness = [float(t) for t in page.locator("#firms tbody tr td:nth-child(6)").all_inner_texts()]
    return list(zip(met, readiness, strict=True))


def test_the_flag_is_named_and_defined_apart_from_the_verdict(triage_page: Page, uploaded: dict) -> None:
    page = triage_page
    page.goto(uploaded["path"])
    expect(page.locator("#borderline h2")).to_contain_text("临界点辅导对象")
    definition = page.locator("#coaching-definition")
    expect(definition).to_contain_text("非认定结论")
    expect(definition).to_contain_text("10%")
    expect(page.locator("#by-verdict")).to_contain_text("临界（取决于专家评分）")  # the verdict keeps its name
    expect(page.locator("#by-verdict .badge-edge")).to_have_text("临界点辅导对象")
    expect(page.locator("label", has=page.locator("#filter-borderline"))).to_contain_text("仅临界点辅导对象")
    badges = page.locator("#firms .badge-edge").all_inner_texts()
    assert badges and set(badges) == {"辅导对象"}
    # reasons read as values, not raw decimals
    reasons = page.locator("#borderline td.reasons").all_inner_texts()
    assert reasons and not [r for r in reasons if RAW_DECIMAL.search(r)], reasons
    assert any("%" in r for r in reasons)
    page.goto(uploaded["path"] + "?lang=en")
    expect(page.locator("#borderline h2")).to_contain_text("Coaching candidates")
    expect(page.locator("#coaching-definition")).to_contain_text("not a verdict")
    en_reasons = page.locator("#borderline td.reasons").all_inner_texts()
    assert en_reasons and not [r for r in en_reasons if RAW_DECIMAL.search(r) or CJK.search(r)], en_reasons


def test_the_ranking_leads_with_conditions_met_then_readiness(triage_page: Page, uploaded: dict) -> None:
    page = triage_page
    page.goto(uploaded["path"])
    headings = page.locator("#firms thead th").all_inner_texts()
    assert headings.index("条件满足") < headings.index("准备度")
    order = ranking(page)
    assert len(order) == 40
    assert order == sorted(order, reverse=True)  # n of 8 first, readiness among equals
    assert all(0 <= met <= 8 for met, _ in order)
    assert [r for _, r in order] != sorted((r for _, r in order), reverse=True)  # readiness alone would differ
    expect(page.locator("#firms tbody td.met").first).to_have_text(re.compile(r"^\d/8$"))
    page.goto(uploaded["path"] + "?lang=en")
    expect(page.locator("#ranking h2")).to_contain_text("hard criteria met first")
    assert page.locator("#firms thead th").all_inner_texts()[3] == "Conditions met"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_shortfall_chart_reads_whole_at_1366_px(triage_page: Page, uploaded: dict, lang: str) -> None:
    page = triage_page
    page.goto(f"{uploaded['path']}?lang={lang}")
    chart = page.locator("#shortfall-chart")
    assert chart.bounding_box()["width"] > 1000  # the whole width of the page, not a side column
    groups = chart.locator("ol.hbars").evaluate_all("lists => lists.map(l => l.dataset.group)")
    assert groups == ["hard", "innovation"]
    labels = chart.locator(".hbar-label").all_inner_texts()
    assert len(labels) == len(set(labels)), "a shortfall listed twice"
    assert not [label for label in labels if label.endswith("…")]
    if lang == "en":
        assert not [label for label in labels if CJK.search(label)], labels
    texts = assert_chart_text_readable(page, "#shortfall-chart ol.hbars")
    assert all(t["size"] >= 13 for t in texts)
    values = chart.locator("ol[data-group=hard] .hbar-value").all_inner_texts()
    counts = [int(re.split(r"[（ ]", t)[0]) for t in values]
    assert counts == sorted(counts, reverse=True)
    chart.screenshot(path=str(ARTIFACTS / f"pool-chart-1366-{lang}.png"))


def test_row_errors_name_the_column_letter_and_heading(triage_page: Page, uploaded: dict) -> None:
    page = triage_page
    page.goto(uploaded["path"])
    row = page.locator("#row-errors tbody tr", has_text="数据有误的企业")
    expect(row).to_contain_text("八千二百")
    expect(row.locator(".column-letter")).to_have_text(re.compile(r"^第 [A-Z]{1,3} 列$"))
    expect(row).to_contain_text("销售收入")
    page.goto(uploaded["path"] + "?lang=en")
    row = page.locator("#row-errors tbody tr", has_text="数据有误的企业")
    expect(row.locator(".column-letter")).to_have_text(re.compile(r"^Column [A-Z]{1,3}$"))


def test_downloads_are_named_after_the_pool(triage_page: Page, uploaded: dict, tmp_path: Path) -> None:
    assert uploaded["result_name"] == f"{SAFE_NAME}（评估结果 results）.xlsx"
    page = triage_page
    page.goto(uploaded["path"])
    with page.expect_download() as export:
        page.click("#export")
    assert export.value.suggested_filename == f"{SAFE_NAME}.xlsx"
    saved = tmp_path / export.value.suggested_filename
    export.value.save_as(saved)
    book = load_workbook(saved, read_only=True)
    rows = list(book["结果 Results"].iter_rows(values_only=True))
    assert not [h for h in rows[1] if h and CJK.search(h)], rows[1]  # English headings, English units
    assert rows[1].index("Hard criteria met (of 8)") < rows[1].index("Readiness")
    names = [r[1] for r in rows[2:]]
    assert names == page.locator("#firms tbody td:nth-child(2) a").all_inner_texts()  # the page's order
    page.select_option("#filter-failing", "rd_expense_ratio")
    page.click("#apply-filters")
    with page.expect_download() as filtered:
        page.click("#export")
    assert filtered.value.suggested_filename == f"{SAFE_NAME}（筛选 filtered）.xlsx"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pool_pages_fit_a_phone(
    browser: Browser,
    pools_server: dict[str, str],
    uploaded: dict,
    lang: str,
) -> None:
    context = browser.new_context(base_url=pools_server["base"], viewport=PHONE, device_scale_factor=2, is_mobile=True)
    context.add_cookies(uploaded["cookies"])
    page = context.new_page()
    page.goto(f"/pools?lang={lang}")
    assert_fits_the_phone(page, f"pools-{lang}")
    page.goto(f"{uploaded['path']}?lang={lang}")
    # wide tables scroll inside their own box (.table-scroll); the page itself never scrolls sideways
    assert_fits_the_phone(page, f"pool-{lang}", allow_scroll_boxes=True)
    assert_chart_text_readable(page, "#shortfall-chart ol.hbars")
    page.locator("#shortfall-chart").screenshot(path=str(ARTIFACTS / f"phone-pool-chart-{lang}.png"))
    page.locator("#firms tbody td:nth-child(2) a").first.click()
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("#history td.met").first).to_have_text(re.compile(r"^\d/8$"))
    assert_fits_the_phone(page, f"pool-firm-{lang}", allow_scroll_boxes=True)
    screenshot(page, f"phone-pool-firm-{lang}")
    context.close()
