"""A throwaway PostgreSQL cluster for the storage tests, when HNTE_TEST_POSTGRES_URL names none.

It uses the PostgreSQL binaries found on the machine (``HNTE_PG_BIN``, Debian's /usr/lib/postgresql/*/bin or
``initdb`` on the PATH): a fresh cluster in a temporary folder on a free loopback port, trust authentication,
no fsync, stopped and removed at the end of the session. As root (initdb refuses root) it runs as the
``postgres`` user. `make test` installs the binaries with apt-get when it can (scripts/test-env.sh).
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No cluster can be started here; the message says why."""


def postgres_bin() -> Path | None:
    """The folder of initdb and pg_ctl, or None."""
    chosen = os.environ.get("HNTE_PG_BIN")
    candidates = [chosen] if chosen else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A running cluster's SQLAlchemy URL (a superuser on the maintenance database)."""
    folder = postgres_bin()
    if folder is None:
        raise PostgresUnavailable(
            "no PostgreSQL binaries (initdb, pg_ctl): `apt-get install postgresql`, or set HNTE_TEST_POSTGRES_URL"
        )
    run_as: list[str] = []
    data = Path(tempfile.mkdtemp(prefix="hnte-pg."))
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(data, ignore_errors=True)
            raise PostgresUnavailable("running as root and there is no postgres user to run initdb as") from None
        os.chown(data, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    cluster = data / "data"
    options = f"-h 127.0.0.1 -p {port} -k {data} -F -c fsync=off -c full_page_writes=off"
    try:
        subprocess.run(
            [*run_as, str(folder / "initdb"), "-D", str(cluster), "-A", "trust", "-U", "postgres", "-E", "UTF8",
             "--no-sync"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        subprocess.run(
            [*run_as, str(folder / "pg_ctl"), "-D", str(cluster), "-l", str(data / "log"), "-w", "-t", "120",
             "-o", options, "start"],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        shutil.rmtree(data, ignore_errors=True)
        detail = (getattr(error, "stderr", b"") or b"").decode(errors="replace")[-300:]
        raise PostgresUnavailable(f"could not start PostgreSQL from {folder}: {error} {detail}") from None
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(folder / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "-w", "stop"],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        shutil.rmtree(data, ignore_errors=True)
