"""Synthetic raw articles for the benchmarks.

A feed as a news pipeline sees it: many diplomatic phone calls, each reported by several outlets
(a wire story, verbatim copies of it, lightly edited copies and independent rewrites), the same two
leaders calling again a few days later (a different event), news that reports no call (markets,
sport, weather, in-person meetings) and a share of malformed messages. Every text is assembled from
this module's own sentence templates; background paragraphs pad each article to 1-8 KB.

Pure and deterministic: `generate(n, seed)` gives the same bytes on every machine and the first k
messages of a longer run are the messages of a shorter one. Messages come in publication order on a
timeline that starts on `START` and advances about one news day per 60 messages.
"""

from __future__ import annotations

import heapq
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

START = date(2021, 2, 1)
END = date(2026, 5, 31)  # the knowledge base is checked to mid-2026: the timeline starts again after this
MIN_BYTES, MAX_BYTES = 1024, 8192  # size of a good message (the JSON), bytes
BAD_KINDS = ("invalid_json", "missing_body", "invalid_utf8")  # the validator's reason for each


def _d(text: str) -> date:
    return date.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class Leader:
    key: str
    name: str  # the knowledge base's canonical name
    surname: str  # a form the knowledge base resolves alone
    pronoun: str  # his | her
    country: str  # as written in running text: "Turkey", "the United States"
    demonym: str
    title: str
    tenures: tuple[tuple[date, date], ...]  # inclusive; open tenures end on END
    voice: str  # who issues the readout
    capital: str

    def in_office(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.tenures)


def _leader(key, name, surname, pronoun, country, demonym, title, tenures, voice, capital) -> Leader:
    spans = tuple((_d(a), _d(b) if b else END) for a, b in tenures)
    return Leader(key, name, surname, pronoun, country, demonym, title, spans, voice, capital)


# Tenures as in workers/kb/people.toml (the last day in office is the day before the successor's first).
LEADERS: dict[str, Leader] = {
    leader.key: leader
    for leader in (
        _leader(
            "erdogan", "Recep Tayyip Erdoğan", "Erdoğan", "his", "Turkey", "Turkish", "President",
            [("2014-08-28", None)], "the Turkish Communications Directorate", "Ankara",
        ),
        _leader(
            "putin", "Vladimir Putin", "Putin", "his", "Russia", "Russian", "President",
            [("2012-05-07", None)], "the Kremlin", "Moscow",
        ),
        _leader(
            "biden", "Joe Biden", "Biden", "his", "the United States", "US", "President",
            [("2021-01-20", "2025-01-19")], "the White House", "Washington",
        ),
        _leader(
            "trump", "Donald Trump", "Trump", "his", "the United States", "US", "President",
            [("2017-01-20", "2021-01-19"), ("2025-01-20", None)], "the White House", "Washington",
        ),
        _leader(
            "xi", "Xi Jinping", "Xi", "his", "China", "Chinese", "President",
            [("2013-03-14", None)], "the official Xinhua news agency", "Beijing",
        ),
        _leader(
            "macron", "Emmanuel Macron", "Macron", "his", "France", "French", "President",
            [("2017-05-14", None)], "the Elysee Palace", "Paris",
        ),
        _leader(
            "zelensky", "Volodymyr Zelensky", "Zelensky", "his", "Ukraine", "Ukrainian", "President",
            [("2019-05-20", None)], "the Ukrainian presidential office", "Kyiv",
        ),
        _leader(
            "scholz", "Olaf Scholz", "Scholz", "his", "Germany", "German", "Chancellor",
            [("2021-12-08", "2025-05-05")], "the German Chancellery", "Berlin",
        ),
        _leader(
            "merz", "Friedrich Merz", "Merz", "his", "Germany", "German", "Chancellor",
            [("2025-05-06", None)], "the German Chancellery", "Berlin",
        ),
        _leader(
            "modi", "Narendra Modi", "Modi", "his", "India", "Indian", "Prime Minister",
            [("2014-05-26", None)], "the Prime Minister's Office", "New Delhi",
        ),
        _leader(
            "kishida", "Fumio Kishida", "Kishida", "his", "Japan", "Japanese", "Prime Minister",
            [("2021-10-04", "2024-09-30")], "the Japanese foreign ministry", "Tokyo",
        ),
        _leader(
            "sunak", "Rishi Sunak", "Sunak", "his", "Britain", "British", "Prime Minister",
            [("2022-10-25", "2024-07-04")], "Downing Street", "London",
        ),
        _leader(
            "starmer", "Keir Starmer", "Starmer", "his", "Britain", "British", "Prime Minister",
            [("2024-07-05", "2026-06-29")], "Downing Street", "London",
        ),
        _leader(
            "meloni", "Giorgia Meloni", "Meloni", "her", "Italy", "Italian", "Prime Minister",
            [("2022-10-22", None)], "the Italian prime minister's office", "Rome",
        ),
        _leader(
            "trudeau", "Justin Trudeau", "Trudeau", "his", "Canada", "Canadian", "Prime Minister",
            [("2015-11-04", "2025-03-13")], "the Prime Minister's Office", "Ottawa",
        ),
        _leader(
            "aliyev", "Ilham Aliyev", "Aliyev", "his", "Azerbaijan", "Azerbaijani", "President",
            [("2003-10-31", None)], "the Azerbaijani presidential press service", "Baku",
        ),
        _leader(
            "pashinyan", "Nikol Pashinyan", "Pashinyan", "his", "Armenia", "Armenian", "Prime Minister",
            [("2018-05-08", "2026-06-06")], "the Armenian government's press office", "Yerevan",
        ),
        _leader(
            "netanyahu", "Benjamin Netanyahu", "Netanyahu", "his", "Israel", "Israeli", "Prime Minister",
            [("2009-03-31", "2021-06-12"), ("2022-12-29", None)], "the Prime Minister's Office", "Jerusalem",
        ),
        _leader(
            "lula", "Luiz Inácio Lula da Silva", "Lula", "his", "Brazil", "Brazilian", "President",
            [("2023-01-01", None)], "the Brazilian presidency", "Brasília",
        ),
        _leader(
            "tokayev", "Kassym-Jomart Tokayev", "Tokayev", "his", "Kazakhstan", "Kazakh", "President",
            [("2019-03-20", None)], "the Kazakh presidential press service", "Astana",
        ),
        _leader(
            "ramaphosa", "Cyril Ramaphosa", "Ramaphosa", "his", "South Africa", "South African", "President",
            [("2018-02-15", None)], "the South African presidency", "Pretoria",
        ),
        _leader(
            "sisi", "Abdel Fattah el-Sisi", "Sisi", "his", "Egypt", "Egyptian", "President",
            [("2014-06-08", None)], "the Egyptian presidency", "Cairo",
        ),
    )
}  # fmt: skip

PAIRS: tuple[tuple[str, str], ...] = (
    ("erdogan", "putin"),
    ("biden", "xi"),
    ("macron", "zelensky"),
    ("scholz", "macron"),
    ("modi", "putin"),
    ("biden", "zelensky"),
    ("erdogan", "zelensky"),
    ("xi", "putin"),
    ("biden", "modi"),
    ("trudeau", "biden"),
    ("macron", "putin"),
    ("sunak", "zelensky"),
    ("meloni", "zelensky"),
    ("scholz", "zelensky"),
    ("aliyev", "erdogan"),
    ("pashinyan", "putin"),
    ("aliyev", "putin"),
    ("netanyahu", "biden"),
    ("lula", "biden"),
    ("tokayev", "putin"),
    ("ramaphosa", "putin"),
    ("kishida", "biden"),
    ("starmer", "zelensky"),
    ("trump", "putin"),
    ("trump", "zelensky"),
    ("trump", "xi"),
    ("merz", "macron"),
    ("sisi", "erdogan"),
    ("erdogan", "macron"),
    ("modi", "macron"),
    ("sisi", "biden"),
    ("meloni", "biden"),
)

OUTLETS: tuple[tuple[str, str], ...] = (
    ("Global Wire Service", "globalwire.example"),
    ("Continental Press Agency", "cpa-news.example"),
    ("Eastern News Agency", "easternnews.example"),
    ("The Daily Ledger", "dailyledger.example"),
    ("Morning Courier", "morningcourier.example"),
    ("The Evening Standard-Bearer", "standardbearer.example"),
    ("Capital Observer", "capitalobserver.example"),
    ("World Affairs Today", "worldaffairs.example"),
    ("The Northern Herald", "northernherald.example"),
    ("Harbour Times", "harbourtimes.example"),
    ("Metro Post", "metropost.example"),
    ("The Chronicle of Record", "chronicle.example"),
    ("Bridge Broadcasting", "bridgebroadcast.example"),
    ("Frontline Digest", "frontlinedigest.example"),
    ("The Policy Review", "policyreview.example"),
    ("Independent Monitor", "indymonitor.example"),
    ("Southern Gazette", "southerngazette.example"),
    ("Riverside Journal", "riversidejournal.example"),
    ("The Diplomatic Wire", "diplowire.example"),
    ("New Century News", "newcentury.example"),
    ("Atlas Newsroom", "atlasnews.example"),
    ("The Weekly Compass", "weeklycompass.example"),
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# what the leaders discussed: (running text, headline form)
TOPICS: tuple[tuple[str, str], ...] = (
    ("bilateral trade and investment", "trade"),
    ("energy cooperation", "energy"),
    ("the war in Ukraine", "Ukraine war"),
    ("grain exports through the Black Sea", "grain exports"),
    ("the situation in Syria", "Syria"),
    ("the humanitarian situation in Gaza", "Gaza"),
    ("regional security", "regional security"),
    ("climate commitments ahead of the next UN conference", "climate"),
    ("nuclear power projects", "nuclear energy"),
    ("food security", "food security"),
    ("the settlement of the Nagorno-Karabakh conflict", "South Caucasus"),
    ("tensions in the Taiwan Strait", "Taiwan"),
    ("migration and border management", "migration"),
    ("the agenda of the G20", "G20"),
    ("defence industry cooperation", "defence"),
    ("infrastructure investment", "infrastructure"),
    ("the situation in Libya", "Libya"),
    ("Iran's nuclear programme", "Iran"),
    ("humanitarian aid deliveries", "aid"),
    ("the exchange of prisoners", "prisoner exchange"),
    ("the safety of the Zaporizhzhia nuclear plant", "nuclear plant safety"),
    ("debt relief for developing countries", "debt relief"),
    ("artificial intelligence rules", "AI"),
    ("supply chains for critical minerals", "critical minerals"),
)

SECTORS = (
    "machinery",
    "agricultural products",
    "natural gas",
    "pharmaceuticals",
    "textiles",
    "steel",
    "automotive parts",
    "electronics",
    "chemicals",
    "tourism services",
    "construction",
    "fertilisers",
    "software services",
    "shipbuilding",
    "renewable energy equipment",
)
ISSUES = (
    "visa rules",
    "tariffs on steel",
    "the status of disputed waters",
    "arms export licences",
    "the treatment of minority communities",
    "sanctions policy",
    "payments for past gas deliveries",
    "airspace access for civilian flights",
    "the extradition of wanted suspects",
    "water rights on a shared river",
    "fishing quotas",
    "the financing of a joint pipeline",
)
REASONS = (
    "a pragmatic effort to keep channels open despite sharp disagreements",
    "growing concern in both capitals about the economic outlook",
    "pressure from business groups seeking clarity on export rules",
    "the approach of a busy diplomatic calendar later in the year",
    "a wish on both sides to avoid an escalation that neither could control",
    "the weight of domestic politics on foreign policy in an election year",
)
PHASES = (
    "a more cautious phase",
    "its most productive period in a decade",
    "a period of quiet repair after last year's disputes",
    "a transactional phase driven by energy and trade",
)
CRITIQUES = (
    "rewards pressure instead of resisting it",
    "has produced few tangible results for exporters",
    "ignores the concerns of allies",
    "lacks parliamentary oversight",
)
PRIORITIES = (
    "lowering inflation",
    "reforming the pension system",
    "attracting foreign investment",
    "modernising the armed forces",
    "expanding renewable power generation",
    "reducing public debt",
    "a large housing programme",
)
DOMESTIC = (
    "rising food prices",
    "a proposed overhaul of the tax code",
    "delays in a flagship rail project",
    "a shortage of teachers",
    "energy bills for households",
    "a corruption investigation at a state company",
    "changes to the electoral law",
)
PARTIES = ("governing party", "ruling coalition", "parliamentary majority", "cabinet")
ADJECTIVES = ("constructive", "complex but stable", "strategic", "steady", "frank and businesslike")

# markets, sport and weather: places with their country (as the knowledge base names them)
MARKET_PLACES = (
    ("Istanbul", "Turkish", "lira", "BIST 100"),
    ("Frankfurt", "German", "euro", "DAX"),
    ("Tokyo", "Japanese", "yen", "Nikkei 225"),
    ("Mumbai", "Indian", "rupee", "Sensex"),
    ("London", "British", "pound", "FTSE 100"),
    ("Paris", "French", "euro", "CAC 40"),
    ("São Paulo", "Brazilian", "real", "Bovespa"),
    ("Johannesburg", "South African", "rand", "JSE All Share"),
    ("Shanghai", "Chinese", "yuan", "Shanghai Composite"),
    ("Toronto", "Canadian", "Canadian dollar", "TSX"),
)
MARKET_FACTORS = (
    "fresh inflation figures",
    "the outlook for interest rates",
    "weaker-than-expected factory data",
    "a rebound in oil prices",
    "quarterly results from large banks",
    "concerns about global demand",
    "a slide in technology shares on Wall Street",
    "the latest government bond auction",
)
SPORT_COUNTRIES = (
    "Turkey",
    "Portugal",
    "Germany",
    "France",
    "Italy",
    "Spain",
    "Brazil",
    "Argentina",
    "Japan",
    "South Korea",
    "Egypt",
    "Morocco",
    "Canada",
    "Ukraine",
    "Poland",
    "Croatia",
)
WEATHER_REGIONS = (
    ("northern Italy", "Milan", "Italy"),
    ("the Black Sea coast", "Trabzon", "Turkey"),
    ("southern France", "Marseille", "France"),
    ("the state of Kerala", "Kochi", "India"),
    ("eastern Germany", "Dresden", "Germany"),
    ("central Japan", "Nagoya", "Japan"),
    ("the Western Cape", "Cape Town", "South Africa"),
    ("southern Brazil", "Porto Alegre", "Brazil"),
    ("British Columbia", "Vancouver", "Canada"),
    ("western Ukraine", "Lviv", "Ukraine"),
)
MEETING_CITIES = ("Geneva", "Vienna", "Istanbul", "New Delhi", "Paris", "Bali", "Madrid", "Brussels", "Astana")

# --- call reports ------------------------------------------------------------------------------------

CALL_LEADS = (
    "{Ad} {At} {A} and {Bd} {Bt} {B} discussed {t1} and {t2} in a phone call{when}, {voice} said in a statement.",
    "{Ad} {At} {A} spoke by phone with {pa} {Bd} counterpart {B}{when}, according to {voice}.",
    "{B} and {A} held a telephone conversation{when} in which they reviewed {t1}, {voice} said.",
    "In a phone call{when}, {Ad} {At} {A} told {Bd} {Bt} {B} that {claim}, {voice} said.",
    "{Ad} {At} {A} and {Bd} {Bt} {B} held talks by telephone{when} on {t1} and {t2}, {voice} reported.",
    "{At} {A} had a phone conversation with {Bd} {Bt} {B}{when}, with {t1} high on the agenda, {voice} said.",
    "{A} telephoned {Bd} {Bt} {B}{when} to discuss {t1}, {voice} said in a readout of the call.",
)
VIDEO_LEADS = (
    "{Ad} {At} {A} and {Bd} {Bt} {B} held a video call{when} to discuss {t1}, {voice} said.",
    "{A} and {B} spoke by video conference{when} about {t1} and {t2}, {voice} said in a statement.",
)
CLAIMS = (
    "{ca} was ready to deepen cooperation on {t2}",
    "a ceasefire was needed before any negotiations could begin",
    "the two countries should expand trade in local currencies",
    "{ca} would support efforts to reopen humanitarian corridors",
    "progress on {t2} depended on steps from both sides",
)
CALL_FOLLOWS = (
    "The two leaders also exchanged views on {t2} and agreed to keep in close contact, the statement added.",
    "According to the readout, {Sa} stressed the importance of {t2}, while {Sb} underlined {pb} country's "
    "interest in {t3}.",
    "{Sb} thanked {Sa} for the conversation and said officials would follow up on the issues raised.",
    "The conversation also touched on {t3}, {voice} said, without giving further details.",
    "{Sa} told {Sb} that {ca} attached great importance to stable relations with {cb}, the statement said.",
    "The leaders instructed their ministers to prepare concrete proposals on {t2}.",
    "{Db} officials described the exchange as {adj} and said it lasted about {minutes} minutes.",
)
CALL_DETAILS = (
    "The call lasted about {minutes} minutes, officials said.",
    "It was the leaders' first conversation in several weeks.",
    "No joint statement was issued after the call.",
    "The call was initiated by the {db} side, the statement said.",
)
CALL_TITLES = (
    "{Sa} and {Sb} discuss {ts1} in phone call",
    "{Sa}, {Sb} hold phone talks on {ts1}",
    "{Da} and {Db} leaders speak by phone",
    "{Sb} and {Sa} talk {ts1} and {ts2} by phone",
    "{Sa} phones {Sb} over {ts1}",
    "{Da} leader {Sa} holds call with {Sb}",
)
VIDEO_TITLES = ("{Sa} and {Sb} hold video call on {ts1}", "{Sa}, {Sb} discuss {ts1} by video link")
EDIT_CLOSERS = (
    "{outlet} could not independently confirm all details of the exchange.",
    "This story has been updated with additional background.",
    "Additional reporting by {outlet} staff in {capb}.",
    "The call came at a time of intense diplomatic activity around {t2}.",
)

# --- background paragraphs ------------------------------------------------------------------------

PAIR_BACKGROUND = (
    "Trade between {ca} and {cb} reached about {bn} billion dollars in {year}, according to official figures, "
    "with {sector} and {sector2} among the largest items.",
    "{Ca} and {cb} have signed more than {n} cooperation agreements since {year}, covering areas from {sector} "
    "to {sector2}.",
    "Officials in {capa} describe relations with {cb} as {adj}, although differences remain over {issue}.",
    "{Db} diplomats have said repeatedly that questions such as {issue} can only be settled through patient "
    "negotiation.",
    "The two governments set up a joint commission on {sector} in {year}; its working groups last convened in "
    "{capb} in {month}.",
    "Analysts at a research institute in {capa} said the contacts reflected {reason}.",
    "A senior {da} official, speaking on condition of anonymity, said the relationship had entered {phase}.",
    "Opposition politicians in {capb} have criticised the government's approach to {ca}, arguing that it "
    "{critique}.",
    "{Ca} is among the largest foreign investors in {cb}, with particular interest in {sector}.",
    "Tourism between the two countries recovered strongly last year, with roughly {k} million visitors "
    "travelling from {ca} to {cb}.",
    "Energy officials in {capb} said negotiations on a new long-term supply contract were continuing at a "
    "technical level.",
    "The {da} central bank left its benchmark interest rate unchanged at {rate} percent last month, citing "
    "persistent inflation.",
    "Business associations in both countries have urged their governments to simplify customs procedures for "
    "{sector}.",
    "Diplomatic relations between {ca} and {cb} were established in {oldyear}, and embassies in {capa} and "
    "{capb} have expanded their trade sections since then.",
    "Economists expect growth in {cb} of around {pct} percent this year, below the government's own forecast.",
    "Several agreements on {sector} are awaiting ratification by the {da} parliament.",
    "Students from {cb} make up one of the largest groups of foreign students in {ca}, with about {thousands} "
    "enrolled at universities this year.",
    "Dozens of companies from {ca} took part in a trade fair in {capb} in {month}, according to the organisers.",
)
LEADER_BACKGROUND = (
    "{S} has made {priority} a central theme of {p} time in office.",
    "Polls published this month put approval of {S}'s government at around {pct2} percent.",
    "At home, {S} faces pressure over {domestic}, an issue that has dominated parliamentary debate in recent "
    "weeks.",
    "{S}'s {party} has promised to introduce legislation on {domestic} before the end of the year.",
    "Critics of {S} say the government has been slow to address {domestic}.",
)
REGION_BACKGROUND = (
    "The United Nations estimates that more than {k} million people in the wider region depend on humanitarian "
    "assistance.",
    "Shipping insurers have raised premiums for vessels crossing the area, adding to costs for exporters.",
    "Grain and fertiliser prices on international markets have been volatile since early {year}.",
    "International organisations have warned that reconstruction costs in the region could exceed {bn} billion "
    "dollars.",
    "Humanitarian groups say access to the worst-affected areas remains limited.",
    "Oil prices have swung sharply over the past year as producers adjusted output.",
)

MARKET_LEADS = (
    "Shares in {city} {moved} {pct} percent on {weekday} as investors weighed {factor}, with {sector} stocks "
    "leading the move.",
    "The {index} index {moved} {pct} percent on {weekday}, its {extreme} close in {weeks} weeks, as traders "
    "reacted to {factor}.",
)
MARKET_BODY = (
    "The benchmark closed at {points} points, with trading volumes {volume} the monthly average.",
    "The {currency} {fx} against the dollar, trading at {fxrate} by the close.",
    "Traders said {factor} would continue to set the tone for the rest of the week.",
    "Analysts at a brokerage in {city} expect volatility to persist until the next central bank decision.",
    "Bond yields {yields} slightly, with the ten-year yield at {rate} percent.",
    "Among individual stocks, a large {sector} producer {moved} {pct2small} percent after publishing quarterly "
    "results.",
    "The {dem} statistics office said industrial production {moved} {pct} percent in the previous month.",
    "Fund managers said foreign investors had been net {flow} of {dem} equities for a {ordinal} week.",
    "Gold prices {moved} {pct} percent, while Brent crude traded near {oil} dollars a barrel.",
)
SPORT_LEADS = (
    "{c1} beat {c2} {s1}-{s2} in a qualifying match on {weekday}, keeping alive their hopes of reaching the "
    "finals.",
    "{c1} and {c2} drew {s1}-{s1} on {weekday} in a tense match that was decided by two late goals.",
)
SPORT_BODY = (
    "The result leaves {c1} {pos} in the group with {pts} points from {games} matches.",
    "The coach of {c2} said his side had created enough chances but lacked precision in front of goal.",
    "A crowd of about {crowd} thousand watched the game, the largest attendance of the season.",
    "{c1} had lost their previous two matches and made {changes} changes to the starting line-up.",
    "The decisive goal came from a counter-attack in the {minute}th minute.",
    "Both teams play again next week, when {c2} host the group leaders.",
    "The match was briefly interrupted in the second half after fireworks were thrown onto the pitch.",
    "Ticket prices for the tournament have drawn criticism from supporters' groups in {c2}.",
)
WEATHER_LEADS = (
    "Heavy rain caused flooding in parts of {region} on {weekday}, closing roads and forcing the evacuation of "
    "several villages, local authorities said.",
    "Temperatures climbed to {temp} degrees Celsius in {city} on {weekday} as a heatwave spread across "
    "{region}.",
    "Strong winds and snow disrupted transport across {region} on {weekday}, with dozens of flights cancelled "
    "at {city} airport.",
)
WEATHER_BODY = (
    "The national meteorological service issued {colour} warnings for {k2} provinces and advised residents to "
    "avoid unnecessary travel.",
    "Emergency services said they had received more than {hundreds} requests for assistance overnight.",
    "Farmers in {region} warned that the conditions could damage {crop} harvests.",
    "Forecasters expect the weather to improve by the weekend, although further showers are likely.",
    "Power was cut to about {thousands} homes, the regional electricity company said.",
    "Scientists say extreme weather events in {country} have become more frequent over the past two decades.",
    "Schools in {city} remained closed as a precaution.",
)
MEETING_LEADS = (
    "{Ad} {At} {A} met {Bd} {Bt} {B} in {mcity} on {weekday} for talks on {t1} and {t2}, officials said.",
    "{A} and {B} held face-to-face talks in {mcity} on {weekday}, their first in-person meeting in months.",
    "{B} received {Ad} {At} {A} in {mcity} on {weekday} for a working visit focused on {t1}.",
)
MEETING_BODY = (
    "The two leaders shook hands in front of cameras before the meeting, which lasted about {minutes2} minutes.",
    "At a joint press conference, {Sa} said the talks had been {adj}.",
    "{Sb} said after the meeting that both sides had agreed to set up a working group on {t2}.",
    "Delegations from both countries signed agreements on {sector} and {sector2} on the sidelines of the visit.",
    "It was {Sa}'s first visit to {cb} since {oldyear}.",
)
MEETING_TITLES = ("{Sa} and {Sb} meet in {mcity}", "{Sa} hosts {Sb} for talks on {ts1}", "{Sa}, {Sb} hold talks in {mcity}")
MARKET_TITLES = (
    "{index} {dir} as investors weigh {factor_short}",
    "{dem} stocks {dir} on {factor_short}",
    "Markets wrap: {city} shares {dir}",
)
SPORT_TITLES = ("{c1} beat {c2} in qualifier", "{c1} and {c2} share the points", "Late goals decide {c1} against {c2}")
WEATHER_TITLES = ("Floods hit {region}", "Heatwave grips {region}", "Storm disrupts travel in {region}")

@dataclass(frozen=True, slots=True)
class Label:
    """What one generated message is: the ground truth of the benchmark feed."""

    index: int
    id: str
    kind: str  # call | other | bad
    call: str | None = None  # "<leader>+<leader>:<day>:<medium>" for articles reporting a call
    variant: str | None = None  # wire | verbatim | edited | rewrite (call articles); markets | sport | ...
    reason: str | None = None  # for bad messages: the validator's rejection reason


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_FORMATTER = string.Formatter()


class _Filler:
    """Fills a template's slots: fixed ones from the story, the rest drawn at random."""

    def __init__(self, rng: random.Random, day: date) -> None:
        self.rng = rng
        self.day = day

    def draw(self, name: str, fixed: dict[str, str]) -> str:
        r = self.rng
        pools = {
            "sector": SECTORS,
            "issue": ISSUES,
            "reason": REASONS,
            "phase": PHASES,
            "critique": CRITIQUES,
            "priority": PRIORITIES,
            "domestic": DOMESTIC,
            "party": PARTIES,
            "adj": ADJECTIVES,
            "month": MONTHS,
            "factor": MARKET_FACTORS,
            "colour": ("yellow", "orange", "red"),
            "crop": ("wheat", "maize", "grape", "rice", "olive", "tea"),
            "extreme": ("highest", "lowest", "strongest", "weakest"),
            "volume": ("above", "below", "close to"),
            "fx": ("firmed", "weakened", "edged lower", "was little changed"),
            "yields": ("rose", "fell", "edged up", "eased"),
            "flow": ("buyers", "sellers"),
            "ordinal": ("second", "third", "fourth", "fifth"),
            "pos": ("top", "second", "third", "bottom"),
        }
        if name in NUMBERS:
            return NUMBERS[name](r, self.day)
        base = name.rstrip("0123456789")
        if base in pools:
            value = r.choice(pools[base])
            while name != base and fixed.get(base) == value:  # "sector2" differs from "sector"
                value = r.choice(pools[base])
            return value
        raise KeyError(name)

    def fill(self, template: str, fixed: dict[str, str]) -> str:
        values = dict(fixed)
        for _, name, _, _ in _FORMATTER.parse(template):
            if name and name not in values:
                values[name] = self.draw(name, values)
        return template.format_map(values)


def _when(style: str, call_day: date, published: date) -> str:
    """The call's day as the article says it, relative to its own publication day (" on Monday")."""
    lag = (published - call_day).days
    if style == "relative" and lag == 0:
        return " earlier today"
    if style == "relative" and lag == 1:
        return " yesterday"
    if style == "late":
        return f" late on {WEEKDAYS[call_day.weekday()]}"
    if style == "explicit_dm":
        return f" on {call_day.day} {MONTHS[call_day.month - 1]}"
    if style == "explicit_md":
        return f" on {MONTHS[call_day.month - 1]} {call_day.day}"
    if style == "none":
        return ""
    return f" on {WEEKDAYS[call_day.weekday()]}"


@dataclass(slots=True)
class _Story:
    """A call report before rendering: paragraphs hold {when}, filled per article."""

    title: str
    paragraphs: list[str]
    style: str


@dataclass(order=True, slots=True)
class _Pending:
    published: datetime
    seq: int
    doc: dict[str, Any]  # id and url are set when the message is emitted
    label: Label


class _Feed:
    def __init__(self, seed: int, bad_share: float, id_prefix: str) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.bad_share = bad_share
        self.id_prefix = id_prefix
        self.day = START
        self.heap: list[_Pending] = []
        self.seq = 0
        self.follow_ups: dict[date, list[tuple[str, str]]] = {}

    # --- the timeline ---

    def __iter__(self) -> Iterator[tuple[bytes, Label]]:
        index = 0
        while True:
            while not self.heap or self.heap[0].published.date() >= self.day:
                self._news_day(self.day)
                self.day += timedelta(days=1)
                if self.day > END:
                    self.day = START
                    self.follow_ups.clear()
            if self.rng.random() < self.bad_share:
                yield self._bad(index, self.heap[0].published)
            else:
                item = heapq.heappop(self.heap)
                yield self._emit(index, item)
            index += 1

    def _push(self, published: datetime, doc: dict[str, Any], label: Label) -> None:
        self.seq += 1
        heapq.heappush(self.heap, _Pending(published, self.seq, doc, label))

    def _emit(self, index: int, item: _Pending) -> tuple[bytes, Label]:
        article_id = f"{self.id_prefix}-{self.seed}-{index:07d}"
        doc = dict(item.doc)
        published = item.published
        slug = "-".join(doc["title"].lower().replace(",", "").replace(":", "").split()[:6])
        doc["id"] = article_id
        doc["url"] = f"https://{doc.pop('_domain')}/{published:%Y/%m/%d}/{slug}-{index}"
        value = orjson.dumps(doc)
        return value, replace(item.label, index=index, id=article_id)

    def _news_day(self, day: date) -> None:
        r = self.rng
        pairs = [p for p in PAIRS if LEADERS[p[0]].in_office(day) and LEADERS[p[1]].in_office(day)]
        calling = {tuple(sorted(p)) for p in self.follow_ups.pop(day, [])}
        while len(calling) < r.choice((3, 4, 5, 5, 6, 7)):
            calling.add(tuple(sorted(r.choice(pairs))))
        for pair in sorted(calling):
            a, b = (LEADERS[k] for k in (pair if r.random() < 0.5 else pair[::-1]))
            if not (a.in_office(day) and b.in_office(day)):
                continue
            self._call(day, a, b)
            if r.random() < 0.3:  # the same two leaders call again a few days later: another event
                later = day + timedelta(days=r.randint(1, 5))
                self.follow_ups.setdefault(later, []).append(pair)
        for _ in range(r.randint(18, 32)):
            kind = r.choices(("markets", "sport", "weather", "meeting"), (0.35, 0.25, 0.2, 0.2))[0]
            free = [p for p in pairs if tuple(sorted(p)) not in calling]
            if kind == "meeting" and free:
                a, b = (LEADERS[k] for k in r.choice(free))
                doc = self._meeting(day, a, b)
            else:
                doc = self._other(day, "markets" if kind == "meeting" else kind)
                kind = "markets" if kind == "meeting" else kind
            published = datetime(day.year, day.month, day.day, r.randint(5, 23), r.randint(0, 59), tzinfo=UTC)
            doc["published_at"] = _stamp(published)
            self._push(published, doc, Label(-1, "", "other", variant=kind))

    # --- call coverage ---

    def _call(self, day: date, a: Leader, b: Leader) -> None:
        r = self.rng
        medium = "video" if r.random() < 0.12 else "phone"
        call_key = "+".join(sorted((a.key, b.key))) + f":{day.isoformat()}:{medium}"
        topics = r.sample(TOPICS, 3)
        outlets = r.sample(OUTLETS, r.choice((2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10)))
        lag = r.choices((0, 1, 2), (0.6, 0.35, 0.05))[0]
        hour = r.randint(10, 22) if lag == 0 else r.randint(5, 22)
        wire_time = datetime(day.year, day.month, day.day, hour, r.randint(0, 59), tzinfo=UTC) + timedelta(
            days=lag
        )
        wire = self._story(day, a, b, medium, topics, wire_time.date())
        wire_body = self._render(wire, day, wire_time.date())
        wire_title = wire.title
        for number, (outlet, domain) in enumerate(outlets):
            if number == 0:
                variant, published, title, body = "wire", wire_time, wire_title, wire_body
            else:
                variant = r.choices(("verbatim", "edited", "rewrite"), (0.35, 0.3, 0.35))[0]
                if variant == "verbatim":
                    published = min(
                        wire_time + timedelta(minutes=r.randint(3, 300)),
                        wire_time.replace(hour=23, minute=59),
                    )
                    title = wire_title if r.random() < 0.7 else self._title(a, b, medium, topics)
                    body = wire_body
                elif variant == "edited":
                    published = wire_time + timedelta(minutes=r.randint(20, 1200))
                    title, body = self._edit(wire, day, published.date(), a, b, medium, topics, outlet)
                else:
                    published = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                        days=r.choices((0, 1, 2), (0.5, 0.4, 0.1))[0], minutes=r.randint(300, 1430)
                    )
                    story = self._story(day, a, b, medium, r.sample(TOPICS, 3), published.date())
                    title, body = story.title, self._render(story, day, published.date())
            doc = {
                "source": outlet,
                "title": title,
                "body": body,
                "published_at": _stamp(published),
                "language": "en",
                "_domain": domain,
            }
            self._push(published, doc, Label(-1, "", "call", call=call_key, variant=variant))

    def _slots(self, a: Leader, b: Leader, topics: list[tuple[str, str]]) -> dict[str, str]:
        return {
            "A": a.name,
            "B": b.name,
            "Sa": a.surname,
            "Sb": b.surname,
            "At": a.title,
            "Bt": b.title,
            "Ad": a.demonym,
            "Bd": b.demonym,
            "Da": a.demonym,
            "Db": b.demonym,
            "da": a.demonym,
            "db": b.demonym,
            "pa": a.pronoun,
            "pb": b.pronoun,
            "ca": a.country,
            "cb": b.country,
            "Ca": _cap(a.country),
            "Cb": _cap(b.country),
            "capa": a.capital,
            "capb": b.capital,
            "voice": a.voice,
            "t1": topics[0][0],
            "t2": topics[1][0],
            "t3": topics[2][0],
            "ts1": topics[0][1],
            "ts2": topics[1][1],
        }

    def _title(self, a: Leader, b: Leader, medium: str, topics: list[tuple[str, str]]) -> str:
        fill = _Filler(self.rng, START)
        return fill.fill(self.rng.choice(VIDEO_TITLES if medium == "video" else CALL_TITLES), self._slots(a, b, topics))

    def _story(
        self, day: date, a: Leader, b: Leader, medium: str, topics: list[tuple[str, str]], published: date
    ) -> _Story:
        r = self.rng
        fill = _Filler(r, day)
        slots = self._slots(a, b, topics)
        slots["claim"] = fill.fill(r.choice(CLAIMS), slots)
        lag = (published - day).days
        styles = ["weekday", "weekday", "late", "explicit_dm", "explicit_md", "none"]
        if lag in (0, 1):
            styles += ["relative", "relative"]
        style = r.choice(styles)
        lead = fill.fill(r.choice(VIDEO_LEADS if medium == "video" else CALL_LEADS), {**slots, "when": "{when}"})
        paragraphs = [lead]
        follows = r.sample(CALL_FOLLOWS, r.randint(1, 3))
        paragraphs.append(" ".join(fill.fill(t, slots) for t in follows))
        if r.random() < 0.5:
            paragraphs.append(fill.fill(r.choice(CALL_DETAILS), slots))
        target = r.randint(MIN_BYTES + 100, MAX_BYTES - 700)
        paragraphs += self._background(fill, a, b, slots, target - sum(len(p.encode()) for p in paragraphs) - 300)
        title = fill.fill(r.choice(VIDEO_TITLES if medium == "video" else CALL_TITLES), slots)
        return _Story(title, paragraphs, style)

    def _render(self, story: _Story, day: date, published: date) -> str:
        style = story.style
        lag = (published - day).days
        if style == "relative" and lag not in (0, 1):
            style = "weekday"  # a copy published later cannot say "yesterday" any more
        when = _when(style, day, published)
        return "\n\n".join(p.replace("{when}", when) for p in story.paragraphs)

    def _edit(
        self,
        wire: _Story,
        day: date,
        published: date,
        a: Leader,
        b: Leader,
        medium: str,
        topics: list[tuple[str, str]],
        outlet: str,
    ) -> tuple[str, str]:
        """A lightly edited copy of the wire story: another headline, a paragraph dropped or moved,
        a closing line of the outlet's own; the day is re-expressed for its own publication day."""
        r = self.rng
        fill = _Filler(r, day)
        slots = {**self._slots(a, b, topics), "outlet": outlet}
        paragraphs = list(wire.paragraphs)
        edits = r.sample(("drop", "swap", "closer", "said"), r.randint(1, 3))
        if "drop" in edits and len(paragraphs) > 4:
            del paragraphs[r.randrange(3, len(paragraphs))]
        if "swap" in edits and len(paragraphs) > 5:
            i = r.randrange(3, len(paragraphs) - 1)
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
        if "said" in edits:
            paragraphs = [p.replace(" said.", " said on its website.", 1) for p in paragraphs]
        if "closer" in edits or len(paragraphs) < 4:
            paragraphs.append(fill.fill(r.choice(EDIT_CLOSERS), slots))
        title = self._title(a, b, medium, topics)
        return title, self._render(_Story(title, paragraphs, wire.style), day, published)

    def _background(self, fill: _Filler, a: Leader, b: Leader, slots: dict[str, str], budget: int) -> list[str]:
        """Plausible paragraphs about the two countries, their leaders and the region, about `budget` bytes."""
        r = self.rng
        out: list[str] = []
        used: set[str] = set()
        size = 0
        while size < budget:
            paragraph = []
            for _ in range(r.randint(2, 3)):
                pool = r.choices(("pair", "leader", "region"), (0.6, 0.25, 0.15))[0]
                if pool == "leader":
                    who = a if r.random() < 0.5 else b
                    template = r.choice(LEADER_BACKGROUND)
                    local = {**slots, "S": who.surname, "p": who.pronoun}
                else:
                    template = r.choice(PAIR_BACKGROUND if pool == "pair" else REGION_BACKGROUND)
                    swap = r.random() < 0.5  # either country can be the subject
                    local = slots if not swap else {**slots, **_swapped(slots)}
                if template in used and len(used) < 20:
                    continue
                used.add(template)
                paragraph.append(fill.fill(template, local))
            if paragraph:
                text = " ".join(paragraph)
                out.append(text)
                size += len(text.encode()) + 2
        return out

    # --- news without a call ---

    def _meeting(self, day: date, a: Leader, b: Leader) -> dict[str, Any]:
        r = self.rng
        fill = _Filler(r, day)
        topics = r.sample(TOPICS, 3)
        slots = {**self._slots(a, b, topics), "mcity": r.choice(MEETING_CITIES), "weekday": WEEKDAYS[day.weekday()]}
        paragraphs = [fill.fill(r.choice(MEETING_LEADS), slots)]
        paragraphs += [fill.fill(t, slots) for t in r.sample(MEETING_BODY, r.randint(2, 4))]
        target = r.randint(MIN_BYTES + 100, MAX_BYTES - 700)
        paragraphs += self._background(fill, a, b, slots, target - sum(len(p) for p in paragraphs) - 250)
        outlet, domain = r.choice(OUTLETS)
        title = fill.fill(r.choice(MEETING_TITLES), slots)
        return {"source": outlet, "title": title, "body": "\n\n".join(paragraphs), "language": "en", "_domain": domain}

    def _other(self, day: date, kind: str) -> dict[str, Any]:
        r = self.rng
        fill = _Filler(r, day)
        weekday = WEEKDAYS[day.weekday()]
        if kind == "markets":
            city, dem, currency, index = r.choice(MARKET_PLACES)
            moved = r.choice(("rose", "fell", "gained", "slipped", "climbed", "dropped"))
            factor = r.choice(MARKET_FACTORS)
            slots = {
                "city": city,
                "dem": dem,
                "currency": currency,
                "index": index,
                "moved": moved,
                "weekday": weekday,
                "factor": factor,
                "factor_short": " ".join(factor.split()[-2:]),
                "dir": "rise" if moved in ("rose", "gained", "climbed") else "fall",
            }
            leads, body, titles = MARKET_LEADS, MARKET_BODY, MARKET_TITLES
        elif kind == "sport":
            c1, c2 = r.sample(SPORT_COUNTRIES, 2)
            s1, s2 = sorted(r.sample(range(5), 2), reverse=True)
            slots = {"c1": c1, "c2": c2, "s1": str(s1), "s2": str(s2), "weekday": weekday}
            leads, body, titles = SPORT_LEADS, SPORT_BODY, SPORT_TITLES
        else:
            region, city, country = r.choice(WEATHER_REGIONS)
            slots = {"region": region, "city": city, "country": country, "weekday": weekday}
            leads, body, titles = WEATHER_LEADS, WEATHER_BODY, WEATHER_TITLES
        target = r.randint(MIN_BYTES + 100, MAX_BYTES - 700)
        paragraphs = [fill.fill(r.choice(leads), slots)]
        size = len(paragraphs[0].encode())
        while size < target - 250:
            sentences = [fill.fill(t, {**slots, "moved": r.choice(("rose", "fell"))}) for t in r.sample(body, 3)]
            paragraphs.append(" ".join(sentences))
            size += len(paragraphs[-1].encode()) + 2
        outlet, domain = r.choice(OUTLETS)
        title = fill.fill(r.choice(titles), slots)
        return {"source": outlet, "title": title, "body": "\n\n".join(paragraphs), "language": "en", "_domain": domain}

    # --- malformed messages ---

    def _bad(self, index: int, around: datetime) -> tuple[bytes, Label]:
        r = self.rng
        article_id = f"{self.id_prefix}-{self.seed}-{index:07d}"
        doc = self._other(around.date(), r.choice(("markets", "sport", "weather")))
        doc.pop("_domain")
        doc = {"id": article_id, **doc, "published_at": _stamp(around)}
        reason = r.choice(BAD_KINDS)
        if reason == "invalid_json":  # cut short, on a character boundary
            text = orjson.dumps(doc).decode()
            value = text[: r.randint(len(text) // 4, len(text) - 2)].encode()
        elif reason == "missing_body":
            del doc["body"]
            value = orjson.dumps(doc)
        else:  # an article from a feed that sends Latin-1
            doc["title"] = "Communiqué: " + doc["title"]
            value = orjson.dumps(doc).decode().encode("latin-1", errors="replace")
        return value, Label(index, article_id, "bad", reason=reason)


def _swapped(slots: dict[str, str]) -> dict[str, str]:
    pairs = (("ca", "cb"), ("Ca", "Cb"), ("da", "db"), ("Da", "Db"), ("capa", "capb"))
    out = {}
    for x, y in pairs:
        out[x], out[y] = slots[y], slots[x]
    return out


def _stamp(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_labelled(n: int, seed: int = 1, bad_share: float = 0.03, id_prefix: str = "bench") -> Iterator[
    tuple[bytes, Label]
]:
    """`n` raw-article messages (JSON bytes) with what each one is."""
    if not 0.0 <= bad_share <= 1.0:
        raise ValueError(f"bad_share must be within [0, 1], not {bad_share}")
    if n <= 0:
        return
    for count, item in enumerate(_Feed(seed, bad_share, id_prefix), 1):
        yield item
        if count >= n:
            return


def generate(n: int, seed: int = 1, bad_share: float = 0.03, id_prefix: str = "bench") -> Iterator[bytes]:
    """`n` raw-article messages (JSON bytes), streamed."""
    for value, _ in generate_labelled(n, seed, bad_share, id_prefix):
        yield value


def ground_truth(n: int, seed: int = 1, bad_share: float = 0.03, id_prefix: str = "bench") -> dict[str, list[str]]:
    """Which articles report which call: call key -> article ids (the feed of `generate` with the same arguments)."""
    calls: dict[str, list[str]] = {}
    for _, label in generate_labelled(n, seed, bad_share, id_prefix):
        if label.call is not None:
            calls.setdefault(label.call, []).append(label.id)
    return calls
