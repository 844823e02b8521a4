"""Item 5: Ctrl-C and SIGTERM during a batch — on the command line and in the server — leave no output that
looks complete (nor an empty one) and no scoring process running."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.live_server import ROOT, free_port
from tests.hostile.files import firms

HNTE = str(Path(sys.executable).with_name("hnte"))


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def scoring_processes(pid: int) -> list[int]:
    return [child for child in children(pid) if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def wait_for(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "firms.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in firms(12000)), encoding="utf-8")
    return path


@pytest.mark.parametrize(("how", "suffix", "code"), [("ctrl-c", "csv", 130), ("sigterm", "xlsx", 143)])
def test_an_interrupted_cli_batch_leaves_nothing_behind(tmp_path: Path, big_file: Path, how, suffix, code) -> None:
    output = tmp_path / f"result.{suffix}"
    command = [HNTE, "batch", str(big_file), "-o", str(output), "-w", "2", "-q"]
    batch = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(scoring_processes(batch.pid)) == 2 and any(tmp_path.iterdir()))
        workers = scoring_processes(batch.pid)
        time.sleep(1.0)  # scoring under way
        if how == "ctrl-c":
            os.killpg(batch.pid, signal.SIGINT)  # what a terminal sends: the whole process group
        else:
            batch.send_signal(signal.SIGTERM)  # the parent alone
        assert batch.wait(timeout=30) == code, batch.stderr.read() if batch.stderr else ""
    finally:
        if batch.poll() is None:
            batch.kill()
    stderr = batch.stderr.read() if batch.stderr else ""
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []  # neither the result nor its temporary file
    wait_for(lambda: not any(running(worker) for worker in workers), 10)


def test_sigterm_stops_the_server_with_its_batch_job(tmp_path: Path, big_file: Path) -> None:
    env = {
        **os.environ,
        "HNTE_DATABASE_URL": f"sqlite:///{tmp_path / 'hnte.db'}",
        "HNTE_UPLOAD_FOLDER": str(tmp_path / "batches"),
        "HNTE_UPLOAD_WORKERS": "2",
    }
    add = [HNTE, "users", "add", "uploader", "--role", "intermediary"]
    token = subprocess.run(add, env=env, capture_output=True, text=True, check=True).stdout.strip()
    port = free_port()
    command = [HNTE, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{base}/healthz"), 60)
        auth = {"Authorization": f"Bearer {token}"}
        with big_file.open("rb") as handle:
            job = httpx.post(f"{base}/v1/batches", headers=auth, files={"file": ("firms.jsonl", handle)}).json()
        wait_for(lambda: len(scoring_processes(server.pid)) == 2)
        workers = scoring_processes(server.pid)
        progress = httpx.get(f"{base}{job['progress_url']}", headers=auth).json()
        assert progress["status"] == "running"
        assert _answers(f"{base}/healthz")  # responsive while it scores
        server.send_signal(signal.SIGTERM)
        stopping = time.monotonic()
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it stopped
        assert time.monotonic() - stopping < 20
    finally:
        if server.poll() is None:
            server.kill()
    wait_for(lambda: not any(running(worker) for worker in workers), 10)
    assert list((tmp_path / "batches").iterdir()) == []  # no upload left, no partial workbook


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
