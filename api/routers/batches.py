"""Batch scoring over HTTP: upload a file, get a job id at once, poll its progress, download the workbook.

Every upload is stored as a pool owned by the uploader (named by the form's `name`, else the file name),
so the bureau can triage it and the owner can come back to it. Scoring runs in a worker thread that
drives a process per core — never on the event loop. Limits: HNTE_UPLOAD_MAX_BYTES (default 20 MB)
and HNTE_UPLOAD_MAX_ROWS (default 20,000 firms); the command line `hnte batch` has neither.
"""

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.download_names import content_disposition, safe_stem
from api.middleware import allow_larger_bodies
from api.pool_access import CurrentUser, StoredDataRoute, not_found
from api.schemas import REFUSED_401, REFUSED_403, REFUSED_404, InvalidProfile, Refusal
from api.schemas import BatchJob as BatchJobModel
from batch import InputRefused
from batch.readers import input_format, precheck
from batch.run import too_many_rows
from storage.database import private_folder
from storage.jobs import clean_upload_folder, create_job, get_job, run_job, update_job
from storage.models import BatchJob, User
from storage.pools import get_pool, start_pool

log = logging.getLogger(__name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HNTE_UPLOAD_", extra="ignore")

    max_bytes: int = 20_000_000
    max_rows: int = 20_000
    # where uploads wait and result workbooks are kept
    folder: Path = Path("var") / "batches"
    # scoring processes per job (default: one per core)
    workers: int | None = None


@lru_cache
def upload_settings() -> UploadSettings:
    return UploadSettings()


# One job scores at a time per server process (it already uses every core); others wait their turn.
JOBS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hnte-batch")
MULTIPART_OVERHEAD = 64_000

router = APIRouter(prefix="/v1", tags=["batches"], route_class=StoredDataRoute, responses=REFUSED_401)
allow_larger_bodies("/v1/batches", upload_settings().max_bytes + MULTIPART_OVERHEAD)
allow_larger_bodies("/pools/upload", upload_settings().max_bytes + MULTIPART_OVERHEAD)


class UploadRefused(Exception):
    def __init__(self, status: int, message: dict[str, str]) -> None:
        super().__init__(message["en"])
        self.status = status
        self.message = message


def too_large(limit: int) -> UploadRefused:
    megabytes = limit / 1_000_000
    return UploadRefused(
        413,
        {
            "zh": f"文件超过 {megabytes:g} MB 的上限：请拆分后分批上传，或使用命令行 hnte batch",
            "en": f"The file exceeds the {megabytes:g} MB limit: split it, or use `hnte batch` on the command line",
        },
    )


def accept_upload(user: User, upload: UploadFile, pool_name: str | None) -> dict[str, Any]:
    """Check and keep the upload, create its pool and job, and queue the scoring. UploadRefused if unfit."""
    settings = upload_settings()
    filename = Path(upload.filename or "upload").name
    try:
        suffix = input_format(Path(filename))
    except InputRefused as refused:
        raise UploadRefused(422, refused.message) from None
    private_folder(settings.folder)  # 0700: uploads and results are readable by the service's user only
    with tempfile.NamedTemporaryFile(dir=settings.folder, suffix=f".{suffix}", delete=False) as kept:
        copied = 0
        while block := upload.file.read(1 << 20):
            copied += len(block)
            if copied > settings.max_bytes:
                kept.close()
                Path(kept.name).unlink(missing_ok=True)
                raise too_large(settings.max_bytes)
            kept.write(block)
    source = Path(kept.name)
    try:
        # only what needs no inflating or parsing: the header and rows are read by the job (run_job)
        lines = precheck(source)
        if lines is not None and lines > settings.max_rows:
            raise UploadRefused(413, too_many_rows(settings.max_rows).message)
    except InputRefused as refused:
        source.unlink(missing_ok=True)
        raise UploadRefused(422, refused.message) from None
    except UploadRefused:
        source.unlink(missing_ok=True)
        raise
    try:
        job_id = create_job(user)
        pool_id = start_pool(pool_name or Path(filename).stem, user.id, filename)
        update_job(job_id, pool_id=pool_id)
        # named after its job, so that storage.jobs.clean_upload_folder knows whose it is
        source = source.rename(settings.folder / f"{job_id}.upload.{suffix}")
    except BaseException:
        source.unlink(missing_ok=True)
        raise
    result = settings.folder / f"{job_id}.xlsx"
    JOBS.submit(run_job, job_id, source, result, pool_id, settings.max_rows, settings.workers)
    return {"id": job_id, "pool_id": pool_id}


def clean_leftovers() -> None:
    """At start-up: fail the jobs a stopped server left running and delete their uploads and partial results
    (storage.jobs.clean_upload_folder). Never stops the start: a database that is down is logged."""
    try:
        clean_upload_folder(upload_settings().folder)
    except Exception:
        log.exception("could not clean the upload folder %s", upload_settings().folder)


def job_view(job: BatchJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status,
        "done_rows": job.done_rows,
        "expected_rows": job.expected_rows,
        "pool_id": job.pool_id,
        "message": job.message,
        "progress_url": f"/v1/batches/{job.id}",
        "result_url": f"/v1/batches/{job.id}/result" if job.status == "done" else None,
        "pool_url": f"/pools/{job.pool_id}" if job.pool_id else None,
    }


@router.post(
    "/batches",
    status_code=202,
    summary="Score a file of firms (.xlsx / .csv / .jsonl) as a stored pool / 批量评估（上传文件）",
    response_model=BatchJobModel,
    responses={
        400: {"model": Refusal, "description": "A malformed multipart body"},
        **REFUSED_403,
        413: {
            "model": Refusal,
            "description": "The file exceeds HNTE_UPLOAD_MAX_BYTES (20 MB) or HNTE_UPLOAD_MAX_ROWS (20,000 rows)",
        },
        422: {
            "model": Refusal | InvalidProfile,
            "description": "The file cannot be read as a batch (wrong type, corrupt, no header row): `detail` "
            "and a bilingual `message`; or the form lacks `file`: the field errors (`detail`, `errors`)",
        },
    },
)
def post_batch(
    user: CurrentUser,
    file: Annotated[UploadFile, File(description="the filled template (.xlsx/.csv) or JSON Lines of profiles")],
    name: Annotated[str | None, Form(max_length=200, description="the pool's name (default: the file name)")] = None,
) -> Any:
    try:
        accepted = accept_upload(user, file, name)
    except UploadRefused as refused:
        return JSONResponse({"detail": refused.message["en"], "message": refused.message}, status_code=refused.status)
    job = get_job(user, accepted["id"])
    assert job is not None
    return JSONResponse(job_view(job), status_code=202)


@router.get(
    "/batches/{job_id}",
    summary="A batch's progress / 批量评估进度",
    response_model=BatchJobModel,
    responses=REFUSED_404,
)
def get_batch(job_id: str, user: CurrentUser) -> Any:
    job = get_job(user, job_id)
    return job_view(job) if job else not_found()


@router.get(
    "/batches/{job_id}/result",
    summary="The result workbook of a finished batch / 下载结果工作簿",
    response_class=FileResponse,
    responses={
        200: {"content": {XLSX_TYPE: {}}, "description": "The result workbook"},
        **REFUSED_404,
        409: {"model": Refusal, "description": "The batch has not finished, or failed: no result"},
    },
)
def get_batch_result(job_id: str, user: CurrentUser, request: Request) -> Any:
    job = get_job(user, job_id)
    if job is None:
        return not_found()
    if job.status != "done" or not job.result_path or not Path(job.result_path).is_file():
        message = {
            "zh": "评分尚未完成（或已失败），暂无结果文件。",
            "en": "The batch has not finished (or failed): no result yet.",
        }
        return JSONResponse({"detail": message["en"], "message": message, "status": job.status}, status_code=409)
    fallback = f"hnte-batch-{job.id[:8]}"
    pool = get_pool(user, job.pool_id) if job.pool_id else None
    # named after the pool, marked as the result (a pool named after its upload must not take the input's name)
    stem = safe_stem(pool.name, fallback) + "（评估结果 results）" if pool is not None else fallback
    headers = {"Content-Disposition": content_disposition(stem, ".xlsx", fallback)}
    return FileResponse(job.result_path, media_type=XLSX_TYPE, headers=headers)
