"""The CLI report's table in units and words (item 8 of issue 9), and English output with no Chinese left in
it but the firm's own data: money as "CNY 7.1 million", citations in English (item 9)."""

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.citations import CJK, citation_en
from engine.formatting import format_value
from tests.commands import hnte

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "fixtures" / "examples"
NAMES = sorted(p.name.removesuffix(".json") for p in EXAMPLES.glob("*.json") if ".expected" not in p.name)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _row(output: str, title: str) -> list[str]:
    """The cells of the criteria table's row that starts with `title`."""
    line = next(line for line in output.splitlines() if line.startswith("│ " + title))
    return [cell.strip() for cell in line.strip("│").split("│")]


def _report(name: str, lang: str) -> str:
    run = hnte("assess", "--lang", lang, str(EXAMPLES / f"{name}.json"))
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_chinese_table_shows_units_the_score_range_and_the_domain_by_name() -> None:
    eligible = _report("eligible-firm", "zh")
    assert _row(eligible, "注册成立时间")[2:4] == ["3,172 天", "365 天"]
    assert _row(eligible, "核心自主知识产权")[2:4] == ["11 件", "1 件"]
    assert _row(eligible, "国家重点支持的高新技术领域")[2] == "先进制造与自动化"
    assert _row(eligible, "科技人员占比")[2:4] == ["17.56%", "≥ 10%"]
    assert _row(eligible, "企业创新能力评价")[2:4] == ["73–88 分", "71 分"]
    short = _report("rd-ratio-short", "zh")
    assert _row(short, "研究开发费用占销售收入比例")[4] == "710 万元"


def test_the_english_table_shows_money_in_yuan_and_the_score_range() -> None:
    short = _report("rd-ratio-short", "en")
    assert _row(short, "R&D expense to sales ratio")[2:5] == ["2.97%", "≥ 4%", "CNY 7.1 million"]
    assert _row(short, "Innovation capability score")[2:5] == ["69–82 points", "71 points", "2 points"]
    assert _row(short, "Supported high-tech domain")[2] == "Electronic information"
    assert "needs CNY 7.1 million more" in short and "× 10,000" not in short


@pytest.mark.parametrize("name", NAMES)
def test_the_english_report_has_no_chinese_but_the_firms_own_data(name: str) -> None:
    profile: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    output = _report(name, "en")
    for own in (profile["company"]["name"], profile["company"].get("town") or ""):
        output = output.replace(own, "") if own else output
    leftover = [line for line in output.splitlines() if CHINESE.search(line)]
    assert leftover == []


def _citations(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["citation"]] if isinstance(node.get("citation"), str) else []
        return found + [c for value in node.values() for c in _citations(value)]
    if isinstance(node, list):
        return [c for value in node for c in _citations(value)]
    return []


def test_every_citation_of_every_rule_pack_reads_in_english() -> None:
    citations = {c for path in (ROOT / "rules").rglob("*.yaml") for c in _citations(yaml.safe_load(path.read_text()))}
    assert len(citations) > 40
    for citation in citations:
        assert not CJK.search(citation_en(citation)), (citation, citation_en(citation))
    assert citation_en("《高新技术企业认定管理办法》第十一条（五）") == "HNTE Measures Art. 11(5)"
    assert citation_en("区县培育层级（示例）") == "District cultivation tiers (example)"


@pytest.mark.parametrize(
    ("value", "english"),
    [
        (710, "CNY 7.1 million"),
        (3, "CNY 30,000"),
        (0.0003, "CNY 3"),
        (100, "CNY 1 million"),
        (250_000, "CNY 2.5 billion"),
        (12345.6789, "CNY 123.456789 million"),
        (-5.5, "-CNY 55,000"),
    ],
)
def test_money_in_english_reads_in_yuan_exactly(value: float, english: str) -> None:
    assert format_value(value, "万元")[1] == english
    assert format_value(value, "万元")[0].endswith(" 万元")


@pytest.mark.parametrize("name", NAMES)
def test_the_english_web_report_has_no_chinese_but_the_firms_own_data_and_the_language_switch(name: str) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.selfcheck_form import form_from_profile

    profile: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    page = TestClient(create_app()).post("/report", data={**form_from_profile(profile).values, "lang": "en"}).text
    text = re.sub(r"<(script|style)\b.*?</\1>|<input[^>]*>|<option[^>]*>[^<]*</option>", "", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", text))
    own = {profile["company"]["name"], profile["company"].get("town"), "中文"}  # "中文": the language switch
    leftover = [line.strip() for line in text.splitlines() if CHINESE.search(line) and line.strip() not in own]
    leftover = [line for line in leftover if not any(o and line.startswith(o) for o in own)]
    assert leftover == []
    assert "Citation: HNTE Measures Art. 11" in text


@pytest.mark.parametrize("pack", sorted(p.name for p in (ROOT / "rules").iterdir() if (p / "pack.yaml").exists()))
def test_the_english_rule_pack_pages_have_no_chinese(pack: str) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    page = TestClient(create_app()).get(f"/rulepacks/{pack}?lang=en").text
    text = html.unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)))
    assert [line.strip() for line in text.splitlines() if CHINESE.search(line) and line.strip() != "中文"] == []


def test_a_valuation_in_yuan_reads_as_money_in_both_languages(assessor: Any) -> None:
    from engine import validate_profile

    profile = json.loads((EXAMPLES / "eligible-firm.json").read_text(encoding="utf-8"))
    profile["funding"] = {"valuation_cny": 40000}
    tiers = assessor.assess(validate_profile(profile))["ladder"]["tiers"]
    message = tiers["potential_unicorn"]["criteria"]["potential_valuation_recent"]["message"]
    assert message == {
        "zh": "人民币估值 40,000 万元，不小于 30,000 万元。",
        "en": "Valued at CNY 400 million, at least CNY 300 million.",
    }


def test_hnte_fields_lists_the_catalogue_in_each_language() -> None:
    chinese = hnte("fields")
    english = hnte("fields", "--lang", "en")
    assert chinese.returncode == english.returncode == 0
    assert "years[].sales_revenue" in chinese.stdout and "销售收入" in chinese.stdout and "万元" in chinese.stdout
    assert "safety = 重大安全事故" in chinese.stdout
    assert "Sales revenue" in english.stdout and "10,000 CNY" in english.stdout
    assert "safety = Major safety accident" in english.stdout


@pytest.mark.parametrize("name", NAMES)
def test_the_english_plan_has_no_chinese_but_the_firms_own_data(name: str) -> None:
    profile: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    run = hnte("plan", "--lang", "en", str(EXAMPLES / f"{name}.json"))
    assert run.returncode == 0, run.stderr
    output = run.stdout.replace(profile["company"]["name"], "")
    assert [line for line in output.splitlines() if CHINESE.search(line)] == []
    assert "万元" not in output and "CNY" in output
