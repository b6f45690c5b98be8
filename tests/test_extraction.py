"""Enrichment on the project's own labelled examples (tests/fixtures/labelled_calls.jsonl)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson
import pytest

from workers.dates import find_dates, resolve_day_month, resolve_weekday
from workers.pipeline import enrich
from workers.textnorm import fold
from workers.validate import Article, validate

FIXTURES = Path(__file__).parent / "fixtures"
LABELLED = [orjson.loads(line) for line in (FIXTURES / "labelled_calls.jsonl").read_bytes().splitlines() if line]
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def article(doc: dict) -> Article:
    result = validate(orjson.dumps(doc), NOW)
    assert isinstance(result, Article)
    return result


@pytest.mark.parametrize("case", LABELLED, ids=[c["article"]["id"] for c in LABELLED])
def test_labelled_call(case):
    enriched = enrich(article(case["article"]))
    call = enriched.payload["call"]
    expect = case["expect"]
    if not expect["call"]:
        assert call is None, call
        return
    assert call is not None
    assert sorted(p["name"] for p in call["participants"]) == sorted(expect["participants"])
    assert call["date"] == expect["date"]
    assert call["medium"] == expect["medium"]


def test_weekday_resolution_looks_back_and_tolerates_a_time_zone_day():
    tuesday = date(2020, 7, 14)
    assert resolve_weekday(0, tuesday) == date(2020, 7, 13)  # Monday before
    assert resolve_weekday(1, tuesday) == tuesday  # "on Tuesday" in a Tuesday paper
    assert resolve_weekday(2, tuesday) == date(2020, 7, 15)  # Wednesday: a UTC stamp behind local time
    assert resolve_weekday(3, tuesday) == date(2020, 7, 9)  # Thursday of last week


def test_day_month_without_year_is_never_after_publication():
    assert resolve_day_month(13, 7, None, date(2020, 7, 14)) == date(2020, 7, 13)
    assert resolve_day_month(30, 12, None, date(2021, 1, 2)) == date(2020, 12, 30)
    assert resolve_day_month(31, 2, 2020, date(2021, 1, 2)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("they spoke on july 13, 2020 about", date(2020, 7, 13)),
        ("on 13 july 2020 the leaders", date(2020, 7, 13)),
        ("le 13 juillet, les deux", date(2020, 7, 13)),
        ("13 июля лидеры", date(2020, 7, 13)),
        ("late monday the two", date(2020, 7, 13)),
        ("yesterday the two", date(2020, 7, 13)),
        ("earlier today the two", date(2020, 7, 14)),
        ("on 2020-07-13 the two", date(2020, 7, 13)),
        ("2020年7月13日", date(2020, 7, 13)),
        ("2019. július 13-án telefonon", date(2019, 7, 13)),  # Hungarian: year first
        ("วันที่ 13 กรกฎาคม 2563", date(2020, 7, 13)),  # Thai Buddhist-era year
        ("the 13th of july", date(2020, 7, 13)),
    ],
)
def test_find_dates(text, expected):
    found = find_dates(fold(text), date(2020, 7, 14))
    assert [t.day for t in found] == [expected]


def test_may_the_verb_is_not_a_date():
    assert find_dates(fold("they may speak again"), date(2020, 7, 14)) == []


def test_entities_carry_canonical_ids_counts_and_offsets():
    enriched = enrich(article(LABELLED[0]["article"]))
    people = {e["name"]: e for e in enriched.payload["entities"] if e["type"] == "person"}
    assert set(people) == {"Recep Tayyip Erdoğan", "Vladimir Putin"}
    text = LABELLED[0]["article"]["title"] + "\n" + LABELLED[0]["article"]["body"]
    erdogan = people["Recep Tayyip Erdoğan"]
    assert text[erdogan["first_offset"] :].startswith("Erdoğan")
    assert erdogan["mentions"] == 2


def test_role_resolution_follows_tenure():
    body = "The German chancellor spoke by phone with the Russian president on Monday."
    before = enrich(article({"body": body, "published_at": "2021-05-04"})).payload["call"]
    after = enrich(article({"body": body, "published_at": "2022-05-03"})).payload["call"]
    assert sorted(p["name"] for p in before["participants"]) == ["Angela Merkel", "Vladimir Putin"]
    assert sorted(p["name"] for p in after["participants"]) == ["Olaf Scholz", "Vladimir Putin"]


def test_typo_in_a_role_phrase_still_links_the_named_person():
    body = "On Tuesday Putin discussed Libya by phone with Geraman chancellor Angela Merkel."
    call = enrich(article({"body": body, "published_at": "2020-05-20"})).payload["call"]
    assert sorted(p["name"] for p in call["participants"]) == ["Angela Merkel", "Vladimir Putin"]


def test_a_name_between_a_title_and_a_country_parts_them():
    # "president*" takes in "presidentkansliet" (the presidential office); Sweden has no president, and
    # the office is Erdoğan's anyway: no Swedish prime minister is read into the sentence
    body = "Enligt turkiska presidentkansliet sade Erdoğan att Sverige måste agera mot PKK."
    people = [e["name"] for e in enrich(article({"body": body, "published_at": "2023-05-29"})).payload["entities"]]
    assert "Recep Tayyip Erdoğan" in people and "Ulf Kristersson" not in people


def test_amharic_homophones_fold_together():
    # ሐ/ሀ, ሠ/ሰ, ዐ/አ, ፀ/ጸ are written either way; each order of a series folds to the same order
    assert fold("ዐቢይ አሕመድ") == fold("አቢይ አህመድ")
    assert fold("ጸሐፊ") == fold("ፀሀፊ") and fold("ሠላም") == fold("ሰላም")
    assert fold("ተ") != fold("ቴ")  # another vowel, not a homophone


def test_relatives_are_themselves_and_make_no_calls():
    # the full name is the longer match: "Melania Trump" is not the president, "Hunter Biden" not his father
    body = "Melania Trump spoke by phone with Hunter Biden on Monday. Later Trump spoke by phone with Erdoğan."
    enriched = enrich(article({"body": body, "published_at": "2025-05-06"})).payload
    people = {e["name"] for e in enriched["entities"] if e["type"] == "person"}
    assert {"Melania Trump", "Hunter Biden", "Donald Trump", "Recep Tayyip Erdoğan"} <= people
    assert "Joe Biden" not in people
    # relatives hold no office here: only the leaders' call is one
    assert sorted(p["name"] for p in enriched["call"]["participants"]) == ["Donald Trump", "Recep Tayyip Erdoğan"]


def test_warm_up_builds_the_shared_automaton_before_any_message():
    from workers import pipeline

    pipeline.shared_scan.cache_clear()
    pipeline.warm_up()
    assert pipeline.shared_scan.cache_info().currsize == 1  # the first message finds it built


def test_date_gates_skip_only_text_that_holds_no_date():
    # the literal-first gates must never hide a date the full patterns find
    from workers.dates import find_dates

    published = date(2026, 3, 15)
    text = "sources said on 2026-03-13 and 13.03.2026 and 3/13/2026; 3月13日, 13일; v-12-34 and 1.5/2000"
    found = [(t.start, t.day.isoformat(), t.numeric) for t in find_dates(text, published)]
    assert ("2026-03-13", True) in [(d, n) for _, d, n in found]
    assert [d for _, d, n in found if n].count("2026-03-13") == 3
    spans = [(text.index("2026-03-13"), text.index("2026-03-13") + 4), (text.index("3/13"), text.index("3/13") + 2)]
    assert [t.day.isoformat() for t in find_dates(text, published, spans)] == ["2026-03-13", "2026-03-13"]
    assert find_dates("no date here, only 12-34 and 1.5 percent", published) == []


def test_sentence_breaks():
    from workers.calls import sentences

    def split(text: str, original: str | None = None) -> list[str]:
        return [text[a:b] for a, b in sentences(text, original)]

    # dotted acronyms, initials and day numbers do not end a sentence; a newline always does
    assert split("macron and u.s. president biden spoke. then") == ["macron and u.s. president biden spoke.", "then"]
    assert split("am 13. dezember telefonierten sie. x") == ["am 13. dezember telefonierten sie.", "x"]
    # a number before a point ends the sentence unless a month follows it
    assert split("el fin del titulo 42. en su conferencia") == ["el fin del titulo 42.", "en su conferencia"]
    assert split("said on july 11. according to it") == ["said on july 11.", "according to it"]
    assert split("held on june 27.\nputin and erdogan agreed.") == ["held on june 27.", "putin and erdogan agreed."]
    # a point followed by a lower-case word (in the unfolded text) does not either
    original = "Orbán 2020. március 3-án telefonált. Utána"
    assert split(original.lower(), original) == ["orbán 2020. március 3-án telefonált.", "utána"]
    assert split("in 2020. the", "in 2020. The") == ["in 2020.", "the"]
    # Armenian, Devanagari and Urdu full stops
    assert len(split("ա։ բ")) == len(split("क। ख")) == len(split("ا۔ ب")) == 2
    # an initial in an Indic script is no full stop ("S. Jaishankar" in Kannada); a point after a word is
    assert split("ವಿದೇಶಾಂಗ ಸಚಿವ ಎಸ್. ಜೈಶಂಕರ್ ಮಾತನಾಡಿದರು. ನಂತರ") == ["ವಿದೇಶಾಂಗ ಸಚಿವ ಎಸ್. ಜೈಶಂಕರ್ ಮಾತನಾಡಿದರು.", "ನಂತರ"]


def test_entries_with_punctuation_before_a_space_match():
    # the text's "Staats- und" has two word breaks where the entry has one space
    from workers import entities
    from workers.calls import CUE_KEYS
    from workers.kb import lexicon_matcher
    from workers.textnorm import fold

    roles = lexicon_matcher(entities.ROLE_KEYS).find(fold("Die Staats- und Regierungschefs der EU"))
    assert [h.value for h in roles] == ["leader"]
    cues = lexicon_matcher(CUE_KEYS).find(fold("Συναντήθηκαν κατ' ιδίαν στην Αθήνα"))
    assert "meeting" in [h.value for h in cues]
