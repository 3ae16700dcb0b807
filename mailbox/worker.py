"""Run a reader in a child process that can be stopped, so no attachment stalls the poller.

A pathological attachment (a reader caught in a loop, a library stuck in C code) cannot be
interrupted inside the process that reads it; a child process can be killed. Children are
started with `spawn`, never `fork`: the scheduler and the web app have threads and open database
connections a forked child would inherit half-way. Starting one costs the readers' imports, so
each child is reused, message after message: the usual cost is one round trip over a pipe. A
child that overruns its time limit or dies is discarded, and the next message gets a fresh one.
What the child logs is sent back with its answer and logged here, in the service's log.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
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


class ReadTimeout(Exception):
    """The reader did not finish within its time limit; its child was killed."""


class ReaderDied(Exception):
    """The child ended while reading (killed, out of memory, or crashed in C code)."""


class _Collect(logging.Handler):
    """Keep the child's log records, made picklable, to send back with the answer."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def _serve(conn: Connection, preload: tuple[str, ...]) -> None:
    """The child's loop: import the readers and say so, then take (function, arguments) and
    answer (ok, result or error, logs)."""
    collect = _Collect()
    root = logging.getLogger()
    root.handlers, root.level = [collect], logging.INFO
    for module in preload:
        importlib.import_module(module)
    conn.send("ready")
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError):
            return  # the parent went away or closed the pipe
        collect.records = []
        try:
            answer: tuple[str, Any] = ("ok", func(*args))
        except Exception as exc:  # reported to the parent, which decides what it means
            answer = ("error", type(exc).__name__)
        conn.send((*answer, collect.records))


class _Child:
    def __init__(self, preload: tuple[str, ...]) -> None:
        parent, child = _SPAWN.Pipe()
        self.process = _SPAWN.Process(
            target=_serve, args=(child, preload), name="message-reader", daemon=True
        )
        self.process.start()
        child.close()
        self.conn = parent
        self.jobs = 0
        try:
            ready = self.conn.poll(START_SECONDS) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.stop()
            raise ReaderDied("the reading process did not start")

    def send(self, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.jobs += 1
        self.conn.send((func, args))

    def answer(self, timeout: float) -> tuple[str, Any, list[logging.LogRecord]]:
        if not self.conn.poll(timeout):
            raise ReadTimeout(f"no answer within {timeout:g} s")
        try:
            status, value, records = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise ReaderDied(f"the reading process ended ({type(exc).__name__})") from exc
        return status, value, records

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

    def run(self, func: Callable[..., Any], *args: Any, timeout: float) -> Any:
        """Return func(*args) computed in a child; raise ReadTimeout or ReaderDied.

        `func` must be importable by name (a module-level function) and its result picklable.
        An exception raised by func comes back as ReaderDied naming its type.
        """
        child = self._take()
        try:
            try:
                child.send(func, args)
            except (BrokenPipeError, EOFError, OSError):
                # The idle child died between messages: not this message's fault, try a new one.
                child.stop()
                child = _Child(self._preload)
                child.send(func, args)
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


def _relog(records: list[logging.LogRecord]) -> None:
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


READERS = Readers(preload=("mailbox.ingest",))
