"""The clock an outlet dates its news by (workers/zones.py), and the calendar day an article is read on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import orjson

from workers.pipeline import enrich
from workers.validate import Article, validate
from workers.zones import ahead_of_utc, local_day, outlet_country, outlet_zone

NOON = datetime(2024, 3, 5, 12, tzinfo=UTC)


def test_outlets_are_placed_by_their_country_domain_else_their_language():
    assert ahead_of_utc("nhk.or.jp", None, NOON) and ahead_of_utc("abc.net.au", "en", NOON)
    assert ahead_of_utc("xinhuanet.com", "zh", NOON) and ahead_of_utc("vnexpress.net", "vi", NOON)
    assert not ahead_of_utc("apnews.com", "en", NOON) and not ahead_of_utc("lemonde.fr", "fr", NOON)
    # a domain of the other side outweighs the language: a Chinese service of a French broadcaster
    assert not ahead_of_utc("rfi.fr", "zh", NOON)
    assert not ahead_of_utc(None, None, NOON)
    # Asian outlets on generic domains, in English, by name (subdomains too)
    assert ahead_of_utc("inquirer.net", "en", NOON) and ahead_of_utc("timesofindia.indiatimes.com", "en", NOON)
    assert ahead_of_utc("www.scmp.com", "en", NOON) and not ahead_of_utc("notinquirer.net", "en", NOON)
    # English, Spanish and Arabic are written on every side of the world: no clock
    assert outlet_zone("example.com", "en") is None and outlet_zone("example.com", "es") is None
    assert outlet_zone("example.com", "ar") is None and outlet_zone("example.com", "ru") is not None
    # a country code used as a generic domain tells nothing
    assert outlet_zone("example.tv", "en") is None


def test_a_utc_time_is_read_on_the_outlet_calendar():
    late = datetime(2022, 10, 6, 15, 30, tzinfo=UTC)  # 00:30 on the 7th in Seoul, 18:30 in Moscow
    assert local_day(late, "yna.co.kr", "ko") == date(2022, 10, 7)
    assert local_day(late, "ria.ru", "ru") == date(2022, 10, 6)
    assert local_day(late, "example.com", "en") == date(2022, 10, 6)  # no clock known: UTC's
    # 22:30 UTC on the 6th is the next day in Moscow, and still the 6th in Buenos Aires
    night = datetime(2022, 10, 6, 22, 30, tzinfo=UTC)
    assert local_day(night, "tass.ru", None) == date(2022, 10, 7)
    assert local_day(night, "clarin.com.ar", "es") == date(2022, 10, 6)
    # daylight saving time: Auckland is UTC+13 in January, UTC+12 in July
    assert local_day(datetime(2024, 1, 5, 11, 30, tzinfo=UTC), "rnz.co.nz", "en") == date(2024, 1, 6)
    assert local_day(datetime(2024, 7, 5, 11, 30, tzinfo=UTC), "rnz.co.nz", "en") == date(2024, 7, 5)


def _article(published_at: str, source: str, language: str) -> Article:
    doc = {
        "id": "zone-1",
        "source": source,
        "language": language,
        "published_at": published_at,
        "body": "Vladimir Putin spoke by phone with Recep Tayyip Erdoğan yesterday about grain exports.",
    }
    result = validate(orjson.dumps(doc), datetime(2026, 1, 1, tzinfo=UTC))
    assert isinstance(result, Article)
    return result


def test_yesterday_is_the_outlet_yesterday_when_the_feed_gives_utc():
    # published at 00:30 Moscow time on 7 October: "yesterday" is the 6th there, the 5th by UTC's day
    moscow = _article("2022-10-06T21:30:00Z", "tass.ru", "en")
    assert moscow.published_in_utc
    assert enrich(moscow).payload["call"]["date"] == "2022-10-06"
    # the same time from an outlet of no known clock is read by UTC's calendar
    assert enrich(_article("2022-10-06T21:30:00Z", "example.com", "en")).payload["call"]["date"] == "2022-10-05"
    # a time given with its offset is the outlet's clock already, and a time without one its wall clock
    assert enrich(_article("2022-10-07T00:30:00+03:00", "tass.ru", "en")).payload["call"]["date"] == "2022-10-06"
    naive = _article("2022-10-06T21:30:00", "tass.ru", "en")
    assert not naive.published_in_utc
    assert enrich(naive).payload["call"]["date"] == "2022-10-05"


def test_outlet_country_from_domain_government_site_and_known_outlet():
    assert outlet_country("gov.uk") == "GB"
    assert outlet_country("www.bbc.co.uk") == "GB"
    assert outlet_country("whitehouse.gov") == "US"
    assert outlet_country("hurriyet.com.tr") == "TR"
    assert outlet_country("thehindu.com") == "IN"
    assert outlet_country("reuters.com") is None
    assert outlet_country(None) is None
