"""Item 4: zip bombs. Each part of an .xlsx is capped by its inflated size and each row by its size, with the
defaults (README, "Security and limits"): the command line and an upload answer with a clear error, quickly
and in bounded memory; the upload request itself never inflates anything."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.batches import upload_settings
from storage.database import dispose_engines
from storage.users import add_user
from tests.commands import hnte_peak_mb
from tests.hostile.files import SHEET_END, bomb_xlsx

MIB = 1 << 20


def gibibyte_of_whitespace(path: Path) -> Path:
    return bomb_xlsx(path, [(b" " * MIB, 1024), (SHEET_END, 1)])


def huge_shared_strings(path: Path) -> Path:
    strings = [(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>', 1)]
    strings += [(b"a" * MIB, 512), (b"</t></si></sst>", 1)]
    return bomb_xlsx(path, [(SHEET_END, 1)], strings)


def one_huge_string(path: Path) -> Path:
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    return bomb_xlsx(path, [(row, 1), (b"a" * MIB, 256), (b"</t></is></c></row>" + SHEET_END, 1)])


def whitespace_between_rows(path: Path) -> Path:
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    return bomb_xlsx(path, [(row, 1), (b" " * MIB, 300), (SHEET_END, 1)])


BOMBS = {
    "a sheet of 1 GiB": (gibibyte_of_whitespace, "HNTE_XLSX_MAX_SHEET_BYTES"),
    "shared strings of 512 MiB": (huge_shared_strings, "HNTE_XLSX_MAX_PART_BYTES"),
    "one string of 256 MiB": (one_huge_string, "HNTE_BATCH_MAX_ROW_BYTES"),
    "300 MiB of whitespace between rows": (whitespace_between_rows, "HNTE_BATCH_MAX_ROW_BYTES"),
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_the_cli_refuses_a_zip_bomb_quickly_in_bounded_memory(tmp_path: Path, bomb: str) -> None:
    make, setting = BOMBS[bomb]
    source = make(tmp_path / "bomb.xlsx")
    assert source.stat().st_size < 2 * MIB
    started = time.monotonic()
    result, peak_mb = hnte_peak_mb("batch", str(source), "-o", str(tmp_path / "out.xlsx"), "-q", "-w", "1")
    assert time.monotonic() - started < 60  # it used to run for minutes and never end; not a speed goal
    assert result.returncode == 2, result.stderr[-2000:]
    assert setting in result.stderr and "压缩炸弹" in result.stderr and "zip bomb" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [source]  # no output, no partial file
    assert peak_mb < 600, peak_mb  # it used to pass 1 GB


@pytest.fixture()
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict[str, str]]]:
    monkeypatch.setenv("HNTE_DATABASE_URL", f"sqlite:///{tmp_path / 'hnte.db'}")
    monkeypatch.setenv("HNTE_UPLOAD_FOLDER", str(tmp_path / "batches"))
    monkeypatch.setenv("HNTE_UPLOAD_WORKERS", "0")
    upload_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield client, {"Authorization": f"Bearer {add_user('uploader', 'intermediary')}"}
    upload_settings.cache_clear()
    dispose_engines()


def test_an_upload_is_refused_without_inflating_and_a_row_bomb_fails_its_job(tmp_path, server) -> None:
    client, auth = server
    for make in (gibibyte_of_whitespace, huge_shared_strings):
        body = make(tmp_path / "bomb.xlsx").read_bytes()
        started = time.monotonic()
        refused = client.post("/v1/batches", headers=auth, files={"file": ("bomb.xlsx", body)})
        assert time.monotonic() - started < 10
        assert refused.status_code == 422 and "压缩炸弹" in refused.json()["message"]["zh"]
    body = one_huge_string(tmp_path / "row.xlsx").read_bytes()
    accepted = client.post("/v1/batches", headers=auth, files={"file": ("row.xlsx", body)})
    assert accepted.status_code == 202  # the request only stores the file: the job reads it
    assert client.get("/healthz").status_code == 200
    deadline = time.monotonic() + 60
    while (job := client.get(accepted.json()["progress_url"], headers=auth).json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["status"] == "failed" and "HNTE_BATCH_MAX_ROW_BYTES" in job["message"]["en"]
    assert list((tmp_path / "batches").iterdir()) == []  # the upload and any partial result removed
