"""Limits on what a batch input may hold, from the environment (README, "Security and limits").

They bound the memory and time one hostile file can take: a zip bomb inflating to gigabytes, one row of
hundreds of megabytes. The number of rows is limited only over HTTP (HNTE_UPLOAD_MAX_ROWS).
"""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1 << 20


class BatchLimits(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HNTE_", extra="ignore")

    # a worksheet's XML, inflated (streamed in chunks; the template takes about 2 kB a row)
    xlsx_max_sheet_bytes: int = 512 * MIB
    # any other part of an .xlsx, inflated (shared strings, styles …: openpyxl loads them whole)
    xlsx_max_part_bytes: int = 64 * MIB
    # one row: a line of .csv or .jsonl, a row of a worksheet's XML
    batch_max_row_bytes: int = 1 * MIB


@lru_cache
def batch_limits() -> BatchLimits:
    return BatchLimits()


def size_text(size: int) -> str:
    return f"{size / MIB:g} MiB"
