"""Item 6: the output is never the input (by name, link or path), is checked before any row is scored, and a
missing folder or a full disk is a clear error in both languages — with no partial file left behind."""

import errno
import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from batch import run_batch
from batch.output import OutputRefused, write_failed
from tests.commands import hnte
from tests.hostile.files import firms


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    path = tmp_path / "firms.jsonl"
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in firms(30)), encoding="utf-8")
    return path


def test_the_input_is_never_the_output(tmp_path: Path, source: Path) -> None:
    original = source.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(source)
    hard = tmp_path / "hard.jsonl"
    os.link(source, hard)
    for output in (source, link, hard, tmp_path / "sub" / ".." / "firms.jsonl"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        result = hnte("batch", str(source), "-o", str(output), "-q")
        assert result.returncode == 2, result.stderr
        assert "就是输入文件" in result.stderr and "is the input file itself" in result.stderr
    assert source.read_bytes() == original


def test_a_missing_folder_is_refused_before_scoring(tmp_path: Path, source: Path) -> None:
    result = hnte("batch", str(source), "-o", str(tmp_path / "no-such-folder" / "out.xlsx"), "-q")
    assert result.returncode == 2
    assert "不存在" in result.stderr and "does not exist" in result.stderr
    assert "firms assessed" not in result.stderr  # nothing was scored


def test_a_full_disk_is_a_clear_error(tmp_path: Path, source: Path) -> None:
    message = write_failed(OSError(errno.ENOSPC, "No space left on device"), tmp_path / "out.xlsx").message
    assert "磁盘空间已满" in message["zh"] and "The disk is full" in message["en"]
    disk = tmp_path / "disk"
    disk.mkdir()
    # a real full disk: a 256 kB tmpfs, where the machine lets us mount one (root in CI)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)]).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        with pytest.raises(OutputRefused) as refused:
            run_batch(source, disk / "out.jsonl", workers=0)
        assert "The disk is full" in refused.value.message["en"]
        assert list(disk.iterdir()) == []  # the partial file is gone
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_an_unwritable_folder_is_refused(tmp_path: Path, source: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    locked = tmp_path / f"locked-{uuid.uuid4().hex[:6]}"
    locked.mkdir(mode=0o500)
    result = hnte("batch", str(source), "-o", str(locked / "out.xlsx"), "-q")
    assert result.returncode == 2 and "No permission" in result.stderr
