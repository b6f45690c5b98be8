"""Scores the extractors against labelled examples: {"article": raw article, "expect": {...}} lines.

`expect` holds `call` (bool) and, for calls, `participants` (canonical names), `date`, `medium`;
optionally `people` (every person named in the article, canonical names) for entity linking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from workers.pipeline import enrich
from workers.validate import Article, validate


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], expected: set[str]) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    examples: int = 0
    calls: Counts = field(default_factory=Counts)  # call detection, per article
    participants: Counts = field(default_factory=Counts)  # per participant, over articles labelled as calls
    people: Counts = field(default_factory=Counts)  # person entities, over articles that list them
    dates_right: int = 0
    dates_total: int = 0
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        date_acc = self.dates_right / self.dates_total if self.dates_total else 1.0
        return [
            f"examples: {self.examples}",
            f"call_detection_precision: {self.calls.precision:.4f}",
            f"call_detection_recall: {self.calls.recall:.4f}",
            f"participant_precision: {self.participants.precision:.4f}",
            f"participant_recall: {self.participants.recall:.4f}",
            f"entity_precision: {self.people.precision:.4f}",
            f"entity_recall: {self.people.recall:.4f}",
            f"call_date_accuracy: {date_acc:.4f} ({self.dates_right}/{self.dates_total})",
            *[f"error: {e}" for e in self.errors],
        ]


def evaluate(lines: Iterable[bytes], now: datetime | None = None) -> Report:
    now = now or datetime.now(UTC)
    report = Report()
    for line in lines:
        if not line.strip():
            continue
        case: dict[str, Any] = orjson.loads(line)
        article = validate(orjson.dumps(case["article"]), now)
        if not isinstance(article, Article):
            report.errors.append(f"{case['article'].get('id')}: invalid article ({article.reason})")
            continue
        report.examples += 1
        payload = enrich(article).payload
        expect = case["expect"]
        call = payload["call"]
        key = {article.id}
        report.calls.add(key if call else set(), key if expect["call"] else set())
        if expect["call"]:
            got = {p["name"] for p in call["participants"]} if call else set()
            report.participants.add(got, set(expect["participants"]))
            if call:
                report.dates_total += 1
                report.dates_right += call["date"] == expect["date"]
                if call["date"] != expect["date"] or got != set(expect["participants"]):
                    report.errors.append(f"{article.id}: got {sorted(got)} on {call['date']}")
            else:
                report.errors.append(f"{article.id}: call not detected")
        elif call:
            report.errors.append(f"{article.id}: call reported where there is none")
        if "people" in expect:
            named = {e["name"] for e in payload["entities"] if e["type"] == "person"}
            report.people.add(named, set(expect["people"]))
    return report
