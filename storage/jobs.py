"""Batch jobs submitted over HTTP: created at once, their progress written as they score.

A job ends `done` or `failed` whatever happens: a file that cannot be read, a database error (say, text
the database refuses), a bug. The reason is logged (logger ``storage.jobs``) and kept on the job in both
languages; its pool is marked failed, and its upload and any partial result are deleted. A job whose
server stopped (killed, restarted) goes silent: after STALE_AFTER without progress it is failed the same
way, and its files are removed by ``clean_upload_folder`` (run when the service starts).
"""

import datetime as dt
import logging
import os
import time
import uuid
from pathlib import Path

from sqlalchemy import select, update

from storage.database import PRIVATE_FILE, session_scope
from storage.models import BatchJob, Pool, User

log = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=15)
PROGRESS_EVERY_SECONDS = 1.0
INTERRUPTED = {
    "zh": "评分中断（服务曾重启），请重新上传文件。",
    "en": "Scoring was interrupted (the service restarted); upload the file again.",
}
# An upload being received has no job yet; a temporary file older than this belongs to a request that died.
ORPHAN_AFTER = dt.timedelta(hours=1)


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


def fail_stale_jobs(url: str | None = None) -> int:
    """Jobs silent for STALE_AFTER (their server stopped while they were queued or scoring) become failed,
    and so do their pools. Returns how many."""
    now = dt.datetime.now(dt.UTC)
    silent = (BatchJob.status.in_(("queued", "running")), BatchJob.updated_at < now - STALE_AFTER)
    with session_scope(url) as session:
        stale = list(session.scalars(select(BatchJob).where(*silent)))
        for job in stale:
            log.warning("batch job %s failed: silent since %s (its server stopped)", job.id, job.updated_at)
            job.status, job.message, job.finished_at, job.updated_at = "failed", INTERRUPTED, now, now
        pool_ids = [job.pool_id for job in stale if job.pool_id is not None]
        if pool_ids:
            session.execute(update(Pool).where(Pool.id.in_(pool_ids), Pool.status == "scoring").values(status="failed"))
        return len(stale)


def get_job(user: User, job_id: str, url: str | None = None) -> BatchJob | None:
    """The job, or None when it does not exist or the user may not see it (the owner and bureaus may)."""
    if len(job_id) > 64:
        return None  # job ids are 32 hex digits
    fail_stale_jobs(url)
    with session_scope(url) as session:
        query = select(BatchJob).where(BatchJob.id == job_id)
        if user.role != "bureau":
            query = query.where(BatchJob.owner_id == user.id)
        job = session.scalar(query)
        if job is not None:
            session.expunge(job)
        return job


def failure_message(error: BaseException) -> dict[str, str]:
    """What a failed job shows: the kind of failure in both languages, nothing internal (no path, no SQL)."""
    kind = type(error).__name__
    return {
        "zh": f"评分失败（{kind}），已记录在服务日志中；请检查文件后重试，或联系管理员。",
        "en": f"Scoring failed ({kind}); the reason is in the service's log. Check the file and retry, "
        "or contact the administrator.",
    }


def _finish_failed(job_id: str, sink: object, message: dict[str, str], url: str | None) -> None:
    """Mark the pool and the job failed — each on its own, so that one failing write cannot leave the other
    stuck in "scoring" / "running"."""
    try:
        sink.close(failed=True)  # type: ignore[attr-defined]
    except Exception:
        log.exception("batch job %s: could not mark its pool failed", job_id)
    try:
        update_job(job_id, url, status="failed", message=message)
    except Exception:
        log.exception("batch job %s: could not mark the job failed", job_id)


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
    Never raises: a failure is logged, recorded on the job (in both languages) and on the pool."""
    from batch import InputRefused, run_batch
    from batch.output import OutputRefused
    from storage.pools import PoolSink

    sink = PoolSink(pool_id, url)
    last = 0.0

    def progress(done: int, expected: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS:
            last = now
            update_job(job_id, url, done_rows=done, expected_rows=expected)

    try:
        update_job(job_id, url, status="running")
        report = run_batch(source, result, workers=workers, progress=progress, sinks=[sink], max_rows=max_rows)
        sink.close(report.empty_rows)
        keep_private(result)
        update_job(
            job_id, url, status="done", done_rows=report.rows, expected_rows=report.rows, result_path=str(result)
        )
    except OutputRefused as refused:  # the server's own result folder: its path is not the user's business
        log.exception("batch job %s could not write its result: %s", job_id, refused.message["en"])
        _finish_failed(job_id, sink, failure_message(refused), url)
        result.unlink(missing_ok=True)
    except InputRefused as refused:
        log.info("batch job %s refused its file: %s", job_id, refused.message["en"])
        _finish_failed(job_id, sink, refused.message, url)
        result.unlink(missing_ok=True)
    except BaseException as error:  # whatever happened, the job must say it failed, and the log why
        log.exception("batch job %s failed", job_id)
        _finish_failed(job_id, sink, failure_message(error), url)
        result.unlink(missing_ok=True)
        if not isinstance(error, Exception):
            raise  # KeyboardInterrupt, SystemExit: recorded, and still stopping the process
    finally:
        source.unlink(missing_ok=True)


def keep_private(path: Path) -> None:
    """A stored result is readable by the service's user only (0600)."""
    if path.exists():
        os.chmod(path, PRIVATE_FILE)


def clean_upload_folder(folder: Path, url: str | None = None) -> list[Path]:
    """Delete what killed or failed jobs left in the upload folder: uploads and results of jobs that are not
    queued or scoring, except the result workbooks of finished jobs, and any other file older than
    ORPHAN_AFTER (an upload whose request died). Returns the files removed."""
    if not folder.is_dir():
        return []
    fail_stale_jobs(url)
    with session_scope(url) as session:
        live = set(session.scalars(select(BatchJob.id).where(BatchJob.status.in_(("queued", "running")))))
        kept = {
            Path(path).resolve()
            for path in session.scalars(select(BatchJob.result_path).where(BatchJob.status == "done"))
            if path
        }
    removed: list[Path] = []
    cutoff = time.time() - ORPHAN_AFTER.total_seconds()
    for path in folder.iterdir():
        if not path.is_file() or path.resolve() in kept:
            continue
        owner = path.name.split(".", 1)[0]
        if owner in live:
            continue
        known_job = len(owner) == 32 and all(c in "0123456789abcdef" for c in owner)
        if known_job or path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("removed %d file(s) left by stopped or failed batch jobs in %s", len(removed), folder)
    return removed
