from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workers.textnorm import printable
from workers.validate import Article, Rejection, clean_body, validate

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


def ok(doc: dict) -> Article:
    result = validate(orjson.dumps(doc), NOW)
    assert isinstance(result, Article), result
    return result


def rejected(value: bytes, max_body_bytes: int = 1_048_576) -> Rejection:
    result = validate(value, NOW, max_body_bytes)
    assert isinstance(result, Rejection), result
    return result


@pytest.mark.parametrize(
    ("value", "reason", "says"),
    [
        (b"", "empty_message", "no value"),
        (b'{"body": "x"', "invalid_json", "not JSON"),
        (b'{"body": "\xff\xfe"}', "invalid_utf8", "not UTF-8"),
        (b"\xff\xfe{\x00}\x00", "invalid_utf8", "not UTF-8"),
        (b"42", "not_an_object", "int"),
        (b'{"title": "t"}', "missing_body", "'body' is missing"),
        (b'{"body": "  \\n "}', "empty_body", "empty"),
        (b'{"body": "<div><p> </p></div>"}', "empty_body", "markup"),
        (b'{"body": ["a"]}', "wrong_type", "'body' must be a string, not list"),
        (b'{"body": "b", "title": 7}', "wrong_type", "'title' must be a string, not int"),
        (b'{"body": "b", "published_at": "yesterday"}', "invalid_date", "not an RFC 3339"),
        (b'{"body": "b", "published_at": "2020-02-30"}', "invalid_date", "2020-02-30"),
        (b'{"body": "b", "published_at": "1066-10-14"}', "invalid_date", "before 1900"),
        (b'{"body": "b", "published_at": "2031-01-01"}', "date_in_future", "after the ingest time"),
        (b'{"body": "b", "language": "english please"}', "invalid_language", "ISO 639"),
        (b'{"body": "b", "id": "' + b"i" * 600 + b'"}', "field_too_large", "'id'"),
    ],
)
def test_rejections_are_specific(value, reason, says):
    r = rejected(value)
    assert r.reason == reason
    assert says in r.detail


def test_body_over_the_configured_limit():
    assert rejected(orjson.dumps({"body": "é" * 600}), max_body_bytes=1000).reason == "body_too_large"
    assert isinstance(validate(orjson.dumps({"body": "é" * 400}), NOW, 1000), Article)


def test_normalises_and_derives_defaults():
    a = ok(
        {
            "body": "  Caf\u0065\u0301 talk\x00s  ",
            "url": "https://www.example.org/x",
            "language": "EN-gb",
            "published_at": "2024-05-31T23:30:00+05:30",
        }
    )
    assert a.body == "Café talks"  # NFC, control characters removed, stripped
    assert a.source == "example.org"
    assert a.language == "en"
    assert a.published_given and a.published_has_time
    assert a.published_at.utcoffset().total_seconds() == 5.5 * 3600
    assert a.id.startswith("a-") and a.id == ok({"body": "other", "url": "https://www.example.org/x"}).id


def test_missing_date_means_ingest_time_and_id_from_content():
    a = ok({"body": "Some text"})
    b = ok({"body": "Some   TEXT"})
    assert not a.published_given and a.published_at == NOW
    assert a.content_hash == b.content_hash and a.id == b.id


def test_date_only_and_naive_times():
    assert not ok({"body": "b", "published_at": "2024-05-30"}).published_has_time
    assert ok({"body": "b", "published_at": "2024-05-30T10:00"}).published_at.tzinfo is not None


def test_which_times_are_given_in_utc():
    # only those are moved to the outlet's own calendar day (workers/zones.py)
    for stamp in ("2024-05-30T10:00:00Z", "2024-05-30T10:00:00z", "2024-05-30T10:00:00+00:00"):
        assert ok({"body": "b", "published_at": stamp}).published_in_utc, stamp
    for stamp in ("2024-05-30T10:00:00+05:30", "2024-05-30T10:00:00", "2024-05-30"):
        assert not ok({"body": "b", "published_at": stamp}).published_in_utc, stamp
    assert ok({"body": "b"}).published_in_utc  # the ingest time


def test_html_body_is_reduced_to_text():
    a = ok({"body": "<html><body><p>Erdo&#287;an spoke</p><script>x=1</script></body></html>"})
    assert a.body == "Erdoğan spoke"


def test_utf8_bom_is_tolerated():
    assert ok.__name__ and isinstance(validate(b'\xef\xbb\xbf{"body": "b"}', NOW), Article)


def test_content_hash_is_the_hash_of_the_collapsed_text_whatever_path_it_takes():
    import hashlib

    from workers.textnorm import content_hash

    def reference(folded: str) -> str:
        return hashlib.sha256(" ".join(folded.split()).encode("utf-8")).hexdigest()[:32]

    # collapsed text (the fast path), and text with every kind of white space run (the slow one)
    for text in ["putin spoke\nwith erdogan", "a  b", " a\n\nb ", "a\tb", "a\u2028b\u3000c", "a \nb", "\u00a8x", ""]:
        assert content_hash(text) == reference(text), repr(text)
    assert content_hash("a\nb") == content_hash("a b") == content_hash("a \n\n b")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\t\r\x00\x1f\x7f\x85é\u00a0\u2028\u200b中")))
def test_printable_is_str_isprintable(text: str) -> None:
    # the ASCII fast path (bytes.translate) must answer as isprintable does, newline allowance included
    assert printable(text) == text.isprintable()
    assert printable(text, newlines=True) == text.replace("\n", " ").isprintable()


@pytest.mark.parametrize("body", ["a\n\n\nb", "\n\na\nb\n\n", "a  b\n\nc", "\n\n\n", "one\n \nline"])
def test_blank_lines_are_dropped_and_blanks_collapsed(body: str) -> None:
    expected = "\n".join(line for line in (" ".join(raw.split()) for raw in body.split("\n")) if line)
    assert clean_body(body) == expected
