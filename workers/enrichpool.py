"""Enrichment on more than one core: the enrich agent hands each batch of raw messages to a pool of
processes, and the Faust event loop meanwhile runs the Kafka clients and the dedup agent.

Enrichment is pure Python and most of a worker's CPU; one event loop runs on one core. The pool's
processes are forked from a fork server that has built the knowledge base once (workers/warm.py), so
each starts warm and shares those pages, and none is forked from the threaded Faust process. With
`enrich_processes = 0` the batch is enriched in the event loop itself, as before.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import aclosing
from datetime import UTC, datetime

from workers import metrics
from workers.pipeline import WARM_UP_SAMPLE, Outcome, route_batch, warm_up
from workers.validate import Rejection

log = logging.getLogger("wirestream")

Work = Callable[[list[bytes | None], datetime, int], list[Outcome]]
DIED = "an enrichment process died on this message"
CHUNK = 8  # messages per hand-over to a process: results come back this many at a time


def _watch_parent(parent: int) -> None:
    """Exit when the worker process is gone, however it went (SIGKILL included): a pool process
    blocks on its task queue forever otherwise, an orphan holding a core's worth of memory."""
    try:
        fd = os.pidfd_open(parent)
    except (AttributeError, OSError):  # no pidfd (old kernel): look once a second
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            time.sleep(1.0)
    select.select([fd], [], [])  # readable once the process has exited
    os._exit(0)


def _child_init(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the worker stops its pool itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


class Enricher:
    """Runs `work` (the enrich step of a batch) in `processes` processes, or inline when 0."""

    def __init__(self, processes: int, max_body_bytes: int, work: Work = route_batch) -> None:
        if processes < 0:
            raise ValueError(f"enrich processes must be >= 0, not {processes}")
        self.processes = processes
        self.max_body_bytes = max_body_bytes
        self._work = work
        self._pool: ProcessPoolExecutor | None = None
        self._lock = asyncio.Lock()

    def start(self) -> None:
        """Build the knowledge base, start the processes and wait until each has answered: a worker
        that says it is ready can then answer at once."""
        if not self.processes:
            warm_up()
            return
        self._pool = self._new_pool()
        # one task per process, all at once: the pool starts a process for each
        now = datetime.now(UTC)
        sample = [WARM_UP_SAMPLE]
        for future in [self._pool.submit(self._work, sample, now, self.max_body_bytes) for _ in range(self.processes)]:
            future.result()
        metrics.ENRICH_PROCESSES.set(self.processes)

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["workers.warm"])
        return ProcessPoolExecutor(self.processes, mp_context=context, initializer=_child_init, initargs=(os.getpid(),))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _restart(self) -> None:
        metrics.ENRICH_RESTARTS.inc()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    async def run(self, values: list[bytes | None], now: datetime) -> list[Outcome]:
        """The outcome of each message, in order."""
        async with aclosing(self.stream(values, now)) as chunks:
            return [outcome async for chunk in chunks for outcome in chunk]

    async def stream(self, values: list[bytes | None], now: datetime) -> AsyncIterator[list[Outcome]]:
        """The outcomes in order, a chunk of CHUNK messages at a time as the processes finish them:
        the first are sent on while the rest are enriched (a whole batch's wait was most of the
        latency at a steady 200 articles/s). Close it (contextlib.aclosing) when leaving early."""
        if self._pool is None:
            yield self._work(values, now, self.max_body_bytes)
            return
        # one batch in the pool at a time (its chunks run in parallel): a process that dies is then
        # known to have died on this batch, and a restart never pulls the pool from under another
        async with self._lock:
            loop = asyncio.get_running_loop()
            pool = self._pool
            futures = [
                loop.run_in_executor(pool, self._work, values[i : i + CHUNK], now, self.max_body_bytes)
                for i in range(0, len(values), CHUNK)
            ]
            done = 0
            try:
                for future in futures:
                    outcomes = await future
                    done += len(outcomes)
                    yield outcomes
            except BrokenProcessPool:
                yield await self._one_by_one(values[done:], now)

    async def _one_by_one(self, values: list[bytes | None], now: datetime) -> list[Outcome]:
        """A process died (killed, out of memory, or a crash in native code on some input): restart
        the pool and enrich the batch again one message at a time, so that only a message that kills
        its process again is dead-lettered, and the stream goes on."""
        log.error("an enrichment process died; restarting the pool and retrying the batch one by one")
        self._restart()
        loop = asyncio.get_running_loop()
        out: list[Outcome] = []
        for value in values:
            try:
                out += await loop.run_in_executor(self._pool, self._work, [value], now, self.max_body_bytes)
            except BrokenProcessPool:
                log.error("an enrichment process died again on one message: dead-lettered")
                self._restart()
                out.append(Outcome(Rejection("processing_error", DIED), 0.0, {}))
        return out
