"""A batch job that fails for any reason ends `failed` — its pool too, never stuck in "scoring" / "running" —
with the reason in the service's log and in both languages on the job; and what killed or failed jobs leave
in the upload folder is removed. On SQLite and PostgreSQL."""

import datetime as dt
import logging
import os
import time
from pathlib import Path

from sqlalchemy import update

from storage.database import session_scope
from storage.jobs import STALE_AFTER, clean_upload_folder, create_job, get_job, run_job, update_job
from storage.models import BatchJob
from storage.pools import get_pool, start_pool, visible_pools
from storage.users import add_user, user_named
from tests.hostile.web_helpers import jsonl, profiles
from tests.storage.conftest import db_url, use_db  # noqa: F401


def new_job(tmp_path: Path, lines: bytes, owner: str = "代理机构") -> tuple[str, int, Path]:
    user = user_named(owner)
    job_id = create_job(user)
    pool_id = start_pool("池", owner, "a.jsonl")
    update_job(job_id, pool_id=pool_id)
    source = tmp_path / f"{job_id}.upload.jsonl"
    source.write_bytes(lines)
    return job_id, pool_id, source


def test_a_job_whose_result_cannot_be_written_ends_failed_with_its_pool_and_the_reason_logged(
    use_db: str,  # noqa: F811
    tmp_path: Path,
    caplog,
) -> None:
    add_user("代理机构", "intermediary")
    user = user_named("代理机构")
    job_id, pool_id, source = new_job(tmp_path, jsonl(profiles(7, seed=2)))
    result = tmp_path / "no such folder" / f"{job_id}.xlsx"
    with caplog.at_level(logging.INFO, logger="storage.jobs"):
        run_job(job_id, source, result, pool_id, workers=0)  # never raises
    job = get_job(user, job_id)
    assert job is not None and job.status == "failed" and job.finished_at is not None
    assert job.message["zh"] and job.message["en"] and job.message["zh"] != job.message["en"]
    assert str(tmp_path) not in job.message["en"]  # no internal path is shown
    pool = get_pool(user, pool_id)
    assert pool is not None and pool.status == "failed"
    assert not source.exists() and not result.exists()
    logged = [r for r in caplog.records if job_id in r.getMessage()]
    assert logged and (logged[0].exc_info is not None or "refused" in logged[0].getMessage())


def test_a_job_whose_pool_writes_fail_ends_failed(use_db: str, tmp_path: Path, caplog) -> None:  # noqa: F811
    """The pool row is gone when the scores arrive (a database refusing the writes): the job still ends."""
    add_user("代理机构", "intermediary")
    user = user_named("代理机构")
    job_id = create_job(user)
    source = tmp_path / f"{job_id}.upload.jsonl"
    source.write_bytes(jsonl(profiles(4, seed=6)))
    with caplog.at_level(logging.ERROR, logger="storage.jobs"):
        run_job(job_id, source, tmp_path / f"{job_id}.xlsx", pool_id=987_654, workers=0)
    job = get_job(user, job_id)
    assert job is not None and job.status == "failed"
    assert "IntegrityError" in job.message["en"] and "IntegrityError" in job.message["zh"]
    assert any(r.exc_info for r in caplog.records if job_id in r.getMessage())
    assert not (tmp_path / f"{job_id}.xlsx").exists()


def test_a_job_silent_since_its_server_stopped_is_failed_and_so_is_its_pool(use_db: str, tmp_path: Path) -> None:  # noqa: F811
    add_user("代理机构", "intermediary")
    user = user_named("代理机构")
    job_id, pool_id, _ = new_job(tmp_path, b"")
    update_job(job_id, status="running", done_rows=500)
    long_ago = dt.datetime.now(dt.UTC) - STALE_AFTER - dt.timedelta(seconds=5)
    with session_scope() as session:
        session.execute(update(BatchJob).where(BatchJob.id == job_id).values(updated_at=long_ago))
    assert [p.status for p in visible_pools(user)] == ["failed"]  # the pool list alone shows it
    job = get_job(user, job_id)
    assert job is not None and job.status == "failed" and "重新上传" in job.message["zh"]
    assert get_pool(user, pool_id).status == "failed"  # type: ignore[union-attr]


def test_the_upload_folder_keeps_only_live_jobs_and_finished_results(use_db: str, tmp_path: Path) -> None:  # noqa: F811
    add_user("代理机构", "intermediary")
    folder = tmp_path / "batches"
    folder.mkdir()
    live, _, _ = new_job(tmp_path, b"")
    done, _, _ = new_job(tmp_path, b"")
    failed, _, _ = new_job(tmp_path, b"")
    update_job(live, status="running")
    update_job(done, status="done", result_path=str(folder / f"{done}.xlsx"))
    update_job(failed, status="failed")
    files = {
        "live upload": folder / f"{live}.upload.xlsx",
        "live partial result": folder / f"{live}.xlsx",
        "done result": folder / f"{done}.xlsx",
        "failed upload": folder / f"{failed}.upload.csv",
        "failed partial result": folder / f"{failed}.xlsx",
        "job of another database": folder / f"{'ab' * 16}.xlsx",
        "upload whose request died": folder / "tmpq1w2e3.jsonl",
        "upload being received": folder / "tmpz9x8c7.jsonl",
    }
    for path in files.values():
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(files["upload whose request died"], (two_hours_ago, two_hours_ago))
    removed = set(clean_upload_folder(folder))
    kept = {name for name, path in files.items() if path.exists()}
    assert kept == {"live upload", "live partial result", "done result", "upload being received"}
    assert removed == {path for name, path in files.items() if name not in kept}


def test_hnte_batch_that_fails_leaves_no_pool_scoring(use_db: str, tmp_path: Path) -> None:  # noqa: F811
    import subprocess
    import sys

    from storage.database import dispose_engines
    from storage.pools import visible_pools

    add_user("区科技局", "bureau")
    source = tmp_path / "firms.jsonl"
    source.write_bytes(jsonl(profiles(5, seed=8)))
    env = {"HNTE_DATABASE_URL": use_db, "PATH": "/usr/bin:/bin"}
    failed = subprocess.run(
        [sys.executable, "-m", "cli.main", "batch", str(source), "-o", str(tmp_path / "gone" / "out.xlsx"),
         "--pool", "秋季", "--user", "区科技局", "--workers", "0", "--quiet"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert failed.returncode != 0
    dispose_engines()
    assert [pool.status for pool in visible_pools(user_named("区科技局"))] in ([], ["failed"])
