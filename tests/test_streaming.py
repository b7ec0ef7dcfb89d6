"""Bytes written by a worker thread reach an async reader while the writer is still at work, in
bounded memory; the writer's error reaches the reader, and the writer stops when the reader goes."""

from __future__ import annotations

import asyncio
import threading

import pytest

from server.web.streaming import stream_from_thread

CHUNK = 16


async def test_chunks_reach_the_reader_while_the_writer_is_still_writing():
    first_chunk_read = threading.Event()

    def write(pipe) -> None:
        pipe.write(b"a" * CHUNK)
        # Finishing depends on the reader having the first chunk already.
        assert first_chunk_read.wait(timeout=5)
        pipe.write(b"b" * 3)

    chunks = []
    async with asyncio.timeout(10):
        async for chunk in stream_from_thread(write, chunk_size=CHUNK):
            chunks.append(chunk)
            first_chunk_read.set()
    assert chunks == [b"a" * CHUNK, b"bbb"]


async def test_an_error_in_the_writer_is_raised_by_the_reader():
    def write(pipe) -> None:
        pipe.write(b"x" * CHUNK)
        raise ValueError("the drawing failed")

    received = []
    with pytest.raises(ValueError, match="the drawing failed"):
        async for chunk in stream_from_thread(write, chunk_size=CHUNK):
            received.append(chunk)
    assert received == [b"x" * CHUNK]


async def test_a_slow_reader_holds_the_writer_back_and_a_gone_one_stops_it():
    written = []
    stopped = threading.Event()

    def write(pipe) -> None:
        try:
            while True:
                pipe.write(b"z" * CHUNK)
                written.append(CHUNK)
        except BrokenPipeError:
            stopped.set()
            raise

    chunks = stream_from_thread(write, chunk_size=CHUNK, depth=2)
    assert await anext(chunks) == b"z" * CHUNK
    await asyncio.sleep(0.3)
    assert len(written) <= 4  # two chunks waiting, one taken, one blocked: not the whole file
    await chunks.aclose()
    assert await asyncio.to_thread(stopped.wait, 5)
