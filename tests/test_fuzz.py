"""Property tests (hypothesis): the pure pipeline never raises and never falls back to
`processing_error`, whatever the bytes, JSON documents or text it is given."""

from __future__ import annotations

import re
import string
import tomllib
from datetime import UTC, date, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

import orjson
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from workers.calls import _breaks
from workers.chaos import DATED, LEADERS, MONTHS, UNDATED, WEEKDAYS, reference_events
from workers.dates import find_dates
from workers.kb import KB_DIR
from workers.matcher import _BOUNDARY, Hit, _longest_first
from workers.pipeline import BatchRun, Enriched, validate_and_enrich
from workers.textnorm import _TABLE, CharMap, collapsed, content_hash, fold
from workers.validate import _CONTROL, REASONS, Article, Rejection, clean_body, validate

NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)
# sized so that the whole file runs in well under a minute
FAST = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- vocabulary from the knowledge base, so generated text meets the matchers -------------------------------


@cache
def _kb_words() -> list[str]:
    words: set[str] = set()
    people = tomllib.loads((KB_DIR / "people.toml").read_text(encoding="utf-8"))
    for person in people.get("person", []):
        words.add(person["name"])
        words.update(person.get("names", []))
        words.update(person.get("surnames", []))
    countries = tomllib.loads((KB_DIR / "countries.toml").read_text(encoding="utf-8"))
    for country in countries.values():
        if isinstance(country, dict):
            words.update(country.get("names", [])[:6])
            words.update(country.get("demonyms", [])[:6])
    return sorted(words)


@cache
def _lexicon_words() -> list[str]:
    words: set[str] = set()
    lexicon = tomllib.loads((KB_DIR / "lexicon.toml").read_text(encoding="utf-8"))
    for table in lexicon.values():
        if not isinstance(table, dict):
            continue
        for value in table.values():
            if isinstance(value, list):
                for item in value:
                    words.update(item if isinstance(item, list) else [item])
    return sorted(w for w in words if isinstance(w, str))


any_char = st.characters(exclude_categories=("Cs",))  # every category but lone surrogates (not UTF-8)
kb_word = st.sampled_from(_kb_words())
lexicon_word = st.sampled_from(_lexicon_words())
glue = st.sampled_from([" ", " ", ", ", ". ", "\n", "", "-", "'", "’", "«", "»", "(", ")", "\u00a0", "\u200b", "\t"])
number = st.integers(0, 3000).map(str)
date_text = st.dates(date(1890, 1, 1), date(2100, 12, 31)).flatmap(
    lambda d: st.sampled_from(
        [d.isoformat(), f"{d.day}.{d.month}.{d.year}", f"{d.month}/{d.day}/{d.year}", f"{d.year}年{d.month}月{d.day}日"]
    )
)
fragment = st.one_of(kb_word, lexicon_word, st.text(any_char, max_size=12), number, date_text)


@st.composite
def mixed_text(draw: st.DrawFn, max_parts: int = 40) -> str:
    parts = draw(st.lists(st.tuples(fragment, glue), max_size=max_parts))
    return "".join(p + g for p, g in parts)


repeated = st.tuples(st.one_of(kb_word, lexicon_word, st.text(any_char, min_size=1, max_size=6)), st.integers(20, 600))
body_text = st.one_of(
    st.text(any_char, max_size=400),
    mixed_text(),
    repeated.map(lambda t: (t[0] + " ") * t[1]),
    st.tuples(mixed_text(8), st.integers(5, 60)).map(lambda t: t[0] * t[1]),
)

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(any_char, max_size=30),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)
published_text = st.one_of(
    st.datetimes(datetime(1890, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)).map(
        lambda d: d.isoformat().replace("+00:00", "Z")
    ),
    st.dates(date(1890, 1, 1), date(2030, 1, 1)).map(date.isoformat),
    st.text(string.digits + "-:TZ+. ", max_size=30),
    st.text(any_char, max_size=20),
)
url_text = st.one_of(
    st.text(any_char, max_size=40),
    st.lists(
        st.sampled_from(["http://", "https://", "//", "[", "]", "::1", "@", ":", "/", "?", "#", "www.", "example.org"]),
        max_size=8,
    ).map("".join),
)
field_value = {
    "id": st.one_of(st.text(any_char, max_size=40), json_value),
    "url": st.one_of(url_text, json_value),
    "source": st.one_of(st.text(any_char, max_size=20), json_value),
    "title": st.one_of(mixed_text(6), json_value),
    "body": st.one_of(body_text, json_value),
    "published_at": st.one_of(published_text, json_value),
    "language": st.one_of(st.sampled_from(["en", "ru", "zh-Hans", "EN_gb", "xx", "", " "]), json_value),
}
documents = st.fixed_dictionaries({}, optional=field_value).flatmap(
    lambda d: st.dictionaries(st.text(max_size=6), json_value, max_size=3).map(lambda extra: {**extra, **d})
)


def _urlsplit_rejects(doc: dict) -> bool:
    """The known crash (see test_validate_survives_urls_urlsplit_rejects): a url urlsplit cannot
    parse, with no source to spare the host lookup."""
    url, source = doc.get("url"), doc.get("source")
    if not isinstance(url, str) or not url.strip() or (isinstance(source, str) and source.strip()):
        return False
    try:
        urlsplit(url.strip()).hostname  # noqa: B018 - the property access is what raises
    except ValueError:
        return True
    return False


def _check(result: Article | Rejection) -> None:
    assert isinstance(result, Article | Rejection)
    if isinstance(result, Rejection):
        assert result.reason in REASONS and result.detail
    else:
        assert result.id and result.body and result.published_at.tzinfo is not None


# -- validate --------------------------------------------------------------------------------------------


@FAST
@given(st.binary(max_size=3000))
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe{\x00}\x00")
@example(b"[" * 5000)
def test_validate_never_raises_on_bytes(value: bytes):
    _check(validate(value, NOW, 2000))


@FAST
@given(documents)
@example({"body": "x", "published_at": "9999-12-31T23:59:59-23:59"})
@example({"body": "x", "published_at": "0001-01-01T00:00:00+23:59"})
@example({"body": "x", "published_at": "2020-W28-1"})
def test_validate_never_raises_on_json_documents(doc: dict):
    assume(not _urlsplit_rejects(doc))
    _check(validate(orjson.dumps(doc), NOW, 2000))


@settings(max_examples=50, deadline=None)
@given(documents.map(lambda d: {**d, "source": None}), url_text)
@example({"body": "text"}, "http://[::1")
@example({"body": "text"}, "https://[wire]/story")
@example({"body": "text"}, "https://example.org\uff03story")
def test_validate_survives_urls_urlsplit_rejects(doc: dict, url: str):
    _check(validate(orjson.dumps({**doc, "url": url}), NOW, 2000))


# -- validate_and_enrich -------------------------------------------------------------------------------


@st.composite
def articles(draw: st.DrawFn) -> dict:
    doc: dict = {"body": draw(body_text)}
    if draw(st.booleans()):
        doc["title"] = draw(st.one_of(mixed_text(8), st.text(any_char, max_size=60)))
    if draw(st.booleans()):
        day = draw(st.datetimes(datetime(1900, 1, 2), datetime(2024, 5, 31), timezones=st.just(UTC)))
        doc["published_at"] = day.isoformat()
    lang = draw(st.sampled_from([None, "en", "ru", "ar", "zh", "ja", "tr", "fr", "de", "hi", "xx"]))
    if lang:
        doc["language"] = lang
    return doc


@SLOW
@given(doc=articles())
@example(doc={"body": "Putin " * 400})
@example(doc={"body": "Путин и Эрдоган провели телефонный разговор в среду. " * 40, "published_at": "1900-01-02"})
@example(doc={"body": "习近平 普京 通电话 2020年7月13日 " * 30})
@example(doc={"body": "\u0651\u064b" * 200})  # Arabic marks only: folding drops them all
def test_validate_and_enrich_never_falls_back_to_processing_error(doc: dict):
    result = validate_and_enrich(orjson.dumps(doc), NOW, 1_048_576)
    if isinstance(result, Rejection):
        assert result.reason != "processing_error", result.detail
        assert result.reason in REASONS
        return
    assert isinstance(result, Enriched)
    BatchRun().add(result)  # and the dedup step takes it


@SLOW
@given(doc=articles())
@example(doc={"body": "Abdullah II", "language": "tr"})
def test_enriched_payloads_and_events_match_their_schemas(doc: dict, validators):
    result = validate_and_enrich(orjson.dumps(doc), NOW, 1_048_576)
    if isinstance(result, Rejection):
        return
    payload, changes = BatchRun().add(result)
    validators["enriched_article"].validate(payload)
    for change in changes:
        validators["call_event"].validate(change)


# -- dates and folding ---------------------------------------------------------------------------------

date_words = st.one_of(
    lexicon_word,
    number,
    date_text,
    st.sampled_from(["年", "月", "日", ".", "/", "-", "th", "of", "de", "го", "er", ",", " "]),
    st.text(any_char, max_size=4),
)


@FAST
@given(st.lists(st.tuples(date_words, glue), max_size=30).map(lambda p: "".join(a + b for a, b in p)), st.dates())
@example("31 december 29 february 2023-02-29 0000-01-01 99.99.9999 0年0月0日", date(1900, 1, 1))
@example("the day before yesterday on monday", date(1900, 1, 1))
def test_find_dates_never_raises(text: str, published: date):
    published = min(max(published, date(1900, 1, 1)), date(2100, 12, 31))  # what validate lets through
    folded = fold(text)
    found = find_dates(folded, published)
    assert [t.start for t in found] == sorted(t.start for t in found)
    for t in found:
        assert 0 <= t.start < t.end <= len(folded)
        assert t.kind in ("explicit", "weekday", "relative")
        assert isinstance(t.day, date)


@FAST
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=300))
@example("ﬁİ\u0301\u0651ǅ\u0640ß\u200c\u200dx")
@example("<p>اتصال&#1611; a&zwj;b &#x200b;c</p>")  # entities unescaped after the first clean-up
@example("\uff9e")  # the halfwidth voiced mark decomposes into a combining mark alone: it stays
def test_fold_keeps_the_length_of_validated_text(text: str):
    """Every offset the pipeline reports is an offset in the folded text taken as one in the original:
    that holds because folding a validated body (or title) never changes its length."""
    cleaned = clean_body(text)
    folded = fold(cleaned)
    assert len(folded) == len(cleaned)
    for original, ch in zip(cleaned, folded, strict=True):
        assert ch == fold(original)


@FAST
@given(st.text(max_size=400), st.text(st.characters(min_codepoint=0x400, max_codepoint=0x4FF), min_size=64))
@example("x", "Путин " * 20 + "\U0001f600")  # an astral character: the whole text goes to str.translate
@example("x", "Путин " * 20 + "\u200c")  # a character that folds to nothing
@example("x", "Путин " * 20 + "\ud800")  # a lone surrogate: no UTF-32 form
def test_charmap_translates_as_str_translate(text: str, cyrillic: str):
    """The array lookup gives what str.translate gives, for any text, on first sight of its
    characters and after (a fresh map learns; the module's maps have seen other texts)."""
    for table in (_TABLE, _BOUNDARY):
        fresh = CharMap(table)
        for sample in (text, cyrillic, cyrillic + text):
            assert fresh(sample) == sample.translate(table)
            assert fresh(sample) == sample.translate(table)
    assert fold(cyrillic + text) == (cyrillic + text).translate(_TABLE)


# the pattern calls._breaks stands for
_SENTENCE_BREAK = re.compile(r"[.!?。！？։।॥۔።។။\n](?:(?<=\n)\n*|(?<=[。！？])\s*|\s+)")
_STOPS_AND_SPACE = st.text(st.sampled_from([*".!?。！？։।॥۔።។။\n", "a", "3", " ", "\t", "\x1c", "\u3000", "\xa0", "é"]))


@FAST
@given(_STOPS_AND_SPACE)
@example("a. b")
@example("3.5 u.s. x")
@example("a.\n\n b")
@example("\n\n\n")
@example("好。好！ 好？")
@example("a. \n\nb")
def test_sentence_breaks_are_the_pattern_s_matches(text: str):
    ascii_only = text.encode("ascii", "ignore").decode()  # ASCII text takes the shorter list of stops
    for sample in (text, ascii_only):
        assert _breaks(sample) == [m.span() for m in _SENTENCE_BREAK.finditer(sample)]


_LAYOUT = st.text(st.sampled_from(["a", "b", " ", "\n", "\t", "\r", "\xa0", "\u2003", "\x0b", "\u200b", "\x85", "é"]))


@FAST
@given(_LAYOUT)
@example(" a")
@example("a\n\nb")
@example("\na b\n\n\nc\n")
@example("a\n\n b")
@example("a\xa0b")
def test_clean_body_short_cut_changes_nothing(text: str):
    # text sent already collapsed skips the per-line split and join: the result must be what the
    # split and join give, and collapsing twice must change nothing
    reference = "\n".join(
        line for line in (" ".join(raw.split()) for raw in _CONTROL.sub("", text).split("\n")) if line
    )
    assert clean_body(text) == reference
    assert clean_body(reference) == reference
    assert collapsed(reference.replace("\n", " ")) or not reference


@FAST
@given(st.text(st.characters(max_codepoint=0x7F), max_size=300))
@example("A\t`B`\r\n\n c ")
@example("\x0b\x1ca\x7f")
def test_validated_ascii_bodies_hash_as_collapsed_text(text: str):
    # validation hashes an ASCII body without checking its layout: clean_body must leave every line of
    # it collapsed, and folding must keep it so
    body = clean_body(text)
    assert content_hash(fold(body), collapsed_lines=True) == content_hash(fold(body))


# -- arrival order ---------------------------------------------------------------------------------------


@st.composite
def reports_of_close_calls(draw: st.DrawFn) -> list[bytes]:
    """Two to five reports of calls between the same two leaders a few days apart, dated or not."""
    first_day = date(2023, 3, 6)
    out = []
    for i in range(draw(st.integers(2, 5))):
        call_day = first_day + timedelta(days=draw(st.integers(0, 6)))
        lag = draw(st.integers(0, 2))
        published = datetime(call_day.year, call_day.month, call_day.day, 18, tzinfo=UTC) + timedelta(days=lag)
        a, b = draw(st.permutations(["putin", "erdogan"]))
        fields = {"A": LEADERS[a][0], "B": LEADERS[b][0], "a": LEADERS[a][1], "b": LEADERS[b][1]}
        fields.update(govA=LEADERS[a][2], govB=LEADERS[b][2], subject="trade")
        if draw(st.booleans()):
            body = UNDATED.format(**fields)
        else:
            when = draw(st.sampled_from([WEEKDAYS[call_day.weekday()], f"{call_day.day} {MONTHS[call_day.month - 1]}"]))
            body = draw(st.sampled_from(DATED)).format(when=when, **fields)
        doc = {"id": f"r{i}", "body": f"{body} Desk {i}.", "published_at": published.isoformat()}
        out.append(orjson.dumps(doc))
    return out


_UNDATED_17 = orjson.dumps(
    {
        "id": "r1",
        "body": "Turkish President Recep Tayyip Erdoğan and Russian President Vladimir Putin spoke by phone about "
        "trade, the Turkish presidency said in a short readout.",
        "published_at": "2023-03-17T12:00:00Z",
    }
)
_UNDATED_18 = orjson.dumps(
    {
        "id": "r0",
        "body": "Russian President Vladimir Putin and Turkish President Recep Tayyip Erdoğan spoke by phone about "
        "trade, the Kremlin said in a short readout.",
        "published_at": "2023-03-18T18:00:00Z",
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports_of_close_calls().flatmap(lambda r: st.tuples(st.just(r), st.permutations(r))))
@example(([_UNDATED_18, _UNDATED_17], [_UNDATED_17, _UNDATED_18]))
def test_final_events_do_not_depend_on_arrival_order(orders: tuple[list[bytes], list[bytes]]):
    one, other = orders
    assert reference_events(one, NOW, 1_048_576) == reference_events(other, NOW, 1_048_576)


# -- the longest-match choice -------------------------------------------------------------------------------

_SPANS = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 10), st.integers(0, 2)).map(
        lambda t: Hit(t[0], t[0] + t[1], t[2], "k")
    ),
    max_size=12,
)


@FAST
@given(_SPANS)
def test_longest_first_keeps_longest_non_overlapping_hits(hits: list[Hit]) -> None:
    hits.sort(key=lambda h: h.end)  # as the automaton reports them
    kept = _longest_first(list(hits))
    assert [h.start for h in kept] == sorted(h.start for h in kept)
    assert all(any(k is h for h in hits) for k in kept)
    for i, a in enumerate(kept):  # two kept hits share a span (one name, two meanings) or do not meet
        for b in kept[i + 1 :]:
            assert (a.start, a.end) == (b.start, b.end) or a.end <= b.start or b.end <= a.start
    kept_ids = {id(k) for k in kept}
    for dropped in (h for h in hits if id(h) not in kept_ids):
        # dropped for a kept hit it overlaps, on another span, longer or as long and further left
        assert any(
            k.start < dropped.end
            and dropped.start < k.end
            and (k.start, k.end) != (dropped.start, dropped.end)
            and (k.end - k.start, -k.start) >= (dropped.end - dropped.start, -dropped.start)
            for k in kept
        )
    spans = {(h.start, h.end) for h in kept}
    assert all((h.start, h.end) not in spans or id(h) in kept_ids for h in hits)  # every meaning of a kept span


def _greedy_longest(hits: list[Hit]) -> list[Hit]:
    """The rule stated plainly, over all hits at once: longest first, then leftmost; a hit meeting a
    kept one on another span is dropped."""
    taken: list[Hit] = []
    for hit in sorted(sorted(hits, key=lambda h: h.start), key=lambda h: (h.start - h.end, h.start)):
        if not any(t.start < hit.end and hit.start < t.end and (t.start, t.end) != (hit.start, hit.end) for t in taken):
            taken.append(hit)
    return sorted(taken, key=lambda h: h.start)


# a key ending at `stop`, of `length` characters, whose word may run on by `ending` (an inflected name)
_KEY_HITS = st.lists(
    st.tuples(st.integers(1, 40), st.integers(1, 10), st.integers(0, 3), st.integers(0, 2)),
    max_size=14,
).map(
    lambda rows: [
        Hit(max(0, stop - length), stop + ending, value, "k")
        for stop, length, ending, value in sorted(rows, key=lambda r: r[0])  # in the order keys end
    ]
)


@FAST
@given(_KEY_HITS)
def test_longest_first_decides_run_by_run_as_over_the_whole_text(hits: list[Hit]) -> None:
    # the choice is made within runs of overlapping hits gathered as the automaton reports them; it
    # must equal the choice over all hits at once, word endings (hits ending past their key) included
    assert [id(h) for h in _longest_first(list(hits))] == [id(h) for h in _greedy_longest(hits)]
