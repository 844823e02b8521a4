"""The ladder on the self-check report page (no browser; tests/ladder/test_ladder_browser.py prints it)."""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.ladder.test_ladder import profile_of


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def report(client: TestClient, profile: dict, lang: str = "zh") -> str:
    response = client.post("/report", data={"profile_json": json.dumps(profile, ensure_ascii=False), "lang": lang})
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_the_report_shows_the_ladder_before_the_disclaimer(client: TestClient) -> None:
    page = report(
        client, profile_of("recognised", {"upkeep": {"ip_applications": 3}, "application_date": "2024-06-30"})
    )
    assert page.index('id="shortfalls"') < page.index('id="ladder"') < page.index('id="disclaimer"')
    assert 'id="tier-hnte" class="tier tier-pass" data-status="met"' in page
    # no unicorn round is loaded for 2024: the tier says so rather than judging by the 2025 round
    assert 'id="tier-unicorn" class="tier tier-unknown" data-status="unknown"' in page
    assert "待定 — 未载入2024年度评价条件" in page
    assert "已达到的最高层级：</strong>高新技术企业" in page
    assert "下一层级：</strong>江苏省瞪羚企业" in page
    assert "有效期至 <strong>2025-12-12</strong>" in page and "重新认定年度 <strong>2025</strong>" in page
    assert "本年已申请知识产权 3 件，目标 5 件（还差 2 件）" in page
    assert "《高新技术企业认定管理办法》第九条" in page  # criteria carry their citations
    assert 'id="pool-hnte" data-status="met"' in page and "五级梯次培育库" in page
    assert 'id="ladder-monitoring"' in page and "产学研合作" in page


def test_after_the_plan_ended_its_targets_show_as_the_last_plans(client: TestClient) -> None:
    page = report(client, profile_of("recognised", {"upkeep": {"ip_applications": 3}}))
    assert 'id="ladder-last-plan"' in page and "仅供参考，不是现行要求" in page
    assert "本年已申请知识产权 3 件，目标 5 件（还差 2 件）" in page.split('id="ladder-last-plan"')[1]


def test_the_district_tiers_are_marked_as_examples_in_both_languages(client: TestClient) -> None:
    page = report(client, profile_of("sme"))
    assert page.count('class="convention example-flag"') == 3
    assert "示例标准：该层级没有可核实的公开认定条件" in page
    english = report(client, profile_of("sme"), "en")
    assert "Cultivation ladder" in english and "Example criteria" in english
    assert "Highest tier reached: </strong>Technology-based SME" in english
