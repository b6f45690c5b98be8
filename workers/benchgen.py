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
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

START = date(2019, 6, 1)
# the knowledge base is checked to mid-2026; a feed longer than the timeline (~129,000 messages) starts it again
END = date(2026, 5, 31)
MIN_BYTES, MAX_BYTES = 1024, 8192  # size of a good message (the JSON), bytes
BACKGROUND_VARIETY = 60  # distinct background sentences an article draws before any repeats
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
            "merkel", "Angela Merkel", "Merkel", "her", "Germany", "German", "Chancellor",
            [("2005-11-22", "2021-12-07")], "the German Chancellery", "Berlin",
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
    ("merkel", "putin"),
    ("merkel", "macron"),
    ("merkel", "zelensky"),
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
    "Opposition politicians in {capb} have criticised the government's approach to {ca}, arguing that it {critique}.",
    "{Ca} is among the largest foreign investors in {cb}, with particular interest in {sector}.",
    "Tourism between the two countries recovered strongly last year, with roughly {k} million visitors "
    "travelling from {ca} to {cb}.",
    "Energy officials in {capb} said negotiations on a new long-term supply contract were continuing at a "
    "technical level.",
    "The {da} central bank left its benchmark interest rate unchanged at {rate} percent last month, citing "
    "persistent inflation.",
    "Business associations in both countries have urged their governments to simplify customs procedures for {sector}.",
    "Diplomatic relations between {ca} and {cb} were established in {oldyear}, and embassies in {capa} and "
    "{capb} have expanded their trade sections since then.",
    "Economists expect growth in {cb} of around {pct} percent this year, below the government's own forecast.",
    "Several agreements on {sector} are awaiting ratification by the {da} parliament.",
    "Students from {cb} make up one of the largest groups of foreign students in {ca}, with about {thousands} "
    "enrolled at universities this year.",
    "Dozens of companies from {ca} took part in a trade fair in {capb} in {month}, according to the organisers.",
    "A {km}-kilometre transport corridor linking the two countries is due to be completed within three years, "
    "although financing for its final section has not been agreed.",
    "Construction companies from {ca} are building a {mw}-megawatt power plant in {cb}, one of the largest "
    "bilateral projects of recent years.",
    "Customs data show that exports of {sector} from {ca} to {cb} rose by {pct2} percent in the first half of "
    "the year.",
    "The foreign ministers of the two countries have met several times this year, most recently in {month}.",
    "Officials in {capb} have said they want to reduce the trade deficit with {ca}, which they put at about "
    "{bn} billion dollars.",
    "{Ca} opened a new consulate in {cb} in {year}, citing the growing number of its citizens living there.",
    "Direct flights between {capa} and {capb} were expanded this spring to {n} a week.",
    "The two countries hold regular consultations on {issue}, the latest round of which ended without agreement.",
    "A joint investment fund created in {year} has so far financed {n} projects, mostly in {sector}.",
    "Think tanks in {capa} have argued that {ca} should diversify its partners rather than rely on {cb}.",
    "Relations cooled briefly in {year} over {issue} before a gradual thaw the following spring.",
    "Parliamentary friendship groups from both countries met in {capa} in {month} to discuss {sector}.",
    "Central banks of the two countries signed a currency swap agreement in {year}, which officials say has "
    "helped trade in {sector}.",
    "Media in {cb} have given prominent coverage to the relationship, reflecting its weight in domestic debate.",
    "Both governments have said they want bilateral trade to reach {bn} billion dollars within five years.",
)
LEADER_BACKGROUND = (
    "{S} has made {priority} a central theme of {p} time in office.",
    "Polls published this month put approval of {S}'s government at around {pct2} percent.",
    "At home, {S} faces pressure over {domestic}, an issue that has dominated parliamentary debate in recent weeks.",
    "{S}'s {party} has promised to introduce legislation on {domestic} before the end of the year.",
    "Critics of {S} say the government has been slow to address {domestic}.",
    "Supporters credit {S} with steering the country through a difficult period for the economy.",
    "{S} is due to present a new economic programme to parliament in the coming months.",
    "The cabinet that {S} leads was reshuffled in {month}, bringing in a new finance minister.",
    "A survey by an independent institute found that {pct2} percent of voters approve of {S}'s foreign policy.",
    "{S} has travelled abroad less often this year, focusing on {priority} at home.",
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
    "Regional airlines have rerouted flights around closed airspace, lengthening journey times.",
    "The International Monetary Fund expects growth in the region to slow to about {pct} percent next year.",
    "Aid agencies have appealed for {bn} billion dollars to cover needs in the region this year, but less than "
    "half of that has been pledged.",
    "Freight rates on routes through the region have roughly doubled since {year}, according to industry data.",
    "Refugee numbers in neighbouring countries have risen again this year, the UN refugee agency says.",
    "Energy ministers from the region are due to gather in {month} to discuss electricity interconnections.",
)

MARKET_LEADS = (
    "Shares in {city} {moved} {pct} percent on {weekday} as investors weighed {factor}, with {sector} stocks "
    "leading the move.",
    "The {index} index {moved} {pct} percent on {weekday}, its {extreme} close in {weeks} weeks, as traders "
    "reacted to {factor}.",
)
MARKET_TITLES = ("{index} {dirs} as investors weigh {factor_short}", "{Dem} stocks {dir} on {factor_short}")
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
    "Banking shares were mixed, with lenders exposed to consumer credit underperforming the wider market.",
    "A large retailer {moved} {pct2small} percent after cutting its full-year sales forecast.",
    "Shares of the main airline operator {moved} {pct2small} percent as jet fuel prices {yields}.",
    "Market breadth was {breadth}, with {n} stocks advancing for every {k2} that declined.",
    "A gauge of expected volatility {yields}, reaching its {extreme} level since {month}.",
    "Strategists at a local investment bank changed their year-end target for the index to {points} points.",
    "Turnover on the exchange reached {bn} billion in local currency terms.",
    "Shares in a telecoms group {moved} {pct2small} percent after the company announced a share buyback.",
    "Property developers {moved} after new figures showed a {pct} percent change in monthly housing sales.",
    "Economists polled ahead of the data had expected a smaller change.",
    "The central bank is next due to set interest rates in {month}, and markets are pricing in {pricing}.",
    "Exporters were supported by the exchange rate, while importers came under pressure.",
    "Trading was thinner than usual ahead of a public holiday later in the week.",
    "Newly listed shares of a {sector} company debuted {pct2small} percent above their offer price.",
    "Insurance stocks held up better than the market as investors sought defensive positions.",
)
ECONOMY_BACKGROUND = (
    "The {dem} economy grew by {pct} percent in the last quarter, according to preliminary estimates.",
    "Annual consumer price inflation stood at {rate} percent last month, above the central bank's target.",
    "Unemployment has edged down to {pct2small} percent, the lowest rate in several years.",
    "The government expects the budget deficit to narrow this year as tax revenues recover.",
    "Manufacturers reported that new export orders had risen for a {ordinal} consecutive month.",
    "Credit rating agencies have kept the country's outlook unchanged, citing a stable banking sector.",
    "Household spending has slowed as higher borrowing costs weigh on consumers.",
    "Foreign direct investment into the country reached about {bn} billion dollars last year.",
    "The finance ministry plans to sell bonds worth {bn} billion in local currency over the coming quarter.",
    "Business confidence improved in {month}, a survey of purchasing managers showed.",
    "Economists warn that a slowdown among major trading partners could weigh on growth next year.",
    "Energy imports remain one of the largest items in the country's current account.",
)
SPORT_WIN = (
    "{c1} beat {c2} {s1}-{s2} in a qualifying match on {weekday}, keeping alive their hopes of reaching the finals.",
    ("{c1} beat {c2} in qualifier", "Late goals lift {c1} past {c2}"),
)
SPORT_DRAW = (
    "{c1} and {c2} drew {s1}-{s1} on {weekday} in a tense qualifying match that was decided by two late goals.",
    ("{c1} and {c2} share the points", "{c1} held by {c2} in qualifier"),
)
SPORT_BODY = (
    "The result leaves {c1} {pos} in the group with {pts} points from {games} matches.",
    "The coach of {c2} said his side had created enough chances but lacked precision in front of goal.",
    "A crowd of about {crowd} thousand watched the game, the largest attendance of the season.",
    "{c1} had lost their previous two matches and made {changes} changes to the starting line-up.",
    "The decisive moment came from a counter-attack in the {minute} minute.",
    "Both teams play again next week, when {c2} host the group leaders.",
    "The match was briefly interrupted in the second half after fireworks were thrown onto the pitch.",
    "Ticket prices for the tournament have drawn criticism from supporters' groups in {c2}.",
    "The goalkeeper of {c1} made several important saves in the first half.",
    "The referee awarded a penalty shortly before half-time after reviewing the footage.",
    "{c2} finished the match with ten players after a second yellow card.",
    "The football federation of {c1} confirmed that the captain would miss the next match through injury.",
    "Possession was evenly shared, but {c1} had more shots on target.",
    "Supporters of {c2} travelled in large numbers despite the long journey.",
    "The two sides had met {n3} times before, with {c1} winning most of those matches.",
    "The pitch was heavy after rain earlier in the day, slowing the pace of the game.",
    "Injuries have disrupted preparations for both squads during the past month.",
    "Local media praised the performance of a young midfielder who was making his first start.",
    "The top two teams in each group qualify directly, while the third-placed side enters a play-off.",
    "Officials said security arrangements at the stadium had worked well.",
    "Television audiences for the match were among the highest of the year, broadcasters said.",
)
WEATHER_KINDS = (
    (
        "Heavy rain caused flooding in parts of {region} on {weekday}, closing roads and forcing the evacuation "
        "of several villages, local authorities said.",
        ("Floods hit {region}", "Heavy rain floods villages in {region}"),
        (
            "In {city}, {mm} millimetres of rain fell in 24 hours, more than the usual total for the month.",
            "Water levels on several rivers were still rising and could peak by the end of the week, hydrologists "
            "said.",
            "Local authorities opened temporary shelters in schools and sports halls.",
            "Rail operators suspended services on several regional lines while crews cleared debris.",
            "Farmers in {region} warned that the flooding could damage {crop} harvests.",
        ),
    ),
    (
        "Temperatures climbed to {temp} degrees Celsius in {city} on {weekday} as a heatwave spread across {region}.",
        ("Heatwave grips {region}", "Temperatures soar in {region}"),
        (
            "Residents were advised to stay indoors during the hottest hours of the day.",
            "Hospitals reported a rise in admissions linked to the heat, mostly among elderly residents.",
            "Firefighters were on alert after several wildfires broke out in dry woodland.",
            "Electricity demand reached a record as households and offices turned up air conditioning.",
            "Farmers in {region} warned that the drought could damage {crop} harvests.",
        ),
    ),
    (
        "Strong winds and snow disrupted transport across {region} on {weekday}, with dozens of flights "
        "cancelled at {city} airport.",
        ("Storm disrupts travel in {region}", "Snow and wind snarl transport in {region}"),
        (
            "Several motorways were closed to lorries after drivers were stranded overnight.",
            "Rail operators suspended services on several regional lines while crews cleared fallen trees.",
            "Ferry services were cancelled because of high waves.",
            "Gusts of up to {gust} kilometres an hour were recorded on higher ground.",
            "Road maintenance crews worked through the night to clear snow from main routes.",
        ),
    ),
)
WEATHER_BODY = (
    "The national meteorological service issued {colour} warnings for {k2} provinces and advised residents to "
    "avoid unnecessary travel.",
    "Emergency services said they had received more than {hundreds} requests for assistance overnight.",
    "Forecasters expect conditions to ease by the weekend, although the outlook remains uncertain.",
    "Power was cut to about {thousands} homes, the regional electricity company said.",
    "Scientists say extreme weather events in {country} have become more frequent over the past two decades.",
    "Schools in {city} remained closed as a precaution.",
    "Insurance companies said it was too early to estimate the cost of the damage.",
    "The regional governor said the army had been asked to help.",
    "Opposition politicians accused the authorities of being poorly prepared despite repeated warnings.",
    "Volunteers distributed drinking water and food in the worst-affected districts.",
    "The government said it would release emergency funds to the region.",
    "Meteorologists said the season had already been one of the most unusual on record.",
    "Climate researchers have called for better early-warning systems and stricter building rules.",
    "Tourism operators reported cancellations as visitors postponed their trips.",
)
MEETING_LEADS = (
    "{Ad} {At} {A} met {Bd} {Bt} {B} in {capb} on {weekday} for talks on {t1} and {t2}, officials said.",
    "{A} and {B} held face-to-face talks in {capb} on {weekday}, their first in-person meeting in months.",
    "{B} received {Ad} {At} {A} in {capb} on {weekday} for a working visit focused on {t1}.",
)
MEETING_TITLES = ("{Sb} hosts {Sa} in {capb}", "{Sa} visits {capb} for talks with {Sb}", "{Sa}, {Sb} meet in {capb}")
MEETING_BODY = (
    "The two leaders shook hands in front of cameras before the meeting, which lasted about {minutes2} minutes.",
    "At a joint press conference, {Sa} said the talks had been {adj}.",
    "{Sb} said after the meeting that both sides had agreed to set up a working group on {t2}.",
    "Delegations from both countries signed agreements on {sector} and {sector2} on the sidelines of the visit.",
    "It was {Sa}'s first visit to {cb} since {oldyear}.",
    "Security was tight in the centre of {capb}, where several streets were closed for the visit.",
)

# numeric slots: (rng, the story's day) -> text
NUMBERS: dict[str, Callable[[random.Random, date], str]] = {
    "year": lambda r, d: str(r.randint(d.year - 8, d.year - 1)),
    "oldyear": lambda r, d: str(r.randint(1950, 1995)),
    "bn": lambda r, d: str(r.randint(4, 95)),
    "n": lambda r, d: str(r.randint(8, 70)),
    "k": lambda r, d: f"{r.uniform(1.2, 9.8):.1f}",
    "k2": lambda r, d: str(r.randint(3, 24)),
    "rate": lambda r, d: f"{r.uniform(1.5, 14.5):.2f}",
    "pct": lambda r, d: f"{r.uniform(0.1, 3.9):.1f}",
    "pct2": lambda r, d: str(r.randint(28, 64)),
    "pct2small": lambda r, d: f"{r.uniform(2.0, 9.5):.1f}",
    "thousands": lambda r, d: f"{r.randint(3, 90)},{r.randint(0, 999):03d}",
    "hundreds": lambda r, d: str(r.randint(120, 950)),
    "minutes": lambda r, d: str(r.choice((30, 40, 45, 50, 60, 75, 90))),
    "minutes2": lambda r, d: str(r.choice((60, 90, 120, 150))),
    "points": lambda r, d: f"{r.randint(2, 60)},{r.randint(0, 999):03d}.{r.randint(0, 99):02d}",
    "fxrate": lambda r, d: f"{r.uniform(0.7, 95.0):.2f}",
    "oil": lambda r, d: str(r.randint(62, 118)),
    "weeks": lambda r, d: str(r.randint(2, 30)),
    "pts": lambda r, d: str(r.randint(1, 19)),
    "games": lambda r, d: str(r.randint(3, 8)),
    "crowd": lambda r, d: str(r.randint(18, 82)),
    "changes": lambda r, d: str(r.randint(2, 6)),
    "minute": lambda r, d: f"{r.randint(55, 89)}th",
    "n3": lambda r, d: str(r.randint(4, 19)),
    "mm": lambda r, d: str(r.randint(60, 240)),
    "gust": lambda r, d: str(r.randint(90, 160)),
    "temp": lambda r, d: str(r.randint(36, 45)),
    "mw": lambda r, d: str(r.choice((300, 450, 600, 800, 1200, 2400))),
    "km": lambda r, d: str(r.randint(120, 1900)),
}


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
            "breadth": ("positive", "negative", "mixed"),
            "pricing": ("no change", "a small cut", "a quarter-point rise", "further tightening"),
        }
        if name in NUMBERS:
            return NUMBERS[name](r, self.day)
        base = name.rstrip("0123456789")
        if base in NUMBERS:
            return NUMBERS[base](r, self.day)
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
            # a day's news is written once every earlier article is out; past END the rest drains first
            while not self.heap or (self.day <= END and self.heap[0].published.date() >= self.day):
                if self.day > END:
                    self.day = START
                    self.follow_ups.clear()
                self._news_day(self.day)
                self.day += timedelta(days=1)
            if self.rng.random() < self.bad_share:
                yield self._bad(index, self.heap[0].published)
            else:
                item = heapq.heappop(self.heap)
                yield self._emit(index, item)
            index += 1

    def _push(self, published: datetime, doc: dict[str, Any], label: Label) -> None:
        _fit(doc, self.rng, published.date(), len(self.id_prefix) + len(str(self.seed)) + 9)
        self.seq += 1
        heapq.heappush(self.heap, _Pending(published, self.seq, doc, label))

    def _emit(self, index: int, item: _Pending) -> tuple[bytes, Label]:
        article_id = f"{self.id_prefix}-{self.seed}-{index:07d}"
        doc = dict(item.doc)
        published = item.published
        ascii_title = unicodedata.normalize("NFKD", doc["title"]).encode("ascii", "ignore").decode()
        slug = "-".join("".join(c if c.isalnum() else " " for c in ascii_title.lower()).split()[:6])
        doc["id"] = article_id
        doc["url"] = f"https://{doc.pop('_domain')}/{published:%Y/%m/%d}/{slug}-{index}"
        value = orjson.dumps(doc)
        return value, replace(item.label, index=index, id=article_id)

    def _news_day(self, day: date) -> None:
        r = self.rng
        pairs = [p for p in PAIRS if LEADERS[p[0]].in_office(day) and LEADERS[p[1]].in_office(day)]
        calling = {tuple(sorted(p)) for p in self.follow_ups.pop(day, [])}
        wanted = min(r.choice((3, 4, 5, 5, 6, 7)), len({tuple(sorted(p)) for p in pairs}))
        while len(calling) < wanted:
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
        wire_time = datetime(day.year, day.month, day.day, hour, r.randint(0, 59), tzinfo=UTC) + timedelta(days=lag)
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
            if variant == "wire":
                wire_body = doc["body"]  # as fitted to the size bounds: verbatim copies repeat it exactly

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
        target = r.randint(MIN_BYTES + 250, MAX_BYTES - 900)
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
        said = [i for i, p in enumerate(paragraphs) if " said." in p]
        if "said" in edits and said:
            paragraphs[said[0]] = paragraphs[said[0]].replace(" said.", " said on its website.", 1)
        if "closer" in edits or len(paragraphs) < 4 or paragraphs == wire.paragraphs:
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
            wanted = r.randint(2, 3)
            for _ in range(40):  # draws; a drawn sentence already in this article is skipped
                if len(paragraph) >= wanted:
                    break
                pool = r.choices(("pair", "leader", "region"), (0.6, 0.25, 0.15))[0]
                if pool == "leader":
                    who = a if r.random() < 0.5 else b
                    template = r.choice(LEADER_BACKGROUND)
                    local = {**slots, "S": who.surname, "p": who.pronoun}
                    key = template + who.key
                else:
                    template = r.choice(PAIR_BACKGROUND if pool == "pair" else REGION_BACKGROUND)
                    swap = r.random() < 0.5  # either country can be the subject
                    local = slots if not swap else {**slots, **_swapped(slots)}
                    key = template
                if key in used and len(used) < BACKGROUND_VARIETY:
                    continue  # no sentence twice in one article while there are fresh ones
                used.add(key)
                paragraph.append(fill.fill(template, local))
            if paragraph:
                text = " ".join(paragraph)
                out.append(text)
                size += len(text.encode()) + 2
        return out

    # --- news without a call ---

    def _meeting(self, day: date, a: Leader, b: Leader) -> dict[str, Any]:
        """An in-person meeting of two leaders (B hosts A): names and talks, but no call."""
        r = self.rng
        fill = _Filler(r, day)
        topics = r.sample(TOPICS, 3)
        slots = {**self._slots(a, b, topics), "weekday": WEEKDAYS[day.weekday()]}
        paragraphs = [fill.fill(r.choice(MEETING_LEADS), slots)]
        paragraphs += [fill.fill(t, slots) for t in r.sample(MEETING_BODY, r.randint(2, 4))]
        target = r.randint(MIN_BYTES + 250, MAX_BYTES - 900)
        paragraphs += self._background(fill, a, b, slots, target - sum(len(p.encode()) for p in paragraphs) - 300)
        outlet, domain = r.choice(OUTLETS)
        title = fill.fill(r.choice(MEETING_TITLES), slots)
        return {"source": outlet, "title": title, "body": "\n\n".join(paragraphs), "language": "en", "_domain": domain}

    def _other(self, day: date, kind: str) -> dict[str, Any]:
        """Markets, sport or weather news: short reports (1-4 KB) with their own background."""
        r = self.rng
        fill = _Filler(r, day)
        weekday = WEEKDAYS[day.weekday()]
        if kind == "markets":
            city, dem, currency, index = r.choice(MARKET_PLACES)
            moved = r.choice(("rose", "fell", "gained", "slipped", "climbed", "dropped"))
            up = moved in ("rose", "gained", "climbed")
            factor = r.choice(MARKET_FACTORS)
            slots = {
                "city": city,
                "dem": dem,
                "Dem": dem,
                "currency": currency,
                "index": index,
                "moved": moved,
                "weekday": weekday,
                "factor": factor,
                "factor_short": " ".join(factor.split()[-2:]),
                "dir": "rise" if up else "fall",
                "dirs": "rises" if up else "falls",
            }
            lead, titles = r.choice(MARKET_LEADS), MARKET_TITLES
            pool, budget = MARKET_BODY + ECONOMY_BACKGROUND, r.randint(MIN_BYTES, 3800)
        elif kind == "sport":
            c1, c2 = r.sample(SPORT_COUNTRIES, 2)
            s1, s2 = sorted(r.sample(range(5), 2), reverse=True)
            slots = {"c1": c1, "c2": c2, "s1": str(s1), "s2": str(s2), "weekday": weekday}
            lead, titles = SPORT_WIN if r.random() < 0.7 else SPORT_DRAW
            pool, budget = SPORT_BODY, r.randint(MIN_BYTES, 2600)
        else:
            region, city, country = r.choice(WEATHER_REGIONS)
            slots = {"region": region, "city": city, "country": country, "weekday": weekday}
            lead, titles, specific = r.choice(WEATHER_KINDS)
            pool, budget = specific + WEATHER_BODY, r.randint(MIN_BYTES, 2600)
        sentences = [fill.fill(lead, slots)]
        size = len(sentences[0].encode())
        order = r.sample(pool, len(pool))
        while size < budget - 250:
            template = order.pop() if order else r.choice(pool)  # repeats only once every sentence is used
            sentences.append(fill.fill(template, {**slots, "moved": r.choice(("rose", "fell"))}))
            size += len(sentences[-1].encode()) + 1
        paragraphs, i = [sentences[0]], 1
        while i < len(sentences):
            step = r.randint(1, 3)
            paragraphs.append(" ".join(sentences[i : i + step]))
            i += step
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


def _fit(doc: dict[str, Any], rng: random.Random, day: date, id_len: int) -> None:
    """Keep the message within MIN_BYTES..MAX_BYTES once its id and url are added: drop closing
    paragraphs, or add a general one. The templates aim well inside the bounds; this guards the edges."""
    fields = {k: v for k, v in doc.items() if k != "_domain"}
    # ,"id":"<id>" and ,"url":"https://<domain>/yyyy/mm/dd/<slug>-<index>"; the slug is at most ~70
    least = 8 + id_len + 9 + 8 + len(doc["_domain"]) + 12 + 2
    most = least + 80

    def size() -> int:
        return len(orjson.dumps(fields))

    while size() + most > MAX_BYTES and fields["body"].count("\n\n") > 1:
        fields["body"] = fields["body"].rsplit("\n\n", 1)[0]
    fill = _Filler(rng, day)
    while size() + least < MIN_BYTES:
        fields["body"] += "\n\n" + fill.fill(rng.choice(REGION_BACKGROUND), {})
    doc["body"] = fields["body"]


def _swapped(slots: dict[str, str]) -> dict[str, str]:
    pairs = (("ca", "cb"), ("Ca", "Cb"), ("da", "db"), ("Da", "Db"), ("capa", "capb"))
    out = {}
    for x, y in pairs:
        out[x], out[y] = slots[y], slots[x]
    return out


def _stamp(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_labelled(
    n: int, seed: int = 1, bad_share: float = 0.03, id_prefix: str = "bench"
) -> Iterator[tuple[bytes, Label]]:
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
