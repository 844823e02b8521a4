"""Batch jobs submitted over HTTP: created at once, their progress written as they score."""

import datetime as dt
import logging
import uuid
from pathlib import Path

from sqlalchemy import select

from storage.database import session_scope
from storage.models import BatchJob, User


def create_job(owner: User, url: str | None = None) -> str:
    with session_scope(url) as session:
        job = BatchJob(id=uuid.uuid4().hex, owner_id=owner.id, status="queued")
        session.add(job)
        return job.id


def update_job(job_id: str, url: str | None = None, **changes: object) -> None:
    with session_scope(url) as session:
        job = session.get(BatchJob, job_id)
        if job is None:
            return
        for name, value in changes.items():
            setattr(job, name, value)
        job.updated_at = dt.datetime.now(dt.UTC)
        if changes.get("status") in ("done", "failed"):
            job.finished_at = job.updated_at


def get_job(user: User, job_id: str, url: str | None = None) -> BatchJob | None:
    """The job, or None when it does not exist or the user may not see it (the owner and bureaus may)."""
    with session_scope(url) as session:
        query = select(BatchJob).where(BatchJob.id == job_id)
        if user.role != "bureau":
            query = query.where(BatchJob.owner_id == user.id)
        job = session.scalar(query)
        if job is not None and job.status in ("queued", "running") and _silent_since(job.updated_at) > STALE_AFTER:
            # its server stopped while it was scoring (a running job writes its progress every second)
            job.status, job.message = "failed", INTERRUPTED
            job.finished_at = dt.datetime.now(dt.UTC)
        if job is not None:
            session.flush()
            session.expunge(job)
        return job


STALE_AFTER = dt.timedelta(minutes=15)
INTERRUPTED = {
    "zh": "评分中断（服务曾重启），请重新上传文件。",
    "en": "Scoring was interrupted (the service restarted); upload the file again.",
}


def _silent_since(moment: dt.datetime) -> dt.timedelta:
    if moment.tzinfo is None:  # SQLite keeps no time zone; every time stored here is UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC) - moment


PROGRESS_EVERY_SECONDS = 1.0
log = logging.getLogger(__name__)


def run_job(
    job_id: str,
    source: Path,
    result: Path,
    pool_id: int,
    max_rows: int | None = None,
    workers: int | None = None,
    url: str | None = None,
) -> None:
    """Score an uploaded file into its pool and its result workbook, writing progress as it goes.
    Never raises: a failure is recorded on the job (in both languages) and on the pool."""
    import time

    from batch import InputRefused, run_batch
    from storage.pools import PoolSink

    sink = PoolSink(pool_id, url)
    last = 0.0

    def progress(done: int, expected: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS:
            last = now
            update_job(job_id, url, done_rows=done, expected_rows=expected)

    update_job(job_id, url, status="running")
    try:
        report = run_batch(source, result, workers=workers, progress=progress, sinks=[sink], max_rows=max_rows)
    except InputRefused as refused:
        sink.close(failed=True)
        update_job(job_id, url, status="failed", message=refused.message)
        result.unlink(missing_ok=True)
    except Exception as error:  # whatever happened, the job must say it failed (and log it)
        log.exception("batch job %s failed", job_id)
        sink.close(failed=True)
        update_job(
            job_id,
            url,
            status="failed",
            message={
                "zh": "评分失败，请稍后重试或联系管理员。",
                "en": f"Scoring failed ({type(error).__name__}); try again later.",
            },
        )
        result.unlink(missing_ok=True)
    else:
        sink.close(report.empty_rows)
        update_job(
            job_id, url, status="done", done_rows=report.rows, expected_rows=report.rows, result_path=str(result)
        )
    finally:
        source.unlink(missing_ok=True)
