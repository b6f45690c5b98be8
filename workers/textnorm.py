"""Text folding shared by the knowledge base, the lexicons and the articles.

Folding maps one code point to one (marks standing alone are kept), so match offsets in the folded
text are offsets in the original. The only characters that fold to nothing, the zero-width joiners
and the optional Arabic and Hebrew marks, are removed from article text at validation
(workers/validate.py), so this holds for every article.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping

import numpy as np

# Arabic short vowels, tanwin, shadda, sukun, hamza marks, superscript alef and Quranic signs, the
# tatweel (elongation), Hebrew points and cantillation: optional in writing, so one word comes with and
# without them ("اتصالاً هاتفياً" and "اتصالا هاتفيا"). Validation removes them from article text and
# folding drops them from patterns.
_OPTIONAL_MARK_RANGES = (
    (0x0591, 0x05BD), (0x05BF, 0x05BF), (0x05C1, 0x05C2), (0x05C4, 0x05C5), (0x05C7, 0x05C7),
    (0x0610, 0x061A), (0x0640, 0x0640), (0x064B, 0x065F), (0x0670, 0x0670),
    (0x06D6, 0x06DC), (0x06DF, 0x06E4), (0x06E7, 0x06E8), (0x06EA, 0x06ED),
)  # fmt: skip
OPTIONAL_MARKS = "".join(chr(c) for first, last in _OPTIONAL_MARK_RANGES for c in range(first, last + 1))

# the first code point of each Ethiopic homophone series, and of the series it folds to
_HOMOPHONES = ((0x1210, 0x1200), (0x1280, 0x1200), (0x1220, 0x1230), (0x12D0, 0x12A0), (0x1340, 0x1338))

# Punctuation variants that news text mixes freely; folded to their ASCII forms.
_PUNCT = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u02bc": "'",
    "\u02b9": "'",
    "\u00b4": "'",
    "`": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u200c": "",  # zero-width (non-)joiners: article text has them removed; patterns must match that
    "\u200d": "",
    # optional Arabic and Hebrew marks (workers/validate.py removes them from article text) are
    # dropped from patterns too: "عمّان" must read as the article writes it
    **dict.fromkeys(OPTIONAL_MARKS, ""),
    "\u0131": "i",  # Turkish dotless i: "Cumhurbaşkanı" and "Cumhurbaskani" must meet
    "\u03c2": "\u03c3",  # Greek final sigma
    "\u06cc": "\u064a",  # Persian yeh and kaf written either way: one form for matching
    "\u06a9": "\u0643",
    "\u0649": "\u064a",  # alef maksura, often typed for yeh
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0622": "\u0627",  # hamza-carrying alefs
    "\t": " ",
    "\r": " ",  # newlines stay: they end sentences
    # Amharic writes the Ge'ez homophones either way (ሐ/ኀ/ሀ h, ሠ/ሰ s, ዐ/አ a, ፀ/ጸ ts: "ዐቢይ" and "አቢይ"):
    # each series folds to the one in common use, order by order (a series is seven code points)
    **{chr(first + order): chr(common + order) for first, common in _HOMOPHONES for order in range(7)},
}


class _FoldTable(dict):
    """A str.translate table that computes and caches the fold of each code point on first use."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _PUNCT:
            out = _PUNCT[ch]
        elif unicodedata.category(ch)[0] == "M":
            # a mark standing alone is part of its word (Indic and Thai vowel signs, viramas): keep it,
            # so folding never changes the length of the text
            out = ch
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
            # a character that decomposes into marks alone ("ﾞ", the halfwidth voiced mark) stays itself:
            # only the characters listed in _PUNCT may fold to nothing, and validation removes those
            out = stripped.lower() if stripped else ch
            if len(out) > 1:
                # keep one code point per input where the fold would expand ("ﬁ", "İ"): offsets stay exact
                low = ch.lower()
                out = low if len(low) == 1 else out[0]
        self[code] = out
        return out


_TABLE = _FoldTable()


class CharMap:
    """A one-to-one code point map applied to a whole string at once. str.translate looks each
    character of a non-ASCII text up in the table one by one (~50 ns each: a quarter of a millisecond
    for a 5,000-character article); this indexes a numpy array with the text's code points instead,
    five to ten times faster, with the same answers: each entry is read from `table` on first use.
    Texts it cannot index (short ones, ASCII ones, a character outside the Basic Multilingual Plane,
    one that maps to none or to two) go to str.translate."""

    _BMP = 0x10000
    # what a code point maps to until it is looked up, or when it has no one-to-one BMP image; U+FFFF,
    # a non-character, is where take(mode="clip") sends every code point beyond the BMP
    _NONE = 0xFFFFFFFF
    MIN_LENGTH = 64  # below this, str.translate is as fast

    def __init__(self, table: Mapping[int, str]) -> None:
        self._table = table
        self._codes = np.full(self._BMP, self._NONE, dtype=np.uint32)
        self._known = np.zeros(self._BMP, dtype=bool)
        self._known[self._BMP - 1] = True

    def __call__(self, text: str) -> str:
        if len(text) < self.MIN_LENGTH or text.isascii():  # CPython translates ASCII text fast itself
            return text.translate(self._table)
        try:
            codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:  # a lone surrogate
            return text.translate(self._table)
        out = self._codes.take(codes, mode="clip")
        if out.max() == self._NONE:
            if self._learn(codes):  # first sight of some of its code points
                out = self._codes.take(codes, mode="clip")
            if out.max() == self._NONE:  # one has no one-to-one image in the plane
                return text.translate(self._table)
        return out.tobytes().decode("utf-32-le")

    def _learn(self, codes: np.ndarray) -> bool:
        """Look up the code points not seen before; whether there were any."""
        codes = codes[codes < self._BMP]
        new = np.unique(codes[~self._known[codes]]).tolist()
        for code in new:
            out = self._table[code]
            if len(out) == 1 and ord(out) < self._BMP - 1:
                self._codes[code] = ord(out)
            self._known[code] = True
        return bool(new)


_FOLD = CharMap(_TABLE)


_ASCII_PUNCT = {ord(k): v for k, v in _PUNCT.items() if k.isascii()}


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-normalised form used for every match."""
    if text.isascii():  # most English text: no accents to strip, and str.lower is ten times faster
        lowered = text.lower()
        return lowered.translate(_ASCII_PUNCT) if "`" in lowered or "\t" in lowered or "\r" in lowered else lowered
    return _FOLD(text)


# ASCII control characters to NUL, every other byte to itself (with and without the newline kept)
_CONTROLS_TO_NUL = bytes(0 if code < 0x20 or code == 0x7F else code for code in range(256))
_CONTROLS_BUT_NEWLINE_TO_NUL = _CONTROLS_TO_NUL[:10] + b"\n" + _CONTROLS_TO_NUL[11:]


def printable(text: str, newlines: bool = False) -> bool:
    """str.isprintable (with `newlines`, a newline counts as printable too). ASCII text, most of a feed,
    is checked as bytes: mapping its control characters to NUL and looking for one takes a third of the
    time isprintable's per-character Unicode lookup does (1.7 against 5.3 µs for 3 KB; bytes.translate
    without deletions is CPython's fastest loop over bytes)."""
    if text.isascii():
        table = _CONTROLS_BUT_NEWLINE_TO_NUL if newlines else _CONTROLS_TO_NUL
        return b"\0" not in text.encode("ascii").translate(table)
    return (text.replace("\n", " ") if newlines else text).isprintable()


def collapsed(flat: str) -> bool:
    """Whether `" ".join(flat.split())` would return `flat` unchanged: single spaces between words,
    none at either end, no other white space (isprintable() is false for every white space but " ").
    Proving it costs a fraction of the split and join."""
    return printable(flat) and "  " not in flat and flat[:1] != " " and flat[-1:] != " "


def content_hash(folded: str, collapsed_lines: bool = False) -> str:
    """Hash of the folded text with its white space collapsed: equal for copies that differ only in
    layout or case. `collapsed_lines`: the caller knows each line of the text is collapsed already
    (validation's ASCII bodies: clean_body collapses them and ASCII folding changes no white space)."""
    flat = folded.replace("\n", " ")
    # validated text is already collapsed (single spaces, no blank lines): then the newlines are the
    # only difference
    if not collapsed_lines and not collapsed(flat):
        flat = " ".join(folded.split())
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()[:32]


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


# Scripts written without spaces between words: patterns match as plain substrings there.
def is_unspaced_script(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x9FFF  # CJK
        or 0xF900 <= code <= 0xFAFF
        or 0x0E00 <= code <= 0x0EFF  # Thai, Lao
        or 0x1000 <= code <= 0x109F  # Myanmar
        or 0x1780 <= code <= 0x17FF  # Khmer
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables (particles attach to names)
    )


def is_inflecting_script(ch: str) -> bool:
    """Cyrillic, Greek, Armenian, Georgian, Indic, Arabic: names take case endings or particles."""
    code = ord(ch)
    return (
        0x0370 <= code <= 0x03FF
        or 0x0400 <= code <= 0x052F
        or 0x0530 <= code <= 0x058F
        or (0x0600 <= code <= 0x06FF or 0x0900 <= code <= 0x0DFF or 0x10A0 <= code <= 0x10FF)
    )


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
