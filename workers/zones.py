"""Which outlets date the news by a clock well ahead of UTC (South, East and South-East Asia, Oceania).

A call held in the Washington evening is reported on that day by American and European outlets and on
the next by Asian ones, which write their own calendar day ("5日上午", "28일 오전"). The dedup step
reads two firm days of the same leaders one day apart as one call when the later day's reports all
come from outlets ahead of UTC and the earlier day's include one that is not (workers/dedup.py).
An outlet is placed by its domain's country code where it has one, else by its language.
"""

from __future__ import annotations

# country-code domains of UTC+5 and beyond (Pakistan, India ... Japan, Australia, New Zealand)
AHEAD_DOMAINS = frozenset(
    "pk in lk np bd bt mv mm th la kh vn my sg id ph bn tl cn hk mo tw mn kr kp jp au nz fj pg".split()
)
# languages written mostly in those countries (English, spoken everywhere, tells nothing)
AHEAD_LANGUAGES = frozenset("ur hi bn ta te mr gu kn ml pa ne si dv my th lo km vi ms id tl jv su zh ja ko mn".split())
# country-code domains of the other side (the Americas, Europe, Africa, the Middle East and Russia,
# whose Far East is not where its news is dated)
BEHIND_DOMAINS = frozenset(
    "us ca mx br ar cl co pe ve uk ie fr de it es pt nl be ch at pl cz sk hu ro bg gr tr ru ua by "
    "se no dk fi ee lv lt il eg sa ae qa ir ng ke za ma dz tn".split()
)


# well-known outlets of those countries on generic domains, many writing in English (their language
# tells nothing, their domain's ending neither)
AHEAD_OUTLETS = frozenset(
    """inquirer.net philstar.com mb.com.ph gmanetwork.com rappler.com abs-cbn.com manilatimes.net
    thehindu.com hindustantimes.com indiatimes.com ndtv.com indianexpress.com news18.com livemint.com
    thewire.in thedailystar.net tbsnews.net dhakatribune.com dawn.com thenews.com.pk geo.tv
    arynews.tv dailymirror.lk newsfirst.lk kathmandupost.com scmp.com straitstimes.com
    channelnewsasia.com todayonline.com bangkokpost.com nationthailand.com jakartapost.com
    antaranews.com tempo.co kompas.com thestar.com.my malaymail.com bernama.com koreaherald.com
    koreatimes.co.kr koreajoongangdaily.joins.com kyodonews.net japantimes.co.jp asahi.com
    xinhuanet.com news.cn chinadaily.com.cn globaltimes.cn cgtn.com taipeitimes.com focustaiwan.tw
    vnexpress.net tuoitre.vn vietnamplus.vn khmertimeskh.com irrawaddy.com montsame.mn
    smh.com.au theaustralian.com.au abc.net.au rnz.co.nz nzherald.co.nz""".split()
)


def ahead_of_utc(source: str | None, language: str | None) -> bool:
    """The outlet's calendar day starts five hours or more before UTC's."""
    labels = (source or "").lower().rstrip(".").split(".")
    # the host or a parent domain of it ("timesofindia.indiatimes.com", "english.kyodonews.net")
    if any(".".join(labels[i:]) in AHEAD_OUTLETS for i in range(len(labels) - 1)):
        return True
    domain = labels[-1]
    if domain in AHEAD_DOMAINS:
        return True
    if domain in BEHIND_DOMAINS:
        return False
    return (language or "").split("-")[0].lower() in AHEAD_LANGUAGES
