"""Topic tagging against the taxonomy in workers/kb/topics.toml: terms in many languages plus
entity-derived evidence (Idlib -> Syrian civil war, Tovuz -> Armenia-Azerbaijan conflict)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache

from workers.entities import Mention
from workers.kb import _load_toml, load_kb
from workers.matcher import Matcher, Spans

ENTITY_WEIGHT = 0.6  # an entity is weaker evidence than a term naming the topic
REPEAT_WEIGHT = 0.25  # each further occurrence of the same evidence
MIN_SCORE = 0.4  # about one distinct term


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    parent: str
    weight: float


class TopicTag:
    """One topic of an article, for its payload (built once, not changed; a plain class: see matcher.Hit)."""

    __slots__ = ("evidence", "id", "name", "score")

    def __init__(self, id: str, name: str, score: float, evidence: tuple[str, ...]) -> None:
        self.id = id
        self.name = name
        self.score = score
        self.evidence = evidence


@dataclass(frozen=True)
class Taxonomy:
    topics: dict[str, Topic]
    terms: Matcher
    by_entity: dict[str, tuple[str, ...]]  # entity id -> topic ids


@cache
def load_taxonomy() -> Taxonomy:
    kb = load_kb()
    topics: dict[str, Topic] = {}
    terms = Matcher()
    by_entity: dict[str, list[str]] = {}
    for row in _load_toml("topics.toml").get("topic", []):
        topic = Topic(row["id"], row["name"], row.get("parent", ""), float(row.get("weight", 1.0)))
        topics[topic.id] = topic
        for term in row.get("terms", []):
            terms.add(term, topic.id)
        for name in row.get("entities", []):
            entity = kb.lookup(name)
            if entity is not None:
                by_entity.setdefault(entity.id, []).append(topic.id)
    terms.build()
    return Taxonomy(topics, terms, {k: tuple(v) for k, v in by_entity.items()})


@lru_cache(maxsize=4)
def _term_hits(folded: str) -> tuple:
    # the article is tagged as a whole and again for its call sentences: match once
    return tuple(load_taxonomy().terms.find(folded))


def tag(folded: str, mentions: list[Mention], spans: list[tuple[int, int]] | None = None) -> list[TopicTag]:
    """Topics of the text (or of the given character spans of it), each with a score and its evidence."""
    tax = load_taxonomy()
    kb = load_kb()
    hits = _term_hits(folded)
    derived = [m for m in mentions if m.entity_id in tax.by_entity]  # most entities imply no topic
    if spans is not None:
        inside = Spans(spans)
        hits = tuple(h for h in hits if inside(h.start))
        derived = [m for m in derived if inside(m.start)]

    evidence: dict[str, dict[str, int]] = {}
    for hit in hits:
        bucket = evidence.setdefault(str(hit.value), {})
        key = "term:" + hit.text
        bucket[key] = bucket.get(key, 0) + 1
    for m in derived:
        key = "entity:" + kb.entities[m.entity_id].name
        for topic_id in tax.by_entity[m.entity_id]:
            bucket = evidence.setdefault(topic_id, {})
            bucket[key] = bucket.get(key, 0) + 1
    tags = []
    for topic_id, items in evidence.items():
        topic = tax.topics[topic_id]
        strength = 0.0
        for key, count in items.items():
            strength += (1.0 if key[0] == "t" else ENTITY_WEIGHT) + REPEAT_WEIGHT * (count - 1)  # term:/entity:
        score = round(1.0 - math.exp(-strength * topic.weight / 1.5), 3)
        if score >= MIN_SCORE:
            tags.append(TopicTag(topic_id, topic.name, score, tuple(sorted(items))))
    tags.sort(key=lambda t: (-t.score, t.id))
    return tags
