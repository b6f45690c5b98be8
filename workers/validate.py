"""Validation and normalisation of raw messages: bytes in, an Article or a Rejection out."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

import orjson
import pycountry

from workers.textnorm import OPTIONAL_MARKS, collapsed, content_hash, fold, nfc, printable

# Every reason a message can be dead-lettered for; the set is closed so the metric label stays bounded.
REASONS = (
    "empty_message",
    "message_too_large",
    "invalid_utf8",
    "invalid_json",
    "not_an_object",
    "missing_body",
    "empty_body",
    "wrong_type",
    "field_too_large",
    "body_too_large",
    "invalid_date",
    "date_in_future",
    "invalid_language",
    "processing_error",
)

FIELD_LIMITS = {"id": 512, "url": 4096, "source": 512, "title": 2048, "language": 16, "published_at": 64}
STRING_FIELDS = ("id", "url", "source", "title", "body", "published_at", "language")
# A date this far after ingest is a feed error, not an early scoop.
FUTURE_SLACK = timedelta(days=1)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    body: str
    title: str
    url: str | None
    source: str | None
    language: str | None  # as given by the feed; detection happens in enrichment
    published_at: datetime  # timezone-aware; the ingest time when the feed gave none
    published_given: bool  # False: published_at is the ingest time, dates resolved from it are weaker
    published_has_time: bool  # False: the feed gave only a day
    # the time is UTC's (given with "Z" or "+00:00", or the ingest time): the outlet's own calendar day is
    # found from its time zone (workers/zones.py). A time with another offset is the outlet's clock, and
    # one without an offset is taken as its wall clock (feeds scraped from pages write them so)
    published_in_utc: bool
    ingested_at: datetime
    content_hash: str
    folded_body: str  # fold(body), computed once: the content hash and every matcher read it


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str  # one of REASONS
    detail: str


_TAG = re.compile(r"<[^<>]{0,2000}>")  # stops at the next "<": linear on "<<<<" too
# control characters, and invisible format characters (zero-width joiners, soft hyphens, BOMs) that
# would split or hide words from matching: "జయ్\u200cశంకర్" is one name
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# textnorm.OPTIONAL_MARKS, removed after NFC, which composes the hamza marks that belong to a letter
# (و + ٔ is ؤ)
_OPTIONAL_MARKS = re.compile(f"[{re.escape(OPTIONAL_MARKS)}]")
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$")
# what fromisoformat accepts but RFC 3339 does not ("2020-W28-1", "20200713") is refused
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$")
_HTMLISH = re.compile(r"<\s*/?\s*[a-z][\w:-]{0,30}(?:\s[^<>]{0,2000})?/?>", re.I)
_SCRIPT_OPEN = re.compile(r"<(script|style)\b", re.I)


def _drop_scripts(body: str) -> str:
    """Script and style elements removed in one left-to-right pass (a regex with a lazy body is
    quadratic on unclosed tags); an unclosed one runs to the end."""
    out, pos = [], 0
    lower = body.lower()
    while (m := _SCRIPT_OPEN.search(body, pos)) is not None:
        out.append(body[pos : m.start()])
        close = lower.find(f"</{m.group(1).lower()}", m.end())
        if close < 0:
            return " ".join(out)
        pos = lower.find(">", close)
        pos = len(body) if pos < 0 else pos + 1
        out.append(" ")
    out.append(body[pos:])
    return "".join(out)


def _visible(text: str) -> str:
    """NFC, without control and invisible format characters or optional marks."""
    if not printable(text, newlines=True):  # every character _CONTROL matches is unprintable
        text = _CONTROL.sub("", text)
    text = nfc(text)
    return text if text.isascii() else _OPTIONAL_MARKS.sub("", text)


def clean_body(body: str) -> str:
    """NFC, no control or invisible format characters, and markup reduced to its text."""
    body = _visible(body)
    if _HTMLISH.search(body):
        # again after unescaping: "&zwj;" or "&#1611;" must not bring back what folding drops
        body = _visible(html.unescape(_TAG.sub(" ", _drop_scripts(body))))
    # every run of blanks one space (so phrases match), no blank lines, no blanks around a newline.
    # Most feeds send paragraphs apart by blank lines and otherwise so already: with the blank lines
    # dropped, proving the rest collapsed costs a fraction of splitting every line into words
    squeezed = "\n".join(filter(None, body.split("\n")))  # (a few dozen lines: cheaper than replacing "\n\n")
    if collapsed(squeezed.replace("\n", " ")):
        return squeezed
    return "\n".join(line for line in (" ".join(raw.split()) for raw in body.split("\n")) if line)


def parse_published(value: str, now: datetime) -> tuple[datetime, bool, bool] | Rejection:
    """RFC 3339 date-time or a bare date, whether it has a time, and whether it was given in UTC; naive
    times are taken as UTC."""
    text = value.strip()
    if not _RFC3339.match(text):
        return Rejection("invalid_date", f"published_at {value[:64]!r} is not an RFC 3339 date-time or date")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            parsed = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)  # noon: the day, either way
            has_time = False
        else:
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
            has_time = True
    except ValueError:
        return Rejection("invalid_date", f"published_at {value[:64]!r} is not an RFC 3339 date-time or date")
    in_utc = parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed < EARLIEST:
        return Rejection("invalid_date", f"published_at {value[:64]!r} is before 1900")
    if parsed > now + FUTURE_SLACK:
        return Rejection("date_in_future", f"published_at {value[:64]!r} is after the ingest time {now:%Y-%m-%d}")
    return parsed, has_time, in_utc and has_time


@cache
def _known_language(code: str) -> bool:
    lookup = {"alpha_2": code} if len(code) == 2 else {"alpha_3": code}
    return pycountry.languages.get(**lookup) is not None


def derive_id(url: str | None, body_hash: str) -> str:
    basis = ("url:" + url) if url else ("body:" + body_hash)
    return "a-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


def validate(value: bytes | None, now: datetime, max_body_bytes: int = 1_048_576) -> Article | Rejection:
    """Turn one raw message value into an Article, or say exactly why it cannot be one."""
    if not value:
        return Rejection("empty_message", "the message has no value")
    # JSON escapes can make the body larger than the message only by a small factor; this bounds parse work
    if len(value) > 6 * max_body_bytes + 65536:
        return Rejection("message_too_large", f"message of {len(value)} bytes is over the limit")
    if value[:3] == b"\xef\xbb\xbf":
        value = value[3:]  # a UTF-8 byte-order mark is harmless; strip it
    try:
        doc = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError as uexc:
            return Rejection("invalid_utf8", f"not UTF-8: {uexc.reason} at byte {uexc.start}")
        return Rejection("invalid_json", f"not JSON: {exc}"[:300])
    if not isinstance(doc, dict):
        return Rejection("not_an_object", f"JSON {type(doc).__name__} where an object was expected")
    for name in STRING_FIELDS:
        field = doc.get(name)
        if field is not None and not isinstance(field, str):
            return Rejection("wrong_type", f"field {name!r} must be a string, not {type(field).__name__}")
        if field is not None and name in FIELD_LIMITS and len(field) > FIELD_LIMITS[name]:
            limit = FIELD_LIMITS[name]
            return Rejection("field_too_large", f"field {name!r} has {len(field)} characters, limit {limit}")
    body = doc.get("body")
    if body is None:
        return Rejection("missing_body", "field 'body' is missing")
    if len(body.encode("utf-8")) > max_body_bytes:
        return Rejection("body_too_large", f"body is over the {max_body_bytes}-byte limit")
    body = clean_body(body)
    if not body:
        return Rejection("empty_body", "field 'body' is empty once whitespace and markup are removed")

    language = doc.get("language")
    if language is not None and language.strip():
        match = _LANG.match(language.strip().lower())
        if not match or not _known_language(match.group(1)):
            return Rejection("invalid_language", f"language {language[:16]!r} is not an ISO 639 code")
        language = match.group(1)
    else:
        language = None

    published_raw = doc.get("published_at")
    if published_raw is not None and published_raw.strip():
        parsed = parse_published(published_raw, now)
        if isinstance(parsed, Rejection):
            return parsed
        published_at, has_time, in_utc = parsed
        given = True
    else:
        published_at, has_time, given, in_utc = now, True, False, True

    url = (doc.get("url") or "").strip() or None
    source = (doc.get("source") or "").strip() or None
    if source is None and url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:  # "http://[::1", "https://[wire]/story": no host to name the source by
            host = ""
        source = host.removeprefix("www.") or None
    folded_body = fold(body)
    body_hash = content_hash(folded_body, collapsed_lines=body.isascii())
    article_id = (doc.get("id") or "").strip() or derive_id(url, body_hash)
    return Article(
        id=article_id,
        body=body,
        title=_visible(doc.get("title") or "").strip(),
        url=url,
        source=source,
        language=language,
        published_at=published_at,
        published_given=given,
        published_has_time=has_time,
        published_in_utc=in_utc,
        ingested_at=now,
        content_hash=body_hash,
        folded_body=folded_body,
    )
