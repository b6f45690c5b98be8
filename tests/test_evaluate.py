from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from workers.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]


def _case(article: dict, expect: dict) -> bytes:
    return orjson.dumps({"article": article, "expect": expect})


def test_scores_count_misses_and_false_alarms():
    call = {"body": "Joe Biden spoke by phone with Xi Jinping on Monday.", "published_at": "2021-11-16"}
    lines = [
        _case(
            {**call, "id": "ok"},
            {
                "call": True,
                "participants": ["Joe Biden", "Xi Jinping"],
                "date": "2021-11-15",
                "people": ["Joe Biden", "Xi Jinping"],
            },
        ),
        # labelled with a wrong day and an extra participant: both must count against the extractor
        _case(
            {**call, "id": "wrong"},
            {"call": True, "participants": ["Joe Biden", "Xi Jinping", "Olaf Scholz"], "date": "2021-11-14"},
        ),
        # labelled as no call: a false alarm
        _case({**call, "id": "alarm"}, {"call": False, "people": ["Joe Biden"]}),
    ]
    report = evaluate(lines)
    assert report.examples == 3
    assert (report.calls.tp, report.calls.fp, report.calls.fn) == (2, 1, 0)
    assert (report.participants.tp, report.participants.fn) == (4, 1)
    assert (report.dates_right, report.dates_total) == (1, 2)
    assert (report.people.tp, report.people.fp) == (3, 1)
    assert any(e.startswith("alarm:") for e in report.errors)


def test_eval_command_on_the_project_examples():
    done = subprocess.run(
        [sys.executable, "-m", "workers.cli", "eval"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if not line.startswith("error"))
    assert int(lines["examples"]) >= 25
    assert float(lines["call_detection_recall"]) >= 0.9 and float(lines["participant_precision"]) >= 0.9
