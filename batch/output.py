"""Where a batch writes its result: refused when it is the input itself or cannot be written, and written
to a temporary file in the target folder that is renamed onto the target only when the batch succeeds —
an interrupted or failed run leaves no partial file that looks complete, and no empty one."""

import errno
import os
import secrets
from contextlib import suppress
from pathlib import Path

from batch.outcome import InputRefused


class OutputRefused(InputRefused):
    """The result cannot be written where asked (the same file as the input, no such folder, a full disk)."""


def check_target(source: Path, target: Path) -> None:
    """Before reading anything: the target is not the input (nor a link to it) and is not a folder."""
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise OutputRefused(
            f"输出文件「{target.name}」就是输入文件：请另选输出文件名，以免覆盖原始名单",
            f"The output “{target.name}” is the input file itself: choose another name, or the list is overwritten",
        )
    if target.is_dir():
        raise OutputRefused(f"「{target}」是文件夹，不是文件", f"“{target}” is a folder, not a file")


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def write_failed(error: OSError, target: Path) -> OutputRefused:
    """An OSError while writing the result, in words."""
    if error.errno in DISK_FULL:
        return OutputRefused(
            f"磁盘空间已满，无法写入「{target.name}」：请腾出空间后重试（未留下不完整的结果文件）",
            f"The disk is full: cannot write “{target.name}”; free some space and try again (no partial result "
            "was left behind)",
        )
    if isinstance(error, FileNotFoundError):
        return OutputRefused(
            f"输出文件夹「{target.parent}」不存在：请先创建它", f"The output folder “{target.parent}” does not exist"
        )
    if isinstance(error, PermissionError):
        return OutputRefused(
            f"无权写入「{target}」：请换一个文件夹", f"No permission to write “{target}”: choose another folder"
        )
    reason = error.strerror or str(error)
    return OutputRefused(f"无法写入「{target.name}」：{reason}", f"Cannot write “{target.name}”: {reason}")


class StagedOutput:
    """A temporary file beside the target (same folder, so the final rename is atomic), created at once:
    creating it is the check that the target can be written, before any row is scored."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.partial{target.suffix}")
        try:
            self.temp.open("xb").close()
        except OSError as error:
            raise write_failed(error, target) from None

    def commit(self) -> None:
        try:
            os.replace(self.temp, self.target)
        except OSError as error:
            self.discard()
            raise write_failed(error, self.target) from None

    def discard(self) -> None:
        with suppress(OSError):
            self.temp.unlink()
