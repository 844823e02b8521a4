"""The report's 申报规划 section in a real Chromium under the CSP: shown, printed into the PDF, and the
what-if form sends edited figures and shows before/after side by side (no script involved)."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_selfcheck_browser import fill_as_a_firm, pdf_text


def test_the_report_shows_and_prints_the_plan(page: Page) -> None:
    fill_as_a_firm(page)
    page.click("#submit-button")
    expect(page.locator("#plan")).to_be_visible()
    expect(page.locator("#plan h2")).to_have_text("申报规划")
    expect(page.locator("#plan tbody tr")).to_have_count(3)  # the next three rounds
    screenshot(page, "report-plan-zh")
    page.emulate_media(media="print")
    expect(page.locator("#what-if-form")).to_be_hidden()  # a form does not print
    text = pdf_text(page.pdf(format="A4"))
    assert "申报规划" in text
    page.emulate_media(media="screen")
    page.click("#lang-switch")
    expect(page.locator("#plan h2")).to_have_text("Application plan")


def test_what_if_from_the_report_shows_before_and_after(page: Page) -> None:
    fill_as_a_firm(page)
    page.click("#submit-button")
    rd = page.locator("#what-if-form input[name$='.rd_expense']")
    domestic = page.locator("#what-if-form input[name$='.rd_expense_domestic']")
    rd.fill("5000")
    domestic.fill("5000")
    page.click("#what-if-button")
    expect(page.locator("#what-if-verdict")).to_be_visible()
    expect(page.locator("#what-if-rd_expense_ratio")).to_have_class("changed")
    expect(page.locator("#what-if-changes")).to_contain_text("rd_expense")
    screenshot(page, "what-if-zh")
