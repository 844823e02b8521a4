"""Stored pools on SQLite and PostgreSQL: migrations, storing a batch, triage queries, access, history."""

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect

from batch import run_batch
from batch.triage import BORDERLINE_MARGIN, hard_met
from fixtures.generator import pool
from storage.database import get_engine
from storage.pools import (
    PoolFilter,
    PoolSink,
    firm_history,
    get_pool,
    pool_counts,
    pool_errors,
    ranked_firms,
    start_pool,
    visible_pools,
)
from storage.users import add_user, user_for_token


def store(tmp_path: Path, name: str, owner: str, profiles: list[dict], lines: list[str] = ()) -> int:
    source = tmp_path / f"{name}.jsonl"
    source.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles) + "".join(lines))
    pool_id = start_pool(name, owner, source.name)
    sink = PoolSink(pool_id)
    report = run_batch(source, tmp_path / f"{name}.xlsx", workers=0, sinks=[sink])
    sink.close(report.empty_rows)
    return pool_id


def test_migrations_create_every_table(use_db: str) -> None:
    tables = set(inspect(get_engine()).get_table_names())
    assert {
        "users",
        "pools",
        "firms",
        "assessments",
        "assessment_facets",
        "row_errors",
        "batch_jobs",
        "alembic_version",
    } <= tables


def test_tokens_are_stored_hashed_and_find_their_user(use_db: str) -> None:
    token = add_user("区科技局", "bureau")
    user = user_for_token(token)
    assert user is not None and user.name == "区科技局" and user.role == "bureau"
    assert user.token_hash != token and token not in user.token_hash
    assert user_for_token(token + "x") is None and user_for_token(None) is None
    with pytest.raises(ValueError, match="exists already"):
        add_user("区科技局", "intermediary")


def test_a_stored_pool_ranks_filters_and_counts(use_db: str, tmp_path: Path) -> None:
    add_user("bureau", "bureau")
    profiles = list(pool(120, seed=11))
    pool_id = store(tmp_path, "2025 春季", "bureau", profiles, ["{broken\n", "\n"])
    bureau = user_for_token(add_user("viewer", "bureau"))
    stored = get_pool(bureau, pool_id)
    assert stored.status == "ready"
    assert (stored.rows, stored.assessed, stored.invalid, stored.empty_rows) == (121, 120, 1, 1)
    assert [e.row for e in pool_errors(pool_id)] == [121]
    total, firms = ranked_firms(pool_id, PoolFilter(), limit=None)
    assert total == 120
    # ranked by the hard criteria met (n of 8) first, then by readiness: never a firm failing a hard
    # criterion above one meeting more of them, whatever its readiness
    order = [(hard_met(f.summary["outcomes"]), f.readiness) for f in firms]
    assert order == sorted(order, reverse=True)
    assert len({met for met, _ in order}) > 1  # the pool has firms meeting different numbers
    readiness_only = sorted(firms, key=lambda f: -f.readiness)
    assert [f.id for f in readiness_only] != [f.id for f in firms]  # the rule changes the order here
    counts = pool_counts(pool_id, PoolFilter())
    assert counts.total == 120 and sum(counts.by_verdict.values()) == 120
    assert sum(sum(v.values()) for v in counts.by_town.values()) == 120
    # a facet filter: firms failing the R&D ratio, counted the same way the summary counts them
    failing = dict(counts.facets["failing"])
    chosen = PoolFilter(facets={"failing": "rd_expense_ratio"})
    total_failing, firms_failing = ranked_firms(pool_id, chosen, limit=None)
    assert total_failing == failing["rd_expense_ratio"] > 0
    assert all("rd_expense_ratio" in f.summary["failing"] for f in firms_failing)
    # verdict and town filters combine
    town = firms[0].town
    total_town, firms_town = ranked_firms(pool_id, PoolFilter(verdict="not_eligible", town=town), limit=None)
    assert total_town == counts.by_town[town].get("not_eligible", 0)
    assert all(f.town == town and f.verdict == "not_eligible" for f in firms_town)
    # borderline: as the triage rule says
    total_edge, edge = ranked_firms(pool_id, PoolFilter(borderline=True), limit=None)
    assert total_edge == counts.borderline > 0
    for firm in edge:
        innovation = firm.output["innovation"]
        margin = float(BORDERLINE_MARGIN)
        near = [
            c
            for c, e in firm.output["criteria"].items()
            if c != "innovation_score"
            and isinstance(e["actual"], int | float)
            and isinstance(e["threshold"], int | float)
            and e["threshold"] > 0
            and abs(e["actual"] - e["threshold"]) <= margin * e["threshold"]
        ]
        assert innovation["min"] < innovation["pass_mark"] <= innovation["max"] or near
    # stored input and output
    assert firms[0].profile["company"]["name"] == firms[0].name
    assert firms[0].output["verdict"] == firms[0].verdict


def test_intermediaries_see_only_their_pools_and_bureaus_see_all(use_db: str, tmp_path: Path) -> None:
    alice = user_for_token(add_user("alice", "intermediary"))
    bob = user_for_token(add_user("bob", "intermediary"))
    bureau = user_for_token(add_user("bureau", "bureau"))
    profiles = list(pool(5, seed=3))
    alices = store(tmp_path, "alice-pool", "alice", profiles)
    bobs = store(tmp_path, "bob-pool", "bob", profiles)
    assert [p.id for p in visible_pools(alice)] == [alices]
    assert get_pool(alice, bobs) is None and get_pool(bob, alices) is None
    assert get_pool(alice, alices).name == "alice-pool"
    assert {p.id for p in visible_pools(bureau)} == {alices, bobs}


def test_a_firm_history_across_seasons(use_db: str, tmp_path: Path) -> None:
    add_user("bureau", "bureau")
    add_user("agent", "intermediary")
    bureau = user_for_token(add_user("reader", "bureau"))
    agent = user_for_token(add_user("agent2", "intermediary"))
    firm = json.loads(json.dumps(next(iter(pool(1, seed=5)))))
    firm["company"]["credit_code"] = "91320684MA1Y2K3L46"
    spring = store(tmp_path, "2025 春季", "bureau", [firm])
    better = json.loads(json.dumps(firm))
    for year in better["years"]:
        year["rd_expense"] = year["rd_expense_domestic"] = round(year["sales_revenue"] * 0.08, 4)
    store(tmp_path, "2025 秋季", "bureau", [better])
    _, [first] = ranked_firms(spring, PoolFilter(), limit=None)
    found, history = firm_history(bureau, first.firm_id)
    assert found.credit_code == "91320684MA1Y2K3L46"
    assert [h.pool_name for h in history] == ["2025 春季", "2025 秋季"]
    assert history[1].assessment.output["criteria"]["rd_expense_ratio"]["passed"] is True
    assert firm_history(agent, first.firm_id) == (None, [])


def test_a_job_whose_server_stopped_is_reported_as_interrupted(use_db: str) -> None:
    import datetime as dt

    from storage.jobs import create_job, get_job, update_job

    owner = user_for_token(add_user("agent", "intermediary"))
    job_id = create_job(owner)
    update_job(job_id, status="running", done_rows=10)
    assert get_job(owner, job_id).status == "running"
    from storage.database import session_scope
    from storage.models import BatchJob

    with session_scope() as session:  # as if the last progress was written an hour ago
        session.get(BatchJob, job_id).updated_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    job = get_job(owner, job_id)
    assert job.status == "failed" and "重新上传" in job.message["zh"]
    assert get_job(owner, job_id).status == "failed"
