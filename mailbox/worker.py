"""Run a reader in a child process that can be stopped, so no attachment stalls the poller.

A pathological attachment (a reader caught in a loop, a library stuck in C code) cannot be
interrupted inside the process that reads it; a child process can be killed. Children are
started with `spawn`, never `fork`: the scheduler and the web app have threads and open database
connections a forked child would inherit half-way. Starting one costs the readers' imports, so
each child is reused, message after message: the usual cost is one round trip over a pipe. A
child that overruns its time limit or dies is discarded, and the next message gets a fresh one.
What the child logs is sent back with its answer and logged here, in the service's log.

The child is a sandbox for hostile input: it runs with resource limits (address space, CPU time,
open files, size of a file written), an environment stripped of everything but a short
allow-list (no SECRET_KEY, DATABASE_URL or passwords), and it talks to the parent in plain JSON
over the pipe: the parent never unpickles anything a reader could have shaped.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import math
import multiprocessing
import os
import resource
import shlex
import sys
import tempfile
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

_SPAWN = multiprocessing.get_context("spawn")
# Starting a child (a fresh interpreter importing the readers) is not reading: it has its own,
# generous limit, so a busy machine does not turn a slow start into a quarantined message.
START_SECONDS = 120.0
# A long-lived child is replaced now and then, so memory a huge message left behind is returned.
JOBS_PER_CHILD = 500
# The reader's address space (READER_MEMORY_BYTES), files it may open, and size of a file it
# writes (LibreOffice writes its conversion to a temporary file).
DEFAULT_MEMORY_BYTES = 2 * 1024**3
MAX_OPEN_FILES = 256
MAX_FILE_BYTES = 512 * 1024**2
# The only environment a reader sees: what Python, locales and LibreOffice need; never secrets.
KEPT_ENVIRONMENT = frozenset(
    {"PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "PYTHONPATH"}
)


class ReadTimeout(Exception):
    """The reader did not finish within its time limit; its child was killed."""


class ReaderDied(Exception):
    """The child ended while reading (killed, out of memory, or crashed in C code)."""


class _Collect(logging.Handler):
    """Keep the child's log records as plain dicts, to send back with the answer."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = ""
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
        self.records.append(
            {
                "name": record.name,
                "levelno": record.levelno,
                "levelname": record.levelname,
                "msg": record.getMessage(),
                "exc_text": text or None,
                "pathname": record.pathname,
                "lineno": record.lineno,
                "funcName": record.funcName,
            }
        )


def encode(value: Any) -> Any:
    """Make a value JSON-able: bytes as {"$b": base64}, tuples and sets as lists."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    """Undo encode (lists stay lists)."""
    if isinstance(value, dict):
        if set(value) == {"$b"}:
            return base64.b64decode(value["$b"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _send(conn: Connection, value: Any) -> None:
    conn.send_bytes(json.dumps(encode(value)).encode())


def _receive(conn: Connection) -> Any:
    return decode(json.loads(conn.recv_bytes()))


def function(name: str) -> Callable[..., Any]:
    """Import a module-level function by the name name_of gave it."""
    module, _, qualname = name.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found  # type: ignore[no-any-return]


def name_of(func: Callable[..., Any]) -> str:
    """The importable name of a module-level function, as the child looks it up."""
    return f"{func.__module__}:{func.__qualname__}"


def _scrub_environment() -> None:
    for key in list(os.environ):
        if key not in KEPT_ENVIRONMENT:
            del os.environ[key]


def _limit(kind: int, soft: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(kind, (soft, hard))


def _limit_job(memory_bytes: int, cpu_seconds: float) -> None:
    """Limit the next job: its address space, and CPU time from now (the child is reused)."""
    _limit(resource.RLIMIT_AS, memory_bytes)
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _limit(resource.RLIMIT_CPU, math.ceil(spent + cpu_seconds) + 1)


def _serve(conn: Connection, preload: tuple[str, ...]) -> None:
    """The child's loop: scrub the environment, set the limits, import the readers and say so,
    then take {"func", "args", "memory", "cpu"} and answer {"status", "value", "logs"}."""
    _scrub_environment()
    _limit(resource.RLIMIT_NOFILE, MAX_OPEN_FILES)
    _limit(resource.RLIMIT_FSIZE, MAX_FILE_BYTES)
    collect = _Collect()
    root = logging.getLogger()
    root.handlers, root.level = [collect], logging.INFO
    for module in preload:
        importlib.import_module(module)
    _send(conn, "ready")
    while True:
        try:
            job = _receive(conn)
        except (EOFError, OSError):
            return  # the parent went away or closed the pipe
        collect.records = []
        try:
            _limit_job(int(job["memory"]), float(job["cpu"]))
            answer = {"status": "ok", "value": function(job["func"])(*job["args"])}
        except MemoryError:  # the address-space limit: reported as such
            answer = {"status": "error", "value": "MemoryError"}
        except Exception as exc:  # reported to the parent, which decides what it means
            answer = {"status": "error", "value": type(exc).__name__}
        try:
            _send(conn, {**answer, "logs": collect.records})
        except (TypeError, ValueError) as exc:  # an answer that is not plain data
            _send(conn, {"status": "error", "value": type(exc).__name__, "logs": []})


def _launcher() -> str:
    """A tiny script that starts this interpreter with only the kept environment.

    Deleting secrets from os.environ in the child is not enough: the environment the process
    started with stays readable in /proc/self/environ. So the child is exec'd with `env -i`.
    """
    global _LAUNCHER
    if _LAUNCHER is None or not os.path.exists(_LAUNCHER):
        kept = " ".join(f'${{{name}+"{name}=${name}"}}' for name in sorted(KEPT_ENVIRONMENT))
        folder = tempfile.mkdtemp(prefix="reader-")
        path = os.path.join(folder, "python")
        with open(path, "w") as script:
            script.write(
                f'#!/bin/sh\nexec /usr/bin/env -i {kept} {shlex.quote(sys.executable)} "$@"\n'
            )
        os.chmod(path, 0o700)
        _LAUNCHER = path
    return _LAUNCHER


_LAUNCHER: str | None = None


class _Child:
    def __init__(self, preload: tuple[str, ...]) -> None:
        _SPAWN.set_executable(_launcher())
        parent, child = _SPAWN.Pipe()
        self.process = _SPAWN.Process(
            target=_serve, args=(child, preload), name="message-reader", daemon=True
        )
        self.process.start()
        child.close()
        self.conn = parent
        self.jobs = 0
        try:
            ready = self.conn.poll(START_SECONDS) and _receive(self.conn) == "ready"
        except (EOFError, OSError, ValueError):
            ready = False
        if not ready:
            self.stop()
            raise ReaderDied("the reading process did not start")

    def send(self, job: dict[str, Any]) -> None:
        self.jobs += 1
        _send(self.conn, job)

    def answer(self, timeout: float) -> tuple[str, Any, list[dict[str, Any]]]:
        if not self.conn.poll(timeout):
            raise ReadTimeout(f"no answer within {timeout:g} s")
        try:
            answer = _receive(self.conn)
            return str(answer["status"]), answer["value"], list(answer["logs"])
        except (EOFError, OSError) as exc:
            raise ReaderDied(f"the reading process ended ({type(exc).__name__})") from exc
        except (ValueError, KeyError, TypeError) as exc:  # not the JSON we expect
            why = f"the reading process answered nonsense ({type(exc).__name__})"
            raise ReaderDied(why) from exc

    @property
    def usable(self) -> bool:
        return self.process.is_alive() and self.jobs < JOBS_PER_CHILD

    def stop(self) -> None:
        if self.conn.closed:
            return  # stopped already
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.process.close()


class Readers:
    """Idle child processes, each taken by one caller at a time (threads may share the pool)."""

    def __init__(self, preload: tuple[str, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Child] = []
        self._preload = preload  # modules each child imports before its clock starts

    def run(
        self,
        func: Callable[..., Any],
        *args: Any,
        timeout: float,
        memory_bytes: int = DEFAULT_MEMORY_BYTES,
    ) -> Any:
        """Return func(*args) computed in a child; raise ReadTimeout or ReaderDied.

        `func` must be importable by name (a module-level function); its arguments and result
        travel as JSON (bytes as base64, tuples as lists). An exception raised by func, or a
        limit it broke, comes back as ReaderDied naming its type.
        """
        job = {
            "func": name_of(func),
            "args": list(args),
            "memory": memory_bytes,
            "cpu": max(timeout, 1.0),
        }
        child = self._take()
        try:
            try:
                child.send(job)
            except (BrokenPipeError, EOFError, OSError):
                # The idle child died between messages: not this message's fault, try a new one.
                child.stop()
                child = _Child(self._preload)
                child.send(job)
            status, value, records = child.answer(timeout)
        except BaseException:
            child.stop()
            raise
        self._give(child)
        _relog(records)
        if status != "ok":
            raise ReaderDied(f"the reader failed ({value})")
        return value

    def _take(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.usable:
                    return child
                child.stop()
        return _Child(self._preload)

    def _give(self, child: _Child) -> None:
        if not child.usable:
            child.stop()
            return
        with self._lock:
            self._idle.append(child)

    def close(self) -> None:
        """Stop every idle child (at exit they are stopped anyway: they are daemons)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.stop()


def _relog(records: list[dict[str, Any]]) -> None:
    for fields in records:
        record = logging.makeLogRecord(fields)
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


READERS = Readers(preload=("mailbox.ingest",))
