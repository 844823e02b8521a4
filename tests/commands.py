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
    """`hnte(*args)` and the peak RSS in MB of that command's process tree alone.

    Not `ru_maxrss` of the test process's children, nor the command's own: Linux carries the peak of the
    forking process over into a child's (at fork, and across exec), so a command started from a pytest
    process grown to 700 MB reports 700 MB. The command's own peak is its VmHWM (reset by exec); its
    scoring processes are started from it, small."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        launcher = (
            "import atexit, resource, runpy, sys\n"
            "def peak():\n"
            "    own = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
            "    kb = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            f"    open({str(report)!r}, 'w').write(str(kb))\n"
            "atexit.register(peak)\n"
            "sys.argv = ['hnte', *sys.argv[1:]]\n"
            "runpy.run_module('cli.main', run_name='__main__')\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", launcher, *args], capture_output=True, text=True, check=False, env=ENV
        )
        return result, int(report.read_text()) / 1024
