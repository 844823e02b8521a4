"""Storage never fails on a NUL character (U+0000), on SQLite and PostgreSQL — PostgreSQL refuses NUL in text
and in JSONB, which used to leave a job "running" and its pool "scoring" for ever. Validation refuses NUL at
the edge; storage replaces any NUL that still arrives with U+FFFD, in what it writes and in what it compares."""

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import get_engine
from storage.pools import PoolSink, firm_history, get_pool, start_pool, visible_pools
from storage.users import add_user, user_for_token, user_named
from tests.hostile.web_helpers import bearer, client, finished, jsonl, profiles, upload, upload_env  # noqa: F401
from tests.storage.conftest import db_url, use_db  # noqa: F401

NUL = "\x00"


def hostile_text(rng: random.Random) -> str:
    """Text with NUL characters at random places among CJK, ASCII and JSON-looking escapes."""
    alphabet = ["海", "门", "科", "技", "a", "Z", " ", NUL, NUL, "\\", "u0000", '"', "\ufffd"]
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 40))) + NUL


def every_stored_text(db: str) -> str:
    """Every text and JSON value of every table, as one string (to look for NUL)."""
    dump = []
    with get_engine(db).connect() as connection:
        for table in ("users", "pools", "firms", "assessments", "assessment_facets", "row_errors", "batch_jobs"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                dump.extend(json.dumps(value, ensure_ascii=False, default=str) for value in row)
    return "\n".join(dump)


def test_outcomes_with_nul_in_every_text_are_stored_and_the_pool_is_ready(use_db: str, tmp_path: Path) -> None:  # noqa: F811
    from batch import run_batch

    rng = random.Random(8)
    token = add_user("代理机构", "intermediary")
    firms = profiles(12, seed=5)
    for firm in firms:
        firm["company"]["name"] = hostile_text(rng)
        firm["company"]["town"] = hostile_text(rng)
        firm["notes"] = hostile_text(rng)  # an unknown field: kept in the stored profile as read
    source = tmp_path / "nul.jsonl"
    source.write_bytes(jsonl(firms) + b'{"company": {"name": "\\u0000' + "坏".encode() + b'"}}\n')
    pool_id = start_pool(hostile_text(rng), "代理机构", "n\x00ul.jsonl")
    sink = PoolSink(pool_id)
    report = run_batch(source, tmp_path / "out.xlsx", workers=0, sinks=[sink])
    sink.close(report.empty_rows)

    user = user_for_token(token)
    pool = get_pool(user, pool_id)
    assert pool is not None and pool.status == "ready"
    assert pool.rows == 13 == pool.assessed + pool.invalid  # every row stored: as a firm or as a row error
    assert NUL not in pool.name and "\ufffd" in pool.name and NUL not in pool.source_name
    assert NUL not in every_stored_text(use_db)


def test_nul_in_values_compared_finds_nothing_instead_of_failing(use_db: str) -> None:  # noqa: F811
    add_user("区科技局", "bureau")
    with pytest.raises(LookupError):
        user_named("区科技局\x00")
    with pytest.raises(ValueError, match="NUL"):
        add_user("a\x00b", "bureau")
    bureau = user_named("区科技局")
    assert get_pool(bureau, 1) is None and firm_history(bureau, 1) == (None, [])
    assert visible_pools(bureau) == []


def test_escaped_backslash_u0000_text_is_kept_as_typed(use_db: str) -> None:  # noqa: F811
    add_user("区科技局", "bureau")
    typed = "literally \\u0000 and \\\\u0000, not a NUL"
    pool_id = start_pool(typed, "区科技局", "a.jsonl")
    assert get_pool(user_named("区科技局"), pool_id).name == typed  # type: ignore[union-attr]


def test_nul_over_http_in_names_filters_and_ids_never_fails(client, use_db: str) -> None:  # noqa: F811
    token = add_user("区科技局", "bureau")
    rng = random.Random(3)
    firms = profiles(5, seed=11)
    firms[0]["company"]["name"] = hostile_text(rng)
    accepted = client.post(
        "/v1/batches",
        headers=bearer(token),
        files={"file": ("fi\x00rms.jsonl", jsonl(firms))},
        data={"name": "池\x00名"},
    )
    assert accepted.status_code == 202, accepted.text
    job = finished(client, token, accepted.json()["id"])
    assert job["status"] == "done" and job["done_rows"] == 5
    pool_id = job["pool_id"]
    stored = client.get(f"/v1/pools/{pool_id}", headers=bearer(token)).json()
    assert stored["status"] == "ready" and stored["name"] == "池\ufffd名"
    for query in ("town=a%00b", "verdict=%00", "failing=%00x", "tier=%00", "town=%00"):
        answer = client.get(f"/v1/pools/{pool_id}/firms?{query}", headers=bearer(token))
        assert answer.status_code == 200 and answer.json()["total"] == 0, query
    for path in ("/v1/batches/ab%00cd", "/v1/batches/%00/result", "/v1/batches/" + "%00" * 40):
        assert client.get(path, headers=bearer(token)).status_code == 404, path
    assert client.get("/v1/pools", headers=bearer("hnte_%00")).status_code == 401
    page = client.get(f"/pools/{pool_id}?town=%00", headers={**bearer(token), "accept": "text/html"})
    assert page.status_code == 200
    assert NUL not in every_stored_text(use_db)
