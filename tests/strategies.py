"""Hypothesis strategies for valid contract profiles (dicts), edge values included."""

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from fixtures.generator import ANSWERS, DOMAINS


def money(max_value: int = 50_000) -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.sampled_from([Decimal(0), Decimal(1), Decimal(5000), Decimal(20000), Decimal("5000.0001")]),
        st.decimals(min_value=0, max_value=max_value, places=4, allow_nan=False, allow_infinity=False),
    )


@st.composite
def year_entry(draw: st.DrawFn, year: int) -> dict[str, Any]:
    sales = draw(money())
    total = sales + draw(money(2000))
    rd = draw(money(5000))
    staff = draw(st.integers(0, 500))
    entry: dict[str, Any] = {
        "year": year,
        "sales_revenue": sales,
        "total_revenue": total,
        "high_tech_revenue": draw(st.decimals(min_value=0, max_value=total, places=4)),
        "rd_expense": rd,
        "rd_expense_domestic": draw(st.decimals(min_value=0, max_value=rd, places=4)),
        "net_assets": draw(st.decimals(min_value=-1000, max_value=50_000, places=4)),
        "staff_total": staff,
        "staff_sci_tech": draw(st.integers(0, staff)),
        "achievements_transformed": draw(st.integers(0, 8)),
    }
    for key in draw(st.lists(st.sampled_from(sorted(entry)), max_size=2)):
        if key != "year":
            entry.pop(key, None)  # a missing figure now and then
    return entry


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, Any]:
    application = draw(st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2030, 12, 31)))
    registered = application - dt.timedelta(days=draw(st.integers(0, 365 * 8)))
    years = [
        draw(year_entry(year))
        for year in range(application.year - 3, application.year)
        if year >= registered.year and draw(st.integers(0, 19)) > 0  # an absent year now and then
    ]
    class2 = draw(st.integers(0, 12))
    incidents = [
        {
            "kind": draw(st.sampled_from(["safety", "quality", "environment"])),
            "date": (application - dt.timedelta(days=draw(st.integers(-30, 800)))).isoformat(),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    return {
        "company": {"name": "性质测试企业", "registered_on": registered.isoformat()},
        "application_date": application.isoformat(),
        "tech_domain": draw(st.sampled_from([*DOMAINS, None])),
        "years": years,
        "ip": {
            "class1": draw(st.integers(0, 3)),
            "class2": class2,
            "class2_used": draw(st.integers(0, class2)),
            "self_developed": draw(st.booleans()),
            "supports_main_products": draw(st.booleans()),
            "advancement": draw(st.sampled_from(["A", "B", "C", "D", "E", None])),
            "core_support": draw(st.sampled_from(["A", "B", "C", "D", "E", None])),
            "standards": draw(st.booleans()),
        },
        "rd_management": {name: draw(st.booleans()) for name in ANSWERS},
        "incidents": incidents,
    }
