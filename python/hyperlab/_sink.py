"""Where the protocol's lines go: the channel a Hyperlab host passes (file descriptor
HYPERLAB_CHANNEL_FD), or a file in the workspace's inbox that `hyperlab sync` and the VS Code
extension ingest. Both batch lines in memory and write them whole, so a reader never sees a
message cut in two except at the very end of an inbox file that is still being written."""
from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from typing import Callable, List, Optional

CHANNEL_FD_ENV = "HYPERLAB_CHANNEL_FD"
DIR_ENV = "HYPERLAB_DIR"
INBOX_SUFFIX = ".jsonl"


class Sink:
    """Buffers protocol lines and writes them in batches (by count, and by a background timer)."""

    def __init__(self, flush_lines: int, flush_interval: float) -> None:
        self._lines: List[str] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._flush_lines = flush_lines
        self._closed = False
        self._wake = threading.Event()
        self._interval = flush_interval
        self._flusher = threading.Thread(target=self._flush_periodically, name="hyperlab-flush", daemon=True)
        self._flusher.start()

    def send(self, line: str) -> None:
        """`line` is one JSON message with its trailing newline."""
        with self._lock:
            self._lines.append(line)
            full = len(self._lines) >= self._flush_lines
        if full:
            self.flush()

    def flush(self) -> None:
        with self._write_lock:
            with self._lock:
                if not self._lines:
                    return
                batch, self._lines = self._lines, []
            self._write("".join(batch).encode("utf-8"))

    def close(self) -> None:
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._wake.set()
        self._close()

    def _flush_periodically(self) -> None:
        while not self._closed:
            self._wake.wait(self._interval)
            if self._closed:
                return
            try:
                self.flush()
            except OSError:
                return

    # Implemented by each kind of sink.
    def _write(self, data: bytes) -> None:
        raise NotImplementedError

    def _close(self) -> None:
        pass

    @property
    def description(self) -> str:
        raise NotImplementedError


class ChannelSink(Sink):
    """The duplex pipe a Hyperlab host passes as file descriptor HYPERLAB_CHANNEL_FD. The host
    may write `stop` on it; `on_stop` is then called (from a reader thread) once."""

    def __init__(self, fd: int, on_stop: Callable[[str], None], flush_lines: int = 2000, flush_interval: float = 0.1) -> None:
        self._fd = fd
        self._broken = False
        super().__init__(flush_lines, flush_interval)
        self._reader = threading.Thread(target=self._read_host, args=(on_stop,), name="hyperlab-host", daemon=True)
        self._reader.start()

    def _write(self, data: bytes) -> None:
        if self._broken:
            return
        view = memoryview(data)
        while view:
            try:
                written = os.write(self._fd, view)
            except BrokenPipeError:
                # The host is gone: keep training (the script's own output still matters), drop the lines.
                self._broken = True
                return
            view = view[written:]

    def _read_host(self, on_stop: Callable[[str], None]) -> None:
        pending = b""
        stopped = False
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                return
            if not chunk:
                if not stopped and not self._closed:
                    on_stop("the host closed the channel (its window or command line exited)")
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get("type") == "stop" and not stopped:
                    stopped = True
                    reason = message.get("reason")
                    on_stop(reason if isinstance(reason, str) else "stopped by the host")

    @property
    def description(self) -> str:
        return f"the Hyperlab channel (fd {self._fd})"


class InboxSink(Sink):
    """Appends to `<inbox>/<UTC time to the µs>-<host>-<pid>-<id>.jsonl`; the file is the run."""

    def __init__(self, inbox: str, flush_lines: int = 20000, flush_interval: float = 1.0) -> None:
        os.makedirs(inbox, exist_ok=True)
        # Microseconds in the name: the inbox is ingested in name order, so runs started one
        # after the other (two init() in one second) become runs in that order.
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}"
        host = "".join(c if c.isalnum() or c in "-_" else "_" for c in socket.gethostname())[:40] or "host"
        self.path = os.path.join(inbox, f"{stamp}-{host}-{os.getpid()}-{uuid.uuid4().hex[:8]}{INBOX_SUFFIX}")
        # O_APPEND: each batch is one write() at the end of the file, never interleaved.
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        super().__init__(flush_lines, flush_interval)

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def _close(self) -> None:
        os.close(self._fd)

    @property
    def description(self) -> str:
        return self.path


def find_inbox(start: Optional[str] = None) -> str:
    """The inbox of the workspace: $HYPERLAB_DIR/inbox, else the `.hyperlab/inbox` of the nearest
    folder (from the working directory up) that has a `.hyperlab` folder, else ./.hyperlab/inbox."""
    explicit = os.environ.get(DIR_ENV)
    if explicit:
        return os.path.join(os.path.abspath(explicit), "inbox")
    here = os.path.abspath(start or os.getcwd())
    folder = here
    while True:
        candidate = os.path.join(folder, ".hyperlab")
        if os.path.isdir(candidate):
            return os.path.join(candidate, "inbox")
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(here, ".hyperlab", "inbox")
        folder = parent


def open_sink(on_stop: Callable[[str], None]) -> Sink:
    raw = os.environ.get(CHANNEL_FD_ENV, "")
    if raw:
        try:
            fd = int(raw)
            os.fstat(fd)
        except (ValueError, OSError) as error:
            raise RuntimeError(
                f"{CHANNEL_FD_ENV}={raw!r} is not an open file descriptor ({error}); "
                f"unset {CHANNEL_FD_ENV} to track into the workspace inbox, or start the script with `hyperlab run -- ...`"
            ) from None
        return ChannelSink(fd, on_stop)
    return InboxSink(find_inbox())
