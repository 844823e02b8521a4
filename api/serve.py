"""Running the service under uvicorn: `hnte serve` and `make run` call `serve()`."""

import os

import uvicorn

from api.settings import get_settings


def serve(host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    """uvicorn on `host:port` (default HNTE_HOST / HNTE_PORT: 127.0.0.1:8000) with `workers` processes."""
    settings = get_settings()
    workers = workers or settings.workers
    if workers > 1:
        # The workers share one listening socket. By default libuv (under uvloop) accepts every pending
        # connection at once, so the first worker to wake takes nearly all of a burst of clients (measured:
        # 31 of 32 keep-alive connections on one worker, p99 doubled). One accept per turn shares them.
        os.environ.setdefault("UV_TCP_SINGLE_ACCEPT", "1")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        server_header=False,
        access_log=settings.access_log,
    )
