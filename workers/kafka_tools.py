"""Admin, feed and tail tools over kafka-python: `topics create`, `publish`, `tail`.

Every client here connects with `connection_kwargs(settings)`: the bootstrap servers and the
connection security (TLS, SASL) of workers/security.py, the same settings the worker uses."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import orjson
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from workers.config import Settings
from workers.security import kafka_python_kwargs, preflight_tls

TITLE_MAX = 200  # a plain-text file's first line is its title when it is at most this long


def connection_kwargs(settings: Settings) -> dict[str, object]:
    """kafka-python arguments for the bootstrap servers and the connection security. With TLS, one
    handshake with the bootstrap servers first: a wrong CA or host name fails here, in seconds and with
    a message that says which (kafka-python would report "Unable to bootstrap" after 30 s)."""
    kwargs = {"bootstrap_servers": settings.bootstrap_servers, **kafka_python_kwargs(settings)}
    preflight_tls(settings)
    return kwargs


def create_topics(settings: Settings) -> dict[str, str]:
    """Create the four topics; existing ones are left as they are. Returns name -> created|exists."""
    admin = KafkaAdminClient(client_id="wirestream-admin", **connection_kwargs(settings))
    try:
        existing = set(admin.list_topics())
        wanted = []
        for role, name in settings.topics.items():
            config = {"cleanup.policy": "compact"} if role == "events" else {}
            wanted.append(NewTopic(name, settings.partitions, settings.replication_factor, topic_configs=config))
        result = {}
        for topic in wanted:
            if topic.name in existing:
                result[topic.name] = "exists"
                continue
            try:
                admin.create_topics([topic])
                result[topic.name] = "created"
            except TopicAlreadyExistsError:
                result[topic.name] = "exists"
        return result
    finally:
        admin.close()


def text_file_article(path: Path) -> bytes:
    """A plain-text article (such as the seeds) as a raw-article message: first short line is the title."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    doc: dict[str, str] = {"body": text}
    if len(lines) > 1 and len(lines[0]) <= TITLE_MAX and not lines[0].rstrip().endswith("."):
        doc = {"title": lines[0].strip(), "body": "\n".join(lines[1:])}
    return orjson.dumps(doc)


def read_messages(paths: Iterable[str]) -> Iterator[bytes]:
    """JSONL files give one message per line, as they are (bad lines become dead letters downstream);
    any other file is one plain-text article."""
    for name in paths:
        path = Path(name)
        if path.suffix in (".jsonl", ".ndjson"):
            with path.open("rb") as fh:
                for line in fh:
                    if line.strip():
                        yield line.rstrip(b"\r\n")
        else:
            yield text_file_article(path)


def publish(settings: Settings, messages: Iterable[bytes], topic: str | None = None) -> int:
    producer = KafkaProducer(
        acks="all", linger_ms=5, max_request_size=16 * 1_048_576, **connection_kwargs(settings)
    )  # over-size inputs must reach the dead letters
    count = 0
    try:
        for value in messages:
            producer.send(topic or settings.topic_raw, value=value)
            count += 1
        producer.flush()
    finally:
        producer.close()
    return count


def consume(
    settings: Settings, topic: str, *, follow: bool, idle_timeout_s: float = 5.0, from_beginning: bool = True
) -> Iterator[tuple[bytes | None, bytes | None]]:
    """Records of a topic, oldest first; without `follow`, stops after `idle_timeout_s` of silence."""
    consumer = KafkaConsumer(
        topic,
        **connection_kwargs(settings),
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=int(idle_timeout_s * 1000) if not follow else float("inf"),
    )
    try:
        for record in consumer:
            yield record.key, record.value
    finally:
        consumer.close()


def tail(settings: Settings, topic: str, *, follow: bool, out: IO[str] = sys.stdout) -> int:
    count = 0
    for key, value in consume(settings, topic, follow=follow):
        try:
            body = orjson.dumps(orjson.loads(value or b"null"), option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONDecodeError:
            body = repr(value)
        out.write(f"--- key={key.decode(errors='replace') if key else None}\n{body}\n")
        out.flush()
        count += 1
    return count


def wait_for(predicate, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
