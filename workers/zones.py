"""The clock an outlet dates its news by: the time zone of its country, found from its domain's country
code, else from a list of well-known outlets on generic domains, else from its language where the
outlets of that language keep one clock (English, Spanish, Arabic ... tell nothing).

Two uses:
- An article whose feed gives its time in UTC is read on the outlet's own calendar: a Seoul paper out at
  00:30 KST on 7 October (15:30 UTC on the 6th) means the 6th by "어제" (yesterday). A feed time with
  another offset already is the outlet's clock, and one without an offset is taken as its wall clock.
- A call held in the Washington evening is reported on that day by American and European outlets and on
  the next by Asian ones, which write their own calendar day ("5日上午", "28일 오전"). The dedup step
  reads two firm days of the same leaders one day apart as one call when the later day's reports all
  come from outlets ahead of UTC (by five hours or more) and the earlier day's include one that is not
  (workers/dedup.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

AHEAD = timedelta(hours=5)  # Pakistan and Central Asia eastwards: a Washington evening is their next day

# the zone of each country-code domain (its capital's; the main one where a country has several).
# Left out: codes used as generic domains (.co, .tv, .me, .io, .ai, .fm, .cc, .ws, .to, .nu)
DOMAIN_ZONES = {
    # South, East and South-East Asia, Oceania
    "pk": "Asia/Karachi", "in": "Asia/Kolkata", "lk": "Asia/Colombo", "np": "Asia/Kathmandu",
    "bd": "Asia/Dhaka", "bt": "Asia/Thimphu", "mv": "Indian/Maldives", "mm": "Asia/Yangon",
    "th": "Asia/Bangkok", "la": "Asia/Vientiane", "kh": "Asia/Phnom_Penh", "vn": "Asia/Ho_Chi_Minh",
    "my": "Asia/Kuala_Lumpur", "sg": "Asia/Singapore", "id": "Asia/Jakarta", "ph": "Asia/Manila",
    "bn": "Asia/Brunei", "tl": "Asia/Dili", "cn": "Asia/Shanghai", "hk": "Asia/Hong_Kong",
    "mo": "Asia/Macau", "tw": "Asia/Taipei", "mn": "Asia/Ulaanbaatar", "kr": "Asia/Seoul",
    "kp": "Asia/Pyongyang", "jp": "Asia/Tokyo", "au": "Australia/Sydney", "nz": "Pacific/Auckland",
    "fj": "Pacific/Fiji", "pg": "Pacific/Port_Moresby", "sb": "Pacific/Guadalcanal", "vu": "Pacific/Efate",
    # Central Asia and the Caucasus
    "kz": "Asia/Almaty", "uz": "Asia/Tashkent", "kg": "Asia/Bishkek", "tj": "Asia/Dushanbe",
    "tm": "Asia/Ashgabat", "af": "Asia/Kabul", "az": "Asia/Baku", "am": "Asia/Yerevan", "ge": "Asia/Tbilisi",
    # Europe
    "uk": "Europe/London", "ie": "Europe/Dublin", "pt": "Europe/Lisbon", "is": "Atlantic/Reykjavik",
    "fr": "Europe/Paris", "de": "Europe/Berlin", "it": "Europe/Rome", "es": "Europe/Madrid",
    "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "lu": "Europe/Luxembourg", "ch": "Europe/Zurich",
    "at": "Europe/Vienna", "li": "Europe/Vaduz", "mc": "Europe/Monaco", "mt": "Europe/Malta",
    "dk": "Europe/Copenhagen", "no": "Europe/Oslo", "se": "Europe/Stockholm", "fi": "Europe/Helsinki",
    "ee": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "pl": "Europe/Warsaw",
    "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "si": "Europe/Ljubljana",
    "hr": "Europe/Zagreb", "ba": "Europe/Sarajevo", "rs": "Europe/Belgrade",
    "mk": "Europe/Skopje", "al": "Europe/Tirane", "xk": "Europe/Belgrade", "gr": "Europe/Athens",
    "cy": "Asia/Nicosia", "bg": "Europe/Sofia", "ro": "Europe/Bucharest", "md": "Europe/Chisinau",
    "ua": "Europe/Kyiv", "by": "Europe/Minsk", "ru": "Europe/Moscow", "su": "Europe/Moscow",
    "tr": "Europe/Istanbul",
    # the Middle East and Africa
    "il": "Asia/Jerusalem", "ps": "Asia/Hebron", "lb": "Asia/Beirut", "sy": "Asia/Damascus",
    "jo": "Asia/Amman", "iq": "Asia/Baghdad", "ir": "Asia/Tehran", "sa": "Asia/Riyadh", "kw": "Asia/Kuwait",
    "bh": "Asia/Bahrain", "qa": "Asia/Qatar", "ae": "Asia/Dubai", "om": "Asia/Muscat", "ye": "Asia/Aden",
    "eg": "Africa/Cairo", "ly": "Africa/Tripoli", "tn": "Africa/Tunis", "dz": "Africa/Algiers",
    "ma": "Africa/Casablanca", "sd": "Africa/Khartoum", "et": "Africa/Addis_Ababa", "ke": "Africa/Nairobi",
    "tz": "Africa/Dar_es_Salaam", "ug": "Africa/Kampala", "rw": "Africa/Kigali", "cd": "Africa/Kinshasa",
    "ng": "Africa/Lagos", "gh": "Africa/Accra", "sn": "Africa/Dakar", "ci": "Africa/Abidjan",
    "cm": "Africa/Douala", "ao": "Africa/Luanda", "mz": "Africa/Maputo", "zw": "Africa/Harare",
    "zm": "Africa/Lusaka", "za": "Africa/Johannesburg", "na": "Africa/Windhoek", "bw": "Africa/Gaborone",
    # the Americas
    "us": "America/New_York", "ca": "America/Toronto", "mx": "America/Mexico_City", "gt": "America/Guatemala",
    "sv": "America/El_Salvador", "hn": "America/Tegucigalpa", "ni": "America/Managua",
    "cr": "America/Costa_Rica", "pa": "America/Panama", "cu": "America/Havana", "do": "America/Santo_Domingo",
    "jm": "America/Jamaica", "ht": "America/Port-au-Prince", "ve": "America/Caracas", "ec": "America/Guayaquil",
    "pe": "America/Lima", "bo": "America/La_Paz", "py": "America/Asuncion", "uy": "America/Montevideo",
    "br": "America/Sao_Paulo", "ar": "America/Argentina/Buenos_Aires", "cl": "America/Santiago",
}  # fmt: skip

# well-known outlets on generic domains, many writing in English (their language tells nothing, their
# domain's ending neither): the country whose clock they keep
OUTLET_COUNTRIES = {
    **dict.fromkeys(
        "inquirer.net philstar.com mb.com.ph gmanetwork.com rappler.com abs-cbn.com manilatimes.net".split(), "ph"
    ),
    **dict.fromkeys(
        """thehindu.com hindustantimes.com indiatimes.com ndtv.com indianexpress.com news18.com livemint.com
        thewire.in aajtak.in""".split(),
        "in",
    ),
    **dict.fromkeys("thedailystar.net tbsnews.net dhakatribune.com".split(), "bd"),
    **dict.fromkeys("dawn.com thenews.com.pk geo.tv arynews.tv".split(), "pk"),
    **dict.fromkeys("dailymirror.lk newsfirst.lk".split(), "lk"),
    "kathmandupost.com": "np",
    "scmp.com": "hk",
    **dict.fromkeys("straitstimes.com channelnewsasia.com todayonline.com".split(), "sg"),
    **dict.fromkeys("bangkokpost.com nationthailand.com".split(), "th"),
    **dict.fromkeys("jakartapost.com antaranews.com tempo.co kompas.com".split(), "id"),
    **dict.fromkeys("thestar.com.my malaymail.com bernama.com".split(), "my"),
    **dict.fromkeys("koreaherald.com koreatimes.co.kr koreajoongangdaily.joins.com".split(), "kr"),
    **dict.fromkeys("kyodonews.net japantimes.co.jp asahi.com".split(), "jp"),
    **dict.fromkeys(
        "xinhuanet.com news.cn chinadaily.com.cn globaltimes.cn cgtn.com huanqiu.com people.com.cn".split(), "cn"
    ),
    **dict.fromkeys("taipeitimes.com focustaiwan.tw".split(), "tw"),
    **dict.fromkeys("vnexpress.net tuoitre.vn vietnamplus.vn".split(), "vn"),
    "khmertimeskh.com": "kh",
    "irrawaddy.com": "mm",
    "montsame.mn": "mn",
    **dict.fromkeys("smh.com.au theaustralian.com.au abc.net.au".split(), "au"),
    **dict.fromkeys("rnz.co.nz nzherald.co.nz".split(), "nz"),
}

# languages whose outlets keep one clock, or clocks within an hour of each other
LANGUAGE_ZONES = {
    "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "zh": "Asia/Shanghai", "mn": "Asia/Ulaanbaatar",
    "vi": "Asia/Ho_Chi_Minh", "th": "Asia/Bangkok", "lo": "Asia/Vientiane", "km": "Asia/Phnom_Penh",
    "my": "Asia/Yangon", "id": "Asia/Jakarta", "jv": "Asia/Jakarta", "su": "Asia/Jakarta",
    "ms": "Asia/Kuala_Lumpur", "tl": "Asia/Manila", "hi": "Asia/Kolkata", "mr": "Asia/Kolkata",
    "gu": "Asia/Kolkata", "kn": "Asia/Kolkata", "ml": "Asia/Kolkata", "te": "Asia/Kolkata",
    "ta": "Asia/Kolkata", "pa": "Asia/Kolkata", "bn": "Asia/Dhaka", "ur": "Asia/Karachi",
    "ne": "Asia/Kathmandu", "si": "Asia/Colombo", "dv": "Indian/Maldives",
    "kk": "Asia/Almaty", "uz": "Asia/Tashkent", "ky": "Asia/Bishkek", "tg": "Asia/Dushanbe",
    "tk": "Asia/Ashgabat", "az": "Asia/Baku", "hy": "Asia/Yerevan", "ka": "Asia/Tbilisi",
    "ru": "Europe/Moscow", "uk": "Europe/Kyiv", "be": "Europe/Minsk", "tr": "Europe/Istanbul",
    "fa": "Asia/Tehran", "he": "Asia/Jerusalem", "el": "Europe/Athens", "bg": "Europe/Sofia",
    "ro": "Europe/Bucharest", "hu": "Europe/Budapest", "pl": "Europe/Warsaw", "cs": "Europe/Prague",
    "sk": "Europe/Bratislava", "sl": "Europe/Ljubljana", "hr": "Europe/Zagreb", "sr": "Europe/Belgrade",
    "bs": "Europe/Sarajevo", "mk": "Europe/Skopje", "sq": "Europe/Tirane", "de": "Europe/Berlin",
    "it": "Europe/Rome", "nl": "Europe/Amsterdam", "da": "Europe/Copenhagen", "sv": "Europe/Stockholm",
    "no": "Europe/Oslo", "nb": "Europe/Oslo", "nn": "Europe/Oslo", "fi": "Europe/Helsinki",
    "et": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "is": "Atlantic/Reykjavik",
    "am": "Africa/Addis_Ababa", "sw": "Africa/Nairobi",
}  # fmt: skip


# a government's own sites, which name their leader by title alone ("The Prime Minister spoke with ...")
GOVERNMENT_SITES = {"whitehouse.gov": "us", "state.gov": "us", "gov.uk": "gb", "kremlin.ru": "ru", "mea.gov.in": "in"}


def _labels(source: str | None) -> list[str]:
    return (source or "").lower().rstrip(".").split(".")


def _listed(labels: list[str], *tables: dict[str, str]) -> str | None:
    """The country a table gives the host or a parent domain of it ("timesofindia.indiatimes.com",
    "english.kyodonews.net", "www.gov.uk"), or None."""
    for i in range(len(labels) - 1):
        domain = ".".join(labels[i:])
        for table in tables:
            if domain in table:
                return table[domain]
    return None


@lru_cache(maxsize=4096)
def outlet_country(source: str | None) -> str | None:
    """The country (ISO 3166-1 alpha-2, upper case) of an outlet known by its domain, or None."""
    labels = _labels(source)
    country = _listed(labels, GOVERNMENT_SITES, OUTLET_COUNTRIES)
    if country is None and labels[-1] in DOMAIN_ZONES:
        country = "gb" if labels[-1] == "uk" else labels[-1]
    return country.upper() if country else None


@lru_cache(maxsize=4096)
def outlet_zone(source: str | None, language: str | None) -> ZoneInfo | None:
    """The time zone the outlet dates its news by, or None when neither its domain nor its language
    tells."""
    labels = _labels(source)
    country = _listed(labels, OUTLET_COUNTRIES)
    name = DOMAIN_ZONES.get(country or labels[-1]) or LANGUAGE_ZONES.get((language or "").split("-")[0].lower())
    return ZoneInfo(name) if name else None


def local_day(at: datetime, source: str | None, language: str | None) -> date:
    """The outlet's calendar day at `at` (an aware time), or UTC's when its clock is unknown."""
    zone = outlet_zone(source, language)
    return at.astimezone(zone or UTC).date()


def ahead_of_utc(source: str | None, language: str | None, at: datetime) -> bool:
    """The outlet's calendar day starts five hours or more before UTC's at `at` (an aware time)."""
    zone = outlet_zone(source, language)
    return zone is not None and (at.astimezone(zone).utcoffset() or timedelta()) >= AHEAD
