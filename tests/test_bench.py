"""The benchmark feed generator and the benchmark summary format (fast; nothing is timed)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from itertools import pairwise

import orjson
import pytest

from workers import benchgen
from workers.bench import percentile, state_size, summary_line
from workers.cli import build_parser, cmd_bench
from workers.kb import load_kb
from workers.validate import Article, Rejection, validate

NOW = datetime(2026, 11, 1, tzinfo=UTC)
N = 1500


@pytest.fixture(scope="module")
def feed() -> list[tuple[bytes, benchgen.Label]]:
    return list(benchgen.generate_labelled(N, seed=5))


def test_the_feed_is_deterministic_and_a_longer_run_extends_a_shorter_one():
    first = list(benchgen.generate(300, seed=11))
    assert first == list(benchgen.generate(300, seed=11))
    assert first[:120] == list(benchgen.generate(120, seed=11))
    assert first != list(benchgen.generate(300, seed=12))
    assert len(first) == 300
    assert list(benchgen.generate(0)) == []


def test_good_messages_are_raw_articles_of_one_to_eight_kilobytes(feed, validators):
    good = [(value, label) for value, label in feed if label.kind != "bad"]
    assert {label.kind for _, label in good} == {"call", "other"}
    for value, label in good:
        assert benchgen.MIN_BYTES <= len(value) <= benchgen.MAX_BYTES, (label, len(value))
        doc = orjson.loads(value)
        validators["raw_article"].validate(doc)
        assert doc["id"] == label.id and doc["language"] == "en"
        assert set(doc) == {"id", "url", "source", "title", "body", "published_at", "language"}
        assert isinstance(validate(value, NOW), Article)
    sizes = [len(value) for value, _ in good]
    assert max(sizes) > 6000 and min(sizes) < 2000  # the whole range is used
    assert len({label.id for _, label in feed}) == len(feed)


def test_the_configured_share_of_messages_is_malformed_in_each_way(feed):
    bad = [(value, label) for value, label in feed if label.kind == "bad"]
    assert 0.015 * N <= len(bad) <= 0.05 * N
    assert {label.reason for _, label in bad} == set(benchgen.BAD_KINDS)
    for value, label in bad:
        result = validate(value, NOW)
        assert isinstance(result, Rejection) and result.reason == label.reason
    assert not any(label.kind == "bad" for _, label in benchgen.generate_labelled(300, seed=5, bad_share=0.0))
    with pytest.raises(ValueError):
        list(benchgen.generate(1, bad_share=1.5))


def test_each_call_is_covered_by_several_outlets_with_copies_and_rewrites(feed):
    by_call: dict[str, list[tuple[dict, benchgen.Label]]] = defaultdict(list)
    for value, label in feed:
        if label.kind == "call":
            by_call[label.call].append((orjson.loads(value), label))
    variants = Counter(label.variant for items in by_call.values() for _, label in items)
    assert set(variants) == {"wire", "verbatim", "edited", "rewrite"}
    complete = 0
    for items in by_call.values():
        assert len(items) <= 10
        assert len({doc["source"] for doc, _ in items}) == len(items)  # one article per outlet
        wire = next((doc for doc, label in items if label.variant == "wire"), None)
        if wire is None:  # the feed was cut before this call's wire story
            continue
        complete += len(items) >= 2
        for doc, label in items:
            if label.variant == "verbatim":
                assert doc["body"] == wire["body"]
            elif label.variant == "edited":
                assert doc["body"] != wire["body"]
                kept = set(doc["body"].split("\n\n")[1:]) & set(wire["body"].split("\n\n")[1:])
                assert len(kept) >= len(wire["body"].split("\n\n")[1:]) - 2  # a light edit of the same text
    assert complete >= 0.8 * len(by_call)
    assert sum(len(items) for items in by_call.values()) / len(by_call) >= 3


def test_the_same_leaders_call_again_on_other_days(feed):
    days_by_pair: dict[str, set[str]] = defaultdict(set)
    for _, label in feed:
        if label.kind == "call":
            pair, day, _ = label.call.split(":")
            days_by_pair[pair].add(day)
    close_repeats = 0
    for days in days_by_pair.values():
        ordered = sorted(date.fromisoformat(d) for d in days)
        close_repeats += sum(1 for a, b in pairwise(ordered) if (b - a).days <= 5)
    assert close_repeats >= 10


def test_leaders_are_in_the_knowledge_base_and_in_office_when_they_call(feed):
    kb = load_kb()
    for leader in benchgen.LEADERS.values():
        entity = kb.lookup(leader.name)
        assert entity is not None, leader.name
        for start, end in leader.tenures:
            assert entity.office_on(start) and entity.office_on(end), (leader.name, start, end)
    for pair in benchgen.PAIRS:
        assert all(key in benchgen.LEADERS for key in pair)
    for _, label in feed:
        if label.kind == "call":
            keys, day, medium = label.call.split(":")
            assert medium in ("phone", "video")
            for key in keys.split("+"):
                assert benchgen.LEADERS[key].in_office(date.fromisoformat(day)), label


def test_background_paragraphs_vary_within_and_across_articles(feed):
    paragraphs: Counter[str] = Counter()
    for value, label in feed:
        if label.variant in ("wire", "rewrite", "meeting"):
            body = orjson.loads(value)["body"]
            sentences = [s for s in re.split(r"(?<=\.)\s+", body) if s]
            assert len(sentences) - len(set(sentences)) <= 1, label
            paragraphs.update(body.split("\n\n")[3:])
    assert len(paragraphs) >= 0.95 * sum(paragraphs.values())  # background paragraphs hardly ever repeat


def test_the_pipeline_finds_the_labelled_participants(feed):
    from workers.pipeline import validate_and_enrich

    for value, label in feed[:200]:
        result = validate_and_enrich(value, NOW, 1_048_576)
        if label.kind == "bad":
            assert isinstance(result, Rejection)
            continue
        call = result.payload["call"]
        if label.kind == "other":
            assert call is None, (label, call)
            continue
        expected = {benchgen.LEADERS[key].name for key in label.call.split(":")[0].split("+")}
        assert call is not None and {p["name"] for p in call["participants"]} == expected, label


def test_ground_truth_lists_the_articles_of_each_call():
    truth = benchgen.ground_truth(400, seed=2)
    labels = [label for _, label in benchgen.generate_labelled(400, seed=2)]
    assert sum(len(ids) for ids in truth.values()) == sum(1 for label in labels if label.kind == "call")
    for call, ids in truth.items():
        assert all(labels[int(i.rsplit("-", 1)[1])].call == call for i in ids)


SUMMARY = re.compile(r"^pipeline_aps=\d+ passthrough_ratio=(\d+\.\d{2}|nan) p99_ms=(\d+\.\d|nan) rss_mb=(\d+\.\d|nan)$")


def test_summary_line_format():
    summary = {
        "in_process": {"articles_per_s": 453.52},
        "end_to_end": {"passthrough_ratio": 0.0789},
        "latency": {"p99_ms": 1436.04},
        "memory": {"full_worker_rss_mb": 173.63},
    }
    line = summary_line(summary)
    assert line == "pipeline_aps=453 passthrough_ratio=0.08 p99_ms=1436.0 rss_mb=173.6"
    assert SUMMARY.match(line)
    skipped = summary_line({"in_process": {"articles_per_s": 99.9}})
    assert skipped == "pipeline_aps=99 passthrough_ratio=nan p99_ms=nan rss_mb=nan"
    assert SUMMARY.match(skipped)


def test_percentile_and_state_size():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 99) == 99.0 and percentile([7.0], 99) == 7.0
    blocks = {
        # event state as workers/dedup.py keeps it: [version, status, merged_into, touched, digest, articles]
        "call:a+b": {
            "events": {"e1": [1, "active", None, 1, "d", ["x"]], "e2": [2, "merged", "e1", 2, "d", ["y"]]},
            "seen": {},
        },
        "article:2021-01-01:ab": {"events": {}, "seen": {"x": [None, "2021-01-01"]}},
    }
    state = state_size(blocks)
    assert state["live_events"] == 1 and state["events_in_state"] == 2
    assert state["bytes_total"] == state["bytes_call_blocks"] + state["bytes_article_blocks"]
    assert state["bytes_per_live_event"] == state["bytes_total"]
    assert state_size({})["bytes_per_live_event"] is None


def test_bench_subcommand_flags():
    args = build_parser().parse_args(["bench", "--articles", "2000", "--runs", "1", "--skip-broker"])
    assert args.func is cmd_bench
    assert (args.articles, args.runs, args.skip_broker) == (2000, 1, True)
    assert (args.rate, args.memory_articles, args.duration) == (200.0, 100_000, 15.0)


def test_state_size_counts_live_events_of_a_real_run():
    from datetime import UTC, datetime

    from workers.bench import state_size
    from workers.benchgen import generate
    from workers.pipeline import BatchRun, validate_and_enrich
    from workers.validate import Rejection

    run = BatchRun()
    for raw in generate(200, seed=3, bad_share=0.0):
        result = validate_and_enrich(raw, datetime.now(UTC), 1_048_576)
        if not isinstance(result, Rejection):
            run.add(result)
    size = state_size(run.blocks)
    assert size["live_events"] > 0 and size["events_in_state"] >= size["live_events"]
    assert size["bytes_per_live_event"] == round(size["bytes_total"] / size["live_events"], 1)


def test_a_batch_run_forgets_non_call_blocks_past_the_horizon():
    from datetime import UTC, datetime

    import orjson

    from workers.pipeline import SWEEP_EVERY, BatchRun, validate_and_enrich

    run = BatchRun(horizon_days=14)
    days = ["2024-01-01", "2024-03-01"]
    for i in range(SWEEP_EVERY):
        doc = {"id": f"n{i}", "body": f"Markets story number {i}.", "published_at": days[i * 2 // SWEEP_EVERY]}
        run.add(validate_and_enrich(orjson.dumps(doc), datetime.now(UTC), 1_048_576))
    kept_days = {key[8:18] for key in run.blocks if key.startswith("article:")}
    assert kept_days == {"2024-03-01"}


def test_extraction_benchmark_reads_three_kilobyte_english_articles():
    from workers.bench import EXTRACTION_BODY, EXTRACTION_STAGES, extraction_throughput

    result = extraction_throughput(pool=400, runs=1, seed=5)
    assert result["articles"] >= 20  # enough of the generated feed falls in the 3 KB band
    assert EXTRACTION_BODY[0] <= result["mean_body_chars"] <= EXTRACTION_BODY[1]
    assert set(result["us_per_article"]) == set(EXTRACTION_STAGES)
    assert all(us > 0 for us in result["us_per_article"].values())
    assert 0 < result["articles_per_s"] <= result["best_articles_per_s"]
    assert max(result["runs_articles_per_s"]) == result["best_articles_per_s"]


def test_memory_run_reports_what_the_changelog_is_written_per_article():
    from workers.bench import memory_run

    result = memory_run(articles=300, seed=4, bad_share=0.05)
    assert result["articles"] == 300 and result["rss_mb"] > 0
    # every valid article writes its block once; a call block carries its coverage and is the largest
    assert 0 < result["changelog_bytes_per_article"] <= result["changelog_bytes_per_article_max"]
    assert result["changelog_bytes_per_article_max"] >= 1000
