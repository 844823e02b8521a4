"""`hnte assess` shows the ladder: every tier, the next one and what it takes, a recognised firm's upkeep."""

import json

from tests.commands import hnte
from tests.ladder.test_ladder import profile_of


def test_the_chinese_report_shows_every_tier_the_next_and_the_upkeep() -> None:
    profile = profile_of("recognised", {"upkeep": {"ip_applications": 3}, "application_date": "2024-06-30"})
    run = hnte("assess", "-", stdin=json.dumps(profile, ensure_ascii=False))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    tiers = ("泛科技型企业", "科技型中小企业", "雏鹰企业", "高企培育库", "高新技术企业", "瞪羚企业", "独角兽企业")
    assert all(title in out for title in tiers)
    assert "已达到的最高层级: 高新技术企业" in out
    assert "下一层级: 江苏省瞪羚企业" in out
    assert "证书有效期至 2025-12-12" in out and "重新认定年度 2025" in out
    assert "本年已申请知识产权 3 件，目标 5 件（还差 2 件）" in out
    assert "五级梯次培育库" in out and "培育库企业监测事项" in out
    assert "示例标准" in out  # the district tiers say their criteria are examples
    assert "《科技型中小企业评价办法》第六条（二）" in out  # criteria carry their citations


def test_the_english_report_and_the_json_carry_the_ladder() -> None:
    profile = json.dumps(profile_of("sme"), ensure_ascii=False)
    english = hnte("assess", "--lang", "en", "-", stdin=profile)
    assert english.returncode == 0, english.stderr
    assert "Cultivation ladder" in english.stdout
    assert "Highest tier reached: Technology-based SME" in english.stdout
    assert "Next tier: Fledgling" in english.stdout
    assert "example criteria" in english.stdout
    data = json.loads(hnte("assess", "--format", "json", "-", stdin=profile).stdout)
    assert data["ladder"]["highest_tier"] == "tech_sme"
    assert data["ladder"]["next_tier"]["id"] == "chuying"
