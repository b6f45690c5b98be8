"""A corpus of bad (and borderline) raw messages with the outcome each must have.

Every entry is a `BadInput(name, key, value, expected)`: `expected` is a dead-letter reason from
`workers.validate.REASONS` or "enriched". The outcomes were written by reading `workers/validate.py`
and asking what a user of the feed should get. Where the worker does something else today, the
entry says why in `bug`; the tests mark those entries `xfail(strict=True)` so a fix shows up as an
unexpected pass (and the marker is then removed). The malformed urls (`url_with_*`) once raised out
of the pipeline instead of becoming an article or a dead letter; they have their own worker test.

Limits: the corpus is built for a worker with `max_body_bytes = MAX_BODY_BYTES` (4000), so the
"too large" entries stay small enough to publish quickly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import orjson

MAX_BODY_BYTES = 4000
# a message longer than this is refused before parsing (workers.validate: 6 * limit + 64 KiB)
MESSAGE_LIMIT = 6 * MAX_BODY_BYTES + 65536
# dates are judged against the ingest time, the real clock in the worker: the "future" entries
# are built relative to the moment the corpus is imported
NOW = datetime.now(UTC)

# A harmless body: no call, no leader, so no call event comes out of the enriched entries.
TEXT = "Grain prices rose at the port of Odesa on Tuesday, traders said."


class BadInput(NamedTuple):
    name: str
    key: bytes | None
    value: bytes | None
    expected: str  # a reason in workers.validate.REASONS, or "enriched"
    bug: str = ""  # non-empty: the worker does not give `expected` today; why that is wrong for users


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _doc(**fields: object) -> bytes:
    return orjson.dumps(fields)


def _ok(name: str, **fields: object) -> dict[str, object]:
    """A valid document with a unique id per corpus entry, plus the given fields."""
    return {"id": f"bad-input-{name}", "body": TEXT, "published_at": "2024-05-28T09:00:00Z", **fields}


def _entries() -> list[BadInput]:
    e: list[BadInput] = []

    def add(name: str, value: bytes | None, expected: str, *, key: bytes | None = None, **kw: object) -> None:
        e.append(BadInput(name, key, value, expected, **kw))  # type: ignore[arg-type]

    def field(name: str, expected: str, **fields: object) -> None:
        add(name, orjson.dumps(_ok(name, **fields)), expected)

    # -- no value / not text ------------------------------------------------------------------
    add("tombstone_key_without_value", None, "empty_message", key=b"tombstone-key")
    add("zero_length_value", b"", "empty_message", key=b"\x00\xff binary key")
    add("message_over_the_size_limit", _doc(body="x" * (MESSAGE_LIMIT + 10)), "message_too_large")
    add("latin1_not_utf8", b'{"body": "caf\xe9 au lait, r\xe9sum\xe9"}', "invalid_utf8")
    add("utf16_with_bom", '\ufeff{"body": "hello"}'.encode("utf-16-le"), "invalid_utf8")
    add("utf16_big_endian_with_bom", '\ufeff{"body": "hello"}'.encode("utf-16-be"), "invalid_utf8")
    add("cesu8_encoded_surrogate", b'{"body": "\xed\xa0\x80 text"}', "invalid_utf8")
    add("overlong_utf8_sequence", b'{"body": "\xc0\xaf etc"}', "invalid_utf8")
    add("truncated_utf8_at_the_end", b'{"body": "caf\xc3', "invalid_utf8")
    add("utf8_bom_is_tolerated", b"\xef\xbb\xbf" + orjson.dumps(_ok("utf8_bom_is_tolerated")), "enriched")

    # -- not JSON ---------------------------------------------------------------------------------
    add("plain_text", b"Putin and Erdogan spoke by phone", "invalid_json")
    add("truncated_json", b'{"id": "t", "body": "the grain deal was', "invalid_json")
    add("trailing_garbage", _doc(body=TEXT) + b" and more", "invalid_json")
    add("whitespace_only_message", b" \n\t ", "invalid_json")
    add("nul_byte_between_tokens", b'{"body":\x00 "text"}', "invalid_json")
    add("raw_nul_byte_inside_a_string", b'{"body": "te\x00xt"}', "invalid_json")
    add("lone_surrogate_escape", b'{"body": "\\ud800 is half a character"}', "invalid_json")
    add("lone_low_surrogate_escape", b'{"body": "\\udc00 text"}', "invalid_json")
    add("nan_literal", b'{"body": "text", "score": NaN}', "invalid_json")
    add("number_out_of_double_range", b'{"body": "text", "score": 1e999}', "invalid_json")
    add("single_quoted_json", b"{'body': 'text'}", "invalid_json")
    add("deeply_nested_array_10000", b'{"body": "x", "extra": ' + b"[" * 10000 + b"]" * 10000 + b"}", "invalid_json")
    add("deeply_nested_object_10000", b'{"a":' * 10000 + b"1" + b"}" * 10000, "invalid_json")

    # -- JSON, but not an object --------------------------------------------------------------------
    add("json_array", b'[{"body": "text"}]', "not_an_object")
    add("json_string", b'"just a string"', "not_an_object")
    add("json_number", b"42", "not_an_object")
    add("json_null", b"null", "not_an_object")
    add("json_true", b"true", "not_an_object")

    # -- the body -------------------------------------------------------------------------------------
    add("empty_object", b"{}", "missing_body")
    add("body_missing", _doc(id="x", title="a title but no body"), "missing_body")
    add("body_null", _doc(id="x", body=None), "missing_body")
    add("body_empty_string", _doc(body=""), "empty_body")
    add("body_whitespace_only", _doc(body=" \n\t\r\u00a0\u2003 "), "empty_body")
    add("body_number", _doc(body=12345), "wrong_type")
    add("body_list", _doc(body=["Putin", "called"]), "wrong_type")
    add("body_object", _doc(body={"text": "Putin called"}), "wrong_type")
    add("body_bool", _doc(body=True), "wrong_type")
    add("body_over_the_limit", _doc(body="é" * (MAX_BODY_BYTES // 2 + 1)), "body_too_large")
    add("body_nul_escapes_only", _doc(body="\u0000\u0000\u0000"), "empty_body")
    add("body_c0_controls_only", _doc(body="".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")), "empty_body")
    add(
        "body_c1_controls_only",
        _doc(body="\u0080\u0081\u008d\u009f"),
        "empty_body",
    )
    add(
        "body_invisible_format_characters_only",
        _doc(body="\u200b\u200d\u2060\ufeff\u202e"),
        "empty_body",
    )
    field("body_with_nul_escapes_inside_text", "enriched", body="Grain\u0000 prices rose\u0000 at the port.")
    add("html_tags_only", _doc(body="<div><p><br/></p><span></span></div>"), "empty_body")
    add("html_script_and_style_only", _doc(body="<script>alert(1)</script><style>p{}</style><p></p>"), "empty_body")
    add("html_nbsp_only", _doc(body="<p>&nbsp;&#160;</p>"), "empty_body")
    add(
        "html_unlisted_tags_only",
        _doc(body="<article><section><em></em></section></article>"),
        "empty_body",
    )
    field("html_with_text", "enriched", body="<p>Grain prices <b>rose</b> at the port of Odesa.</p><br>")
    field("body_with_mixed_scripts", "enriched", body="Путин 普京 بوتين Poutine — grain prices rose. 😀")
    field("body_with_paired_surrogate_escape", "enriched", body="Grain prices \U0001f33e rose.")
    field("body_unnormalised_combining_marks", "enriched", body="Cafe\u0301 owners in Odesa said prices rose.")

    # -- wrong types in every field ------------------------------------------------------------------
    field("id_number", "wrong_type", id=123)
    field("url_list", "wrong_type", url=["https://example.org/a"])
    field("source_object", "wrong_type", source={"name": "wire"})
    field("title_bool", "wrong_type", title=False)
    field("published_at_number", "wrong_type", published_at=20200713)
    field("language_number", "wrong_type", language=1)
    field("extra_unknown_fields_are_ignored", "enriched", score=1.5, tags=["a"], nested={"x": [1, 2]})
    field("null_optional_fields_are_missing", "enriched", url=None, source=None, title=None, language=None)

    # -- over-long fields ----------------------------------------------------------------------------
    field("id_too_long", "field_too_large", id="i" * 513)
    field("url_too_long", "field_too_large", url="https://example.org/" + "p" * 4096)
    field("source_too_long", "field_too_large", source="s" * 513)
    field("title_too_long", "field_too_large", title="t" * 2049)
    field("language_too_long", "field_too_large", language="en-" + "x" * 14)
    field("published_at_too_long", "field_too_large", published_at="2020-07-13T12:00:00" + "0" * 50)
    field("title_at_its_limit", "enriched", title="t" * 2048)

    # -- dates ---------------------------------------------------------------------------------------
    field("date_february_30", "invalid_date", published_at="2020-02-30")
    field("date_month_13", "invalid_date", published_at="2020-13-01")
    field("date_hour_25", "invalid_date", published_at="2020-07-13T25:00:00Z")
    field("date_words", "invalid_date", published_at="yesterday")
    field("date_pre_1900", "invalid_date", published_at="1899-12-31")
    field("date_year_1", "invalid_date", published_at="0001-01-01T00:00:00Z")
    field("date_far_future", "date_in_future", published_at="2999-01-01T00:00:00Z")
    field("date_two_days_ahead", "date_in_future", published_at=_iso(NOW + timedelta(days=2)))
    field("date_within_a_day_of_ingest", "enriched", published_at=_iso(NOW + timedelta(hours=12)))
    field("date_naive_time_is_utc", "enriched", published_at="2024-05-28T09:00:00")
    field("date_with_offset", "enriched", published_at="2024-05-28T09:00:00+05:30")
    field("date_blank_means_ingest_time", "enriched", published_at="   ")
    field("date_1900_is_accepted", "enriched", published_at="1900-01-01")

    # -- language --------------------------------------------------------------------------------------
    field("language_a_word", "invalid_language", language="english")
    field("language_digits", "invalid_language", language="12")
    field("language_region_tag", "enriched", language="EN-gb")
    field("language_blank_means_detect", "enriched", language="  ")

    # -- ids and urls ------------------------------------------------------------------------------------
    add(
        "id_derived_from_url",
        _doc(body=TEXT, url="https://www.example.org/derived", published_at="2024-05-28"),
        "enriched",
    )
    add("id_derived_from_body", _doc(body=TEXT + " (derived id)", id="   ", published_at="2024-05-28"), "enriched")
    field("url_not_a_url", "enriched", url="not a url at all")
    add(
        "url_with_unbalanced_ipv6_bracket",
        _doc(id="bad-input-url_with_unbalanced_ipv6_bracket", body=TEXT, url="http://[::1/feed"),
        "enriched",
    )
    add(
        "url_with_invalid_bracketed_host",
        _doc(id="bad-input-url_with_invalid_bracketed_host", body=TEXT, url="https://[wire]/story"),
        "enriched",
    )
    add(
        "url_with_nfkc_unsafe_netloc",
        _doc(id="bad-input-url_with_nfkc_unsafe_netloc", body=TEXT, url="https://example.org\uff03story/1"),
        "enriched",
    )
    field("url_bracket_with_source_given", "enriched", url="http://[::1/feed", source="wire.example")
    return e


CORPUS: list[BadInput] = _entries()
BY_NAME: dict[str, BadInput] = {b.name: b for b in CORPUS}
assert len(BY_NAME) == len(CORPUS), "corpus names are unique"
assert len({(b.key, b.value) for b in CORPUS}) == len(CORPUS), "corpus messages are distinct"
