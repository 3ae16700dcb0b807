"""Convert the legacy formats professionals still send (.doc, .rtf, .xls, .ods) with LibreOffice.

The converted file is read by the modern reader (docx or xlsx). LibreOffice runs headless as a
child of the reader process (itself time-limited, mailbox/worker.py) with its own time limit,
no network (a new network namespace via `unshare -rn` where the kernel allows it), an empty
environment and a private HOME and profile in a temporary folder. A file it cannot convert in
time, or at all, is quarantined with the reason.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from mailbox.safety import UnreadablePart

CONVERT_SECONDS = 40.0
# The modern format each legacy one is read as.
MODERN = {"doc": "docx", "rtf": "docx", "xls": "xlsx", "ods": "xlsx"}
_NAMES = {"doc": "Word 97-2003 .doc", "rtf": "RTF", "xls": "Excel 97-2003 .xls", "ods": ".ods"}


def soffice() -> str | None:
    """Return the LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_modern(data: bytes, kind: str) -> bytes:
    """Return a legacy document converted to its modern kin (docx or xlsx)."""
    try:
        return convert(data, kind, MODERN[kind])
    except UnreadablePart as exc:
        raise UnreadablePart(f"{_NAMES[kind]} could not be converted: {exc}") from exc


def convert(data: bytes, source: str, target: str, seconds: float | None = None) -> bytes:
    """Convert a document from one file extension's format to another's with LibreOffice."""
    program = soffice()
    if program is None:
        raise UnreadablePart("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="convert-") as folder:
        work = Path(folder)
        (work / f"in.{source}").write_bytes(data)
        _run(_command(program, work, target, f"in.{source}"), work, seconds or CONVERT_SECONDS)
        result = work / "out" / f"in.{target.split(':')[0]}"
        if not result.is_file() or result.stat().st_size == 0:
            raise UnreadablePart("damaged, password-protected or not what its name says")
        return result.read_bytes()


def _command(program: str, work: Path, target: str, name: str) -> list[str]:
    unshare = _unshare()
    sandbox = [unshare, "-rn"] if unshare else []
    return [
        *sandbox,
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(work / "out"),
        str(work / name),
    ]


def _run(command: list[str], work: Path, seconds: float) -> None:
    env = {"HOME": str(work), "TMPDIR": str(work), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    # Our own fixed command line; the attachment is only ever a file named in.<ext>.
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so every helper it starts dies with it
    )
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise UnreadablePart(f"conversion took over {seconds:g} s") from None
    finally:
        _kill_group(process)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # ended, helpers and all
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@functools.cache
def _unshare() -> str | None:
    """Return `unshare` if this kernel lets us drop the network with it (asked once)."""
    program, true = shutil.which("unshare"), shutil.which("true")
    if program is None or true is None:
        return None
    try:
        ok = subprocess.run([program, "-rn", true], capture_output=True, timeout=10)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return None
    return program if ok.returncode == 0 else None
