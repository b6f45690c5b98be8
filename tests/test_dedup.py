"""The dedup state machine, on hand-made coverage (no enrichment involved)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, timedelta

import orjson

from workers.dedup import MAX_EVENTS_PER_BLOCK, Coverage, DecodedBlocks, _cluster, assign, empty_block, event_id_for

PUTIN = {"id": "Q7747", "name": "Vladimir Putin", "country": "RU", "role": "president"}
ERDOGAN = {"id": "Q39723", "name": "Recep Tayyip Erdoğan", "country": "TR", "role": "president"}
BLOCK = "call:Q39723+Q7747"


def cov(
    article_id: str,
    day: str | None,
    confidence: str = "high",
    *,
    source: str = "a.example",
    published: str = "2020-07-14T10:00:00Z",
    content: str | None = None,
    medium: str = "phone",
    topics: tuple[str, ...] = (),
    ahead: bool = False,
) -> Coverage:
    return Coverage(
        article_id=article_id,
        source=source,
        title=f"title {article_id}",
        published_at=published,
        content_hash=content or f"hash-{article_id}",
        signature="",
        block=BLOCK,
        participants=(ERDOGAN, PUTIN) if day else (),
        day=date.fromisoformat(day) if day else None,
        confidence=confidence,
        medium=medium,
        topics=topics,
        ahead=ahead,
    )


def test_same_day_joins_and_other_day_is_another_call():
    block = empty_block()
    d1 = assign(block, cov("a1", "2020-07-13", topics=("conflict-libya",)))
    d2 = assign(block, cov("a2", "2020-07-13", source="b.example", topics=("conflict-syria",)))
    d3 = assign(block, cov("a3", "2020-07-15", source="c.example"))
    assert d1.event_id == d2.event_id == event_id_for(BLOCK, date(2020, 7, 13))
    assert d3.event_id != d1.event_id
    assert [c["version"] for c in d1.changes + d2.changes] == [1, 2]
    latest = d2.changes[-1]
    assert latest["articles"] == ["a1", "a2"] and latest["num_sources"] == 2
    assert latest["topics"] == ["conflict-libya", "conflict-syria"]


def final_events(items: list[Coverage], **kw) -> dict[str, list[str]]:
    """Active events (id -> articles) after feeding the items in this order, from the published changes."""
    block, latest = empty_block(), {}
    for c in items:
        for change in assign(block, c, **kw).changes:
            latest[change["event_id"]] = change
    return {k: v["articles"] for k, v in latest.items() if v["status"] == "active"}


def test_event_ids_do_not_depend_on_arrival_order():
    items = [
        cov("a1", "2020-07-13"),
        cov("a2", "2020-07-15"),
        cov("a3", "2020-07-13", source="x"),
        cov("u1", "2020-07-17", "low"),
        cov("u2", "2020-07-18", "low"),
        cov("u3", "2020-07-15", "low"),
    ]
    forward, backward = empty_block(), empty_block()
    ids_f = {c.article_id: assign(forward, c).event_id for c in items}
    ids_b = {c.article_id: assign(backward, c).event_id for c in reversed(items)}
    # a dated report's event id is fixed on arrival; an undated one may move once a dated one comes
    assert {a: e for a, e in ids_f.items() if a.startswith("a")} == {
        a: e for a, e in ids_b.items() if a.startswith("a")
    }
    assert final_events(items) == final_events(list(reversed(items)))
    # undated reports two and three days after the 15th: the 17th joins it, the 18th waits alone
    assert final_events(items)[event_id_for(BLOCK, date(2020, 7, 15))] == ["a2", "u1", "u3"]


def _in_every_order(items: list[Coverage]) -> dict[str, list[str]]:
    """The final events, which must not depend on the order the reports arrive in."""
    finals = [final_events(list(order)) for order in itertools.permutations(items)]
    assert all(f == finals[0] for f in finals), finals
    return finals[0]


def test_a_day_only_outlets_ahead_of_utc_give_is_the_day_before_elsewhere():
    # a call in the Washington evening of the 13th: Tokyo and Seoul outlets date it the 14th
    items = [
        cov("us", "2020-07-13", source="apnews.com"),
        cov("jp", "2020-07-14", source="nhk.or.jp", ahead=True),
        cov("kr", "2020-07-14", source="yna.co.kr", ahead=True),
        cov("late", "2020-07-15", "low", source="b.example"),  # undated, published two days later
    ]
    assert _in_every_order(items) == {event_id_for(BLOCK, date(2020, 7, 13)): ["jp", "kr", "late", "us"]}


def test_a_day_an_outlet_behind_asia_gives_too_is_another_call():
    # an outlet that is not ahead of UTC dates a call on the 14th as well: two calls on two days
    # (ids in arrival order of the hardest case: a report that names the participants first renames
    # them and so recomputes every event, which would hide a stale one)
    items = [
        cov("a-us", "2020-07-13", source="apnews.com"),
        cov("b-jp", "2020-07-14", source="nhk.or.jp", ahead=True),
        cov("c-fr", "2020-07-14", source="lemonde.fr"),
    ]
    assert _in_every_order(items) == {
        event_id_for(BLOCK, date(2020, 7, 13)): ["a-us"],
        event_id_for(BLOCK, date(2020, 7, 14)): ["b-jp", "c-fr"],
    }
    # nor is the day before taken when only outlets ahead of UTC give it, nor a day two days back
    for items in (
        [cov("jp", "2020-07-14", ahead=True), cov("cn", "2020-07-13", ahead=True)],
        [cov("jp", "2020-07-14", ahead=True), cov("us", "2020-07-12")],
    ):
        assert len(_in_every_order(items)) == 2


def test_undated_article_joins_the_firm_call_of_the_day_before():
    block = empty_block()
    firm = assign(block, cov("a1", "2020-07-13"))
    loose = assign(block, cov("a2", "2020-07-14", "low", source="b.example"))
    assert loose.event_id == firm.event_id


def test_provisional_event_is_merged_when_a_dated_report_arrives():
    block = empty_block()
    loose = assign(block, cov("a1", "2020-07-14", "low"))
    firm = assign(block, cov("a2", "2020-07-13", source="b.example"))
    assert loose.event_id != firm.event_id
    merged = [c for c in firm.changes if c["status"] == "merged"]
    assert merged and merged[0]["event_id"] == loose.event_id and merged[0]["merged_into"] == firm.event_id
    survivor = firm.changes[-1]
    assert survivor["articles"] == ["a1", "a2"] and survivor["status"] == "active"
    # a redelivery of the absorbed article now points at the survivor
    assert assign(block, cov("a1", "2020-07-14", "low")).event_id == firm.event_id


def test_redelivery_changes_nothing():
    block = empty_block()
    first = assign(block, cov("a1", "2020-07-13"))
    again = assign(block, cov("a1", "2020-07-13"))
    assert again.redelivered and again.event_id == first.event_id and again.changes == []


def test_exact_copy_is_flagged_and_still_counts_as_coverage():
    block = empty_block()
    assign(block, cov("a1", "2020-07-13", content="same"))
    copy = assign(block, cov("a2", "2020-07-13", content="same", source="b.example"))
    assert copy.duplicate_of == "a1"
    assert copy.changes[-1]["num_sources"] == 2


def test_outlets_that_disagree_on_the_medium_report_one_call():
    block = empty_block()
    phone = assign(block, cov("a1", "2020-07-13"))
    video = assign(block, cov("a2", "2020-07-13", medium="video"))
    assert phone.event_id == video.event_id
    assert video.changes[-1]["medium"] == "video"


def test_state_is_bounded_by_the_horizon_and_a_count_beyond_it():
    block = empty_block()
    days = [date(2019, 1, 1).fromordinal(date(2019, 1, 1).toordinal() + 7 * i).isoformat() for i in range(50)]
    for i, day in enumerate(days):
        assign(block, cov(f"a{i}", day), horizon_days=14)
    kept = sorted(eid[5:15] for eid in block["events"])
    # the last three weeks are within the horizon; of the older ones, the 32 most recently touched stay
    assert len(kept) == 3 + MAX_EVENTS_PER_BLOCK and kept[-1] == days[-1] and days[0] not in kept
    assert set(block["coverage"]) == set(block["seen"]) == {f"a{i}" for i in range(50 - len(kept), 50)}


def test_a_late_article_meets_its_call_after_newer_calls():
    block = empty_block()
    first = assign(block, cov("a1", "2020-07-13"))
    assign(block, cov("a2", "2021-02-26"))  # the block's clock jumps past the horizon
    late = assign(block, cov("a3", "2020-07-13", source="b.example"))
    assert late.event_id == first.event_id and late.changes[-1]["articles"] == ["a1", "a3"]


def _stream(seed: int, count: int) -> list[Coverage]:
    """Reports of calls over 60 days between two pairs, in a shuffled order, with undated reports,
    exact copies and redeliveries: every path of `assign`, pruning included."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(60))
        published = f"{day + timedelta(days=rng.randrange(2))}T{rng.randrange(24):02d}:00:00Z"
        dated = rng.random() < 0.7
        c = cov(
            f"a{n}",
            day.isoformat() if dated else None,
            rng.choice(["high", "medium", "low"]) if dated else "low",
            source=f"s{rng.randrange(9)}.example",
            published=published,
            content=f"hash-{rng.randrange(count // 2)}",
            topics=tuple(rng.sample(["t1", "t2", "t3"], rng.randrange(3))),
        )
        if not dated:  # undated non-call news meets its copies in a block of its own
            c = replace(c, block="article:" + published[:10])
        items.append(c)
        if rng.random() < 0.1:
            items.append(rng.choice(items))  # a redelivery
    rng.shuffle(items)
    return items


def test_reused_decoded_blocks_give_the_answers_decoding_gives():
    # the dedup agent's path: read the stored block, assign, store it; with and without reuse
    plain: dict[str, bytes] = {}
    reused: dict[str, bytes] = {}
    decoded = DecodedBlocks(capacity=2, min_bytes=0)  # small: blocks are evicted and decoded again
    for step, c in enumerate(_stream(seed=3, count=1500)):
        key = c.block.encode()
        block = orjson.loads(plain[c.block]) if c.block in plain else empty_block()
        expected = assign(block, c, 14)
        plain[c.block] = orjson.dumps(block)

        block = decoded.get(key, reused.get(c.block))
        got = assign(block, c, 14)
        reused[c.block] = orjson.dumps(block)
        decoded.written(key, reused[c.block], block)
        assert got == expected, step
        assert reused[c.block] == plain[c.block], step
    assert 0 < len(decoded) <= 2


def test_a_block_is_decoded_again_when_its_stored_value_is_not_what_was_written():
    decoded = DecodedBlocks(min_bytes=0)
    block = decoded.get(b"k", None)
    assign(block, cov("a1", "2020-07-13"), 14)
    decoded.written(b"k", orjson.dumps(block), block)
    # another worker wrote the block meanwhile (a rebalance): the stored value wins
    other = empty_block()
    assign(other, cov("b1", "2020-07-20"), 14)
    assert set(decoded.get(b"k", orjson.dumps(other))["coverage"]) == {"b1"}
    # a step that failed half-way never calls `written`: its changes are not handed out again
    stored = orjson.dumps(block)
    decoded.written(b"k", stored, block)
    half_done = decoded.get(b"k", stored)
    assert half_done is block  # handed out again, not decoded
    half_done["coverage"]["broken"] = []
    assert "broken" not in decoded.get(b"k", stored)["coverage"]


def test_published_events_follow_the_coverage_whatever_the_order():
    # random blocks: reports over four days, some undated, some from outlets ahead of UTC; in any
    # arrival order the events last published are the grouping of the whole coverage by _cluster
    rng = random.Random(11)
    for _ in range(60):
        items = [
            cov(
                f"r{n}",
                f"2020-07-{rng.randint(13, 16)}",
                rng.choice(["high", "high", "medium", "low"]),
                ahead=rng.random() < 0.4,
            )
            for n in range(rng.randint(2, 8))
        ]
        block = empty_block()
        for c in items:
            assign(block, c)
        expected: dict[str, list[str]] = {}
        for article_id, day in sorted(_cluster(block["coverage"]).items()):
            expected.setdefault(event_id_for(BLOCK, date.fromisoformat(day)), []).append(article_id)
        for _ in range(5):
            rng.shuffle(items)
            assert final_events(items) == expected
