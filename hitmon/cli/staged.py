"""Write an output file all at once or not at all: a hidden temporary file beside the target, renamed
over it only when the caller says so (after the issue is recorded), removed on any failure."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pipeline.errors import InputError


class StagedFile:
    def __init__(self, target: Path, temp: Path) -> None:
        self.target, self.temp = target, temp
        self.published = False

    def publish(self) -> None:
        """Put the written file in place (an atomic rename within one folder)."""
        os.replace(self.temp, self.target)
        self.published = True


@contextmanager
def staged_file(target: Path, data: bytes, option: str = "--out") -> Iterator[StagedFile]:
    """``data`` written and synced beside ``target``; an unwritable target is an InputError naming
    ``option``. Leaving the block by an error removes the file, published or not."""
    staged = StagedFile(target, _write_temp(target, data, option))
    try:
        yield staged
    except BaseException:
        with suppress(OSError):
            (staged.target if staged.published else staged.temp).unlink()
        raise
    finally:
        if not staged.published:
            with suppress(OSError):
                staged.temp.unlink()


def _write_temp(target: Path, data: bytes, option: str) -> Path:
    where = f"{option} {target}"
    if target.is_dir():
        raise InputError(where, "is a folder: name the file to write")
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise InputError(where, f"{blocking} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(where, f"cannot write there: {exc.strerror}") from None
    try:
        os.fchmod(handle, 0o666 & ~_umask())  # mkstemp makes 0600; the bulletin is an ordinary file
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
