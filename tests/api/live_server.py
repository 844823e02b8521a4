"""A real uvicorn server (`hnte serve`) on a free loopback port, for tests that need HTTP for real."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(workers: int = 1, env: dict[str, str] | None = None) -> Iterator[str]:
    """Starts `hnte serve` and yields its base URL; stops it (this process only) on exit."""
    port = free_port()
    hnte = Path(sys.executable).with_name("hnte")
    command = [str(hnte), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def output() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")

    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"hnte serve exited with {server.returncode}:\n{output()[-3000:]}")
            # Every worker started (so that parallel clients reach all of them), and the service answers.
            started = output().count("Application startup complete") >= workers
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200 and started:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"hnte serve did not start within 60 s:\n{output()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()
