"""The enrichment pool (workers/enrichpool.py): the same answers as enrichment in the event loop, in
order; a process that dies costs only the message that kills it; no process outlives the worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from workers.enrichpool import DIED, Enricher
from workers.pipeline import Outcome, Routed, route_batch
from workers.validate import Rejection

NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)
MAX_BODY = 1 << 20
POISON = b"poison: the process dies on this one"


def _article(n: int, body: str) -> bytes:
    return orjson.dumps({"id": f"pool-{n}", "published_at": "2026-03-04T09:00:00Z", "body": body})


MESSAGES: list[bytes | None] = [
    _article(1, "Vladimir Putin and Recep Tayyip Erdogan spoke by phone on Tuesday about Syria and trade."),
    b"{not json",
    _article(2, "Emmanuel Macron held a video call with Olaf Scholz on Monday about energy prices."),
    None,
    _article(3, "Floods closed roads across the region; no leaders called anyone about it."),
    *[_article(10 + n, f"Report {n}: Erdogan phoned Putin yesterday to discuss the grain corridor.") for n in range(9)],
]


def _dies_on_poison(values: list[bytes | None], now: datetime, max_body_bytes: int) -> list[Outcome]:
    """A work function whose process dies (as on a crash in native code) when it meets POISON."""
    if POISON in values:
        os._exit(3)
    return route_batch(values, now, max_body_bytes)


def _comparable(outcomes: list[Outcome]) -> list[tuple[str, bytes | str, bytes | str]]:
    out = []
    for o in outcomes:
        r = o.result
        out.append(("routed", r.key, r.value) if isinstance(r, Routed) else ("rejected", r.reason, r.detail))
    return out


def _run(enricher: Enricher, values: list[bytes | None]) -> list[Outcome]:
    return asyncio.run(enricher.run(values, NOW))


def test_processes_give_the_answers_of_the_event_loop_in_order():
    inline = Enricher(0, MAX_BODY)
    inline.start()
    expected = _run(inline, MESSAGES)
    kinds = [k for k, _, _ in _comparable(expected)]
    assert kinds.count("rejected") == 2 and kinds[1] == kinds[3] == "rejected"
    assert all(o.seconds > 0 for o in expected if isinstance(o.result, Routed))
    pool = Enricher(2, MAX_BODY)
    pool.start()
    try:
        got = _run(pool, MESSAGES)
    finally:
        pool.close()
    assert _comparable(got) == _comparable(expected)
    assert set(got[0].stages) >= {"entities", "topics", "calls"}


def test_a_message_that_kills_its_process_is_dead_lettered_and_the_rest_go_on():
    enricher = Enricher(1, MAX_BODY, work=_dies_on_poison)
    enricher.start()
    try:
        batch = [MESSAGES[0], POISON, MESSAGES[2]]
        got = _run(enricher, batch)
        after = _run(enricher, [MESSAGES[4]])  # the restarted pool takes the next batch
    finally:
        enricher.close()
    assert [type(o.result) for o in got] == [Routed, Rejection, Routed]
    assert got[1].result == Rejection("processing_error", DIED)
    assert _comparable([got[0], got[2]]) == _comparable(route_batch([MESSAGES[0], MESSAGES[2]], NOW, MAX_BODY))
    assert isinstance(after[0].result, Routed)


def test_a_death_in_a_later_chunk_keeps_the_chunks_already_sent():
    enricher = Enricher(1, MAX_BODY, work=_dies_on_poison)
    enricher.start()
    batch = [*MESSAGES[:9], POISON, MESSAGES[0]]  # chunks of 8: the second one holds the poison
    try:

        async def collect() -> list[list[Outcome]]:
            return [chunk async for chunk in enricher.stream(batch, NOW)]

        chunks = asyncio.run(collect())
    finally:
        enricher.close()
    assert [len(c) for c in chunks] == [8, 3]  # the first chunk as it came, then the rest one by one
    outcomes = [o for c in chunks for o in c]
    assert outcomes[9].result == Rejection("processing_error", DIED)
    expected = route_batch([*MESSAGES[:9], MESSAGES[0]], NOW, MAX_BODY)
    assert _comparable(outcomes[:9] + outcomes[10:]) == _comparable(expected)


def test_negative_process_count_is_refused():
    with pytest.raises(ValueError, match="enrich processes"):
        Enricher(-1, MAX_BODY)


HOLDER = """
import sys, time
from workers.enrichpool import Enricher
e = Enricher(2, 1 << 20)
e.start()
print(" ".join(str(p) for p in e._pool._processes), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; it only waits for its parent (init) to reap it


def test_no_enrichment_process_outlives_a_killed_worker():
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1]
    )
    try:
        line = holder.stdout.readline()
        children = [int(p) for p in line.split()]
        assert len(children) == 2 and all(_alive(p) for p in children)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in children if _alive(p)], "enrichment processes outlived the worker"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
