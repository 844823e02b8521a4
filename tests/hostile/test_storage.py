"""What a hostile row may put in a stored pool, on SQLite and PostgreSQL: U+0000 and numbers of thousands of
digits in fields the contract ignores, and in the name of a row that failed. The batch stores every row."""

import json
from pathlib import Path

from batch import run_batch
from storage.pools import PoolFilter, PoolSink, pool_errors, ranked_firms, start_pool
from storage.users import add_user
from tests.hostile.files import firms
from tests.storage.conftest import db_url, use_db  # noqa: F401  (the storage tests' databases)


def test_hostile_unknown_fields_and_failed_names_are_stored(tmp_path: Path, use_db: str) -> None:  # noqa: F811
    good, other = firms(2)
    good["junk"] = "\u0000"
    good["huge"] = "@@HUGE@@"
    other["company"]["name"] = "空字符\u0000企业"
    other["years"][0]["sales_revenue"] = "八千"
    lines = [json.dumps(good).replace('"@@HUGE@@"', "9" * 5000), json.dumps(other)]
    source = tmp_path / "firms.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    add_user("owner", "intermediary")
    pool_id = start_pool("hostile", "owner", source.name)
    sink = PoolSink(pool_id)
    report = run_batch(source, None, workers=0, sinks=[sink])
    sink.close(report.empty_rows)
    assert (report.assessed, report.invalid) == (1, 1)
    total, stored = ranked_firms(pool_id, PoolFilter())
    assert total == 1 and stored[0].profile["company"]["name"] == good["company"]["name"]
    assert "junk" not in stored[0].profile  # fields the contract ignores are not kept
    errors = pool_errors(pool_id)
    assert [e.row for e in errors] == [2] and errors[0].name == "空字符\ufffd企业"
