"""The ladder in the batch workbook: a tier column and a next-tier column in the results, a tier summary."""

from collections import Counter
from pathlib import Path

from openpyxl import load_workbook

from batch import run_batch
from batch.tiers import ladder_tiers
from engine import default_assessor, validate_profile
from fixtures.generator import pool
from tests.batch.conftest import write_jsonl
from tests.ladder.test_ladder import profile_of


def test_the_workbook_has_each_firms_tier_and_a_tier_summary(tmp_path: Path) -> None:
    profiles = [profile_of(b) for b in ("sme", "recognised", "gazelle", "unicorn")] + list(pool(40, seed=21))
    for index, profile in enumerate(profiles):
        profile["company"]["name"] = f"{profile['company']['name']}{index}"
    ladders = [a["ladder"] for a in default_assessor().assess_many([validate_profile(p) for p in profiles])]
    source = write_jsonl(tmp_path / "in.jsonl", profiles)
    run_batch(source, tmp_path / "out.xlsx", workers=0)
    book = load_workbook(tmp_path / "out.xlsx", read_only=True)

    rows = list(book["结果 Results"].iter_rows(values_only=True))
    tier_col, next_col = rows[0].index("培育层级"), rows[0].index("下一层级")
    assert rows[1][tier_col] == "Ladder tier" and rows[1][next_col] == "Next tier"
    for ladder, row in zip(ladders, rows[2:], strict=True):
        highest, nxt = ladder["highest_tier"], ladder["next_tier"]
        if highest is None:
            assert row[tier_col] == "未达到任何层级 No tier reached"
        else:
            title = ladder["tiers"][highest]["title"]
            assert row[tier_col].startswith(f"{title['zh']} {title['en']}")
            assert ("示例标准" in row[tier_col]) is bool(ladder["tiers"][highest].get("example"))
        assert (row[next_col] or "").startswith(nxt["title"]["zh"] if nxt else "")
    assert rows[2][tier_col] == "科技型中小企业 Technology-based SME"  # the sme base
    assert rows[3][tier_col].startswith("高新技术企业")  # the recognised firm

    summary = [r for r in book["汇总 Summary"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(summary) if r and r[0] == "按培育层级 By tier")
    at = Counter(ladder["highest_tier"] for ladder in ladders)
    reaching = Counter(t for ladder in ladders for t, status in ladder["summary"].items() if status == "met")
    for offset, tier_id in enumerate(ladder_tiers(), 1):
        line = summary[start + offset]
        assert line[1] == at[tier_id] and line[2] == reaching[tier_id], (tier_id, line)
    assert summary[start + len(ladder_tiers()) + 1][1] == at[None]
