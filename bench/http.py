"""`make bench` section: POST /v1/assessments over HTTP on loopback, 32 concurrent clients, against uvicorn.

Starts `hnte serve` on a free port (HNTE_BENCH_WORKERS worker processes, default 2), posts profiles from
the seeded synthetic pool on 32 keep-alive connections for a bounded time, and reports requests/s, p50
and p99 latency and the error count. The client is a small asyncio HTTP/1.1 client: a full-featured one
(httpx) spends more CPU per request than the server does, and on a 2-core machine that would measure
the client.

    python -m bench http            # or: make bench
    HNTE_BENCH_SECONDS=20 HNTE_BENCH_WORKERS=1 python -m bench http
"""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fixtures.generator import ladder_pool

CLIENTS = int(os.environ.get("HNTE_BENCH_CLIENTS", "32"))
SECONDS = float(os.environ.get("HNTE_BENCH_SECONDS", "10"))
WARMUP_SECONDS = 2.0
WORKERS = int(os.environ.get("HNTE_BENCH_WORKERS", "2"))
# Every request a profile not posted before (with the ladder's sections, dates over 2023–2026): a few
# thousand profiles posted over and over would find every firm's runs and entries in the engine's caches.
PROFILES = int(os.environ.get("HNTE_BENCH_PROFILES", "100000"))
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """`hnte serve`, returned once every worker has started (each logs "Application startup complete").

    Waiting for the first /healthz is not enough: the workers share one listening socket, and a burst of
    clients that arrives while one worker is still compiling its rulesets all lands on the other.
    """
    hnte = Path(sys.executable).with_name("hnte")
    command = [str(hnte), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    # The access log is off: a line per request is a few % of throughput and not what is measured here.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HNTE_ACCESS_LOG": "false"}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.seek(0)
        if log.read().count(b"Application startup complete") >= workers:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        if server.poll() is not None:
            break
        time.sleep(0.2)
    server.kill()
    log.seek(0)
    raise RuntimeError("the server did not start within 60 s:\n" + log.read().decode(errors="replace")[-2000:])


def requests_for(port: int) -> list[bytes]:
    out = []
    for profile in ladder_pool(PROFILES, seed=7):
        body = json.dumps(profile, ensure_ascii=False).encode()
        head = (
            f"POST /v1/assessments HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        out.append(head + body)
    return out


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    measuring: bool = False
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    sent: int = 0  # requests sent, warm-up included


async def read_response(reader: asyncio.StreamReader) -> int:
    """The status of one HTTP/1.1 response; its body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def client(index: int, port: int, requests: list[bytes], tally: Tally, stop_at: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    position = index
    try:
        while time.monotonic() < stop_at:
            request = requests[position % len(requests)]
            position += CLIENTS
            tally.sent += 1
            started = time.perf_counter()
            try:
                writer.write(request)
                status = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                if tally.measuring:
                    tally.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            elapsed = time.perf_counter() - started
            if tally.measuring:
                if status == 200:
                    tally.latencies.append(elapsed)
                else:
                    tally.errors += 1
    finally:
        writer.close()


async def load(port: int, requests: list[bytes], server_pid: int | None = None) -> tuple[Tally, float]:
    """Warm-up (the workers compile their rulesets), then the measured period."""
    tally = Tally()
    start = time.monotonic()
    stop_at = start + WARMUP_SECONDS + SECONDS
    tasks = [asyncio.create_task(client(i, port, requests, tally, stop_at)) for i in range(CLIENTS)]
    await asyncio.sleep(WARMUP_SECONDS)
    tally.measuring = True
    measured_from = time.monotonic()
    if server_pid:
        tally.server_cpu, tally.client_cpu = -process_tree_cpu(server_pid), -time.process_time()
    await asyncio.gather(*tasks)
    tally.measuring = False
    if server_pid:
        tally.server_cpu += process_tree_cpu(server_pid)
        tally.client_cpu += time.process_time()
    return tally, time.monotonic() - measured_from


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its children (Linux /proc), else 0."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == root or parent == root:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    port = free_port()
    requests = requests_for(port)
    with tempfile.TemporaryFile() as log:
        server = start_server(port, WORKERS, log)
        try:
            tally, seconds = asyncio.run(load(port, requests, server.pid))
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    done = len(tally.latencies)
    print(
        f"http: POST /v1/assessments, {CLIENTS} concurrent clients, uvicorn with {WORKERS} worker(s), {seconds:.1f} s"
    )
    if not done:
        print(f"  no successful request; errors: {tally.errors}")
        return
    p50, p99 = (percentile(tally.latencies, q) * 1000 for q in (0.5, 0.99))
    mean = statistics.fmean(tally.latencies) * 1000
    print(
        f"  {done / seconds:,.0f} assessments/s · p50 {p50:.1f} ms · p99 {p99:.1f} ms · mean {mean:.1f} ms · "
        f"{done:,} requests · errors {tally.errors}"
    )
    # CPU per request does not depend on what else the machine runs; throughput and latency do.
    served = done + tally.errors
    if tally.server_cpu:
        print(
            f"  server CPU {tally.server_cpu / served * 1000:.2f} ms/request, "
            f"client CPU {tally.client_cpu / served * 1000:.2f} ms/request; "
            f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    repeated = "every profile posted once" if tally.sent <= len(requests) else "some profiles posted twice or more"
    print(f"  {tally.sent:,} requests sent (warm-up included) from a pool of {len(requests):,}: {repeated}")


if __name__ == "__main__":
    main()
