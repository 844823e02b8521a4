"""Running the real `hnte` command line in a subprocess, as a user would."""

import subprocess
import sys
import tempfile
from pathlib import Path

ENV = {"COLUMNS": "200", "PATH": "/usr/bin:/bin"}

def hnte(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )


def hnte_peak_mb(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`hnte(*args)` and the peak RSS in MB of that command's process tree alone."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        launcher = (
            "import atexit, resource, runpy, sys\n"
            "def peak():\n"
            "    kb = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
            f"    open({str(report)!r}, 'w').write(str(kb))\n"
            "atexit.register(peak)\n"
            "sys.argv = ['hnte', *sys.argv[1:]]\n"
            "runpy.run_module('cli.main', run_name='__main__')\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", launcher, *args], capture_output=True, text=True, check=False, env=ENV
        )
        return result, int(report.read_text()) / 1024
