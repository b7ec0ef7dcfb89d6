"""Bytes written by blocking code in a worker thread, read as they come by an async response.

`stream_from_thread(write)` runs `write(pipe)` in its own thread; whatever it writes into `pipe`
(a file-like object with `write`) is handed to the event loop in chunks of CHUNK_SIZE and
yielded by the async iterator, so a `StreamingResponse` sends the start of a long file while
the rest is being made. The writer waits when DEPTH chunks are waiting to be sent (memory stays
bounded whatever the file's size and the client's speed), and stops with BrokenPipeError when
the client goes away. An error in the writer is raised by the iterator.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

CHUNK_SIZE = 64 * 1024
DEPTH = 8
log = logging.getLogger("tremplin")
_POLL_SECONDS = 0.2  # how often a waiting writer looks whether the reader went away
_END = object()


class Pipe:
    """The writing end, used in the worker thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, chunk_size: int, depth: int) -> None:
        self._loop = loop
        self._chunk_size = chunk_size
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._room = threading.Semaphore(depth)
        self._buffer = bytearray()
        self.reader_gone = threading.Event()

    def write(self, data: bytes) -> int:
        if self.reader_gone.is_set():
            raise BrokenPipeError("the reader went away")
        self._buffer += data
        if len(self._buffer) >= self._chunk_size:
            self._send(bytes(self._buffer))
            self._buffer.clear()
        return len(data)

    def flush(self) -> None:
        """Nothing to do: chunks leave when full, the rest when the writer is done."""

    def _send(self, item: object) -> None:
        while not self._room.acquire(timeout=_POLL_SECONDS):
            if self.reader_gone.is_set():
                raise BrokenPipeError("the reader went away")
        self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    def _finish(self, error: BaseException | None) -> None:
        if error is None and self._buffer:
            self._send(bytes(self._buffer))
        self._send(_END if error is None else error)

    async def _chunks(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._queue.get()
            self._room.release()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item


async def stream_from_thread(
    write: Callable[[Pipe], object], *, chunk_size: int = CHUNK_SIZE, depth: int = DEPTH
) -> AsyncIterator[bytes]:
    """The bytes `write` puts into its pipe, in chunks, while it runs in a worker thread."""
    pipe = Pipe(asyncio.get_running_loop(), chunk_size, depth)

    def run() -> None:
        error: BaseException | None = None
        try:
            write(pipe)
        except BaseException as failure:  # handed to the reader, who raises it
            error = failure
            if pipe.reader_gone.is_set() and not isinstance(failure, BrokenPipeError):
                log.error("streamed drawing failed after its reader left", exc_info=failure)
        # The reader may be gone, or the loop closed (the server stopping): nobody to tell.
        with contextlib.suppress(BrokenPipeError, RuntimeError):
            pipe._finish(error)

    worker = threading.Thread(target=run, name="stream-writer", daemon=True)
    worker.start()
    try:
        async for chunk in pipe._chunks():
            yield chunk
    finally:
        # Done, failed, or the client hung up: a writer still running stops at its next write.
        pipe.reader_gone.set()
