"""Find out whether a person is already registered, by fuzzy matching of name and birth date.

This is record linkage, not risk scoring: it compares a name and birth date with the persons
already registered (within one municipality; the selector limits that) and lists the ones that
may be the same person. It says nothing about a person's behaviour or risk, and it decides
nothing: a professional looks at the candidates and decides. Predicting the risk that a person
commits an offence from profiling is forbidden by the EU AI Act, art. 5(1)(d); this module must
not grow into that.

Names arrive in many spellings: variants (Mohamed, Mohammed, Muhammad), transliterations from
Arabic, Turkish, Somali, Chechen and Cyrillic (ou/oe/u, ch/kh/h, j/dj/dzj/y, sj/sh/ch, w/v, ...),
diacritics (Şükrü, Öztürk), prefixes (van der, el, ben), and name parts swapped or missing. Each
name part becomes a phonetic *key*; `name_key()` joins the keys of a name, sorted, so the database
can prefilter on it. The key is deterministic, and versioned by `NAME_KEY_VERSION`: whenever the
algorithm changes, raise the version and recompute every stored key, or old and new keys will
silently stop matching. `similarity()` and `match_score()` then compare the candidates closely.

Somali names are often written in the Somali Latin orthography, where c is the ayn and x a
throaty h: "Maxamed Cabdi" is "Mohamed Abdi". A word with a c or an x therefore gets a second
reading, with the c dropped and the x read as h, beside its ordinary one; both keys are stored and
searched, and the closer reading scores. A name such as "Carla" gains a reading ("arla") that
rarely matches anything; the professional still decides.

Known limits: names in a non-Latin script other than Cyrillic give no key; a given name that
equals a prefix (Ben) is taken for the prefix when other name parts follow.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NAME_KEY_VERSION = 2  # 2: Somali readings of words with a c or an x

# A candidate at or above this score is shown to the professional; calibrated in the tests.
CANDIDATE_THRESHOLD = 0.75

# Name parts that are dropped as tokens and kept only as glue in front of the next part.
PARTICLES = frozenset(
    {
        # Dutch and German
        "van", "de", "der", "den", "het", "t", "te", "ten", "ter", "von",
        # Arabic and Berber
        "el", "al", "abu", "abou", "bin", "ben", "ibn", "bint", "ould",
    }
)  # fmt: skip
# The Arabic article is often written glued to the name (Elamrani); strip it when enough remains.
GLUED_ARTICLES = ("el", "al")
GLUED_MIN_REST = 5

# Scores of one name part against another.
SAME_SOUND = 0.97  # spelt differently, same phonetic form
SAME_KEY_BASE = 0.6  # same consonant key: 0.6 plus 0.4 times the closeness of the spelling
SAME_KEY_MAX = 0.96
DIFFERENT_KEY_FACTOR = 0.85  # different key: the closeness of the spelling, discounted
INITIAL = 0.7  # "M." against "Mohamed"
# Weight of a name part that has no counterpart in the other name (a missing middle name).
EXTRA_PART_WEIGHT = 0.5
# A pair of name parts at or above this score counts as the same part.
SAME_PART = 0.75

NAME_EQUAL = 1.0
NAME_STRONG = 0.9

# Effect of the birth date: a weight > 0 moves the score towards 1, a weight < 0 lowers it.
DATE_SAME = 0.35
DATE_NEAR = 0.15
DATE_DIFFERENT = -0.2

_APOSTROPHES = "'’‘ʼʻ`´ʹ"  # noqa: RUF001 - every apostrophe a keyboard or a passport may give
# Letters that Unicode does not decompose into a base letter and a diacritic.
_SPECIAL_LETTERS = dict(
    zip(
        "ıøæœłđðþħŋəß",
        ("i", "o", "ae", "oe", "l", "d", "d", "th", "h", "ng", "e", "ss"),
        strict=True,
    )
)
# Cyrillic to Latin as Dutch spelling writes it (Dudajev, Tsjetsjenië); the rules below fold
# the English and German spellings (Dudayev, Tschetschenien) onto the same key.
_CYRILLIC_LATIN = (
    "a", "b", "v", "g", "d", "e", "jo", "zj", "z", "i", "j", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "oe", "f", "ch", "ts", "tsj", "sj", "sjtsj", "", "y", "", "e", "joe", "ja", "i",
    "ji", "je", "g",
)  # fmt: skip
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", _CYRILLIC_LATIN, strict=True))
_TRANSLATE = str.maketrans({**dict.fromkeys(_APOSTROPHES, ""), **_SPECIAL_LETTERS, **_CYRILLIC})

_VOWEL_LETTERS = frozenset("aeiou")
_VOWEL_SYMBOLS = frozenset("aeiu")
_SEMIVOWEL = "Y"  # j, y, dj: a consonant y before a vowel, else a vowel i
# Spelling units and their phonetic symbols, tried longest first.
_UNITS = {
    "tsch": "h",
    "dzj": _SEMIVOWEL, "dsj": _SEMIVOWEL, "sch": "h", "tsj": "h", "tch": "h",
    "dj": _SEMIVOWEL, "kh": "h", "ch": "h", "sh": "h", "sj": "h", "ph": "f", "th": "t",
    "dh": "d", "gh": "g", "ck": "k", "dt": "t", "ij": "ei", "oe": "u", "ou": "u", "ie": "i",
    "j": _SEMIVOWEL, "y": _SEMIVOWEL, "o": "u", "w": "v", "z": "s", "c": "k", "q": "k",
    "x": "ks",
}  # fmt: skip
_LONGEST_UNIT = max(len(unit) for unit in _UNITS)
_SOMALI_AYN = re.compile("c(?![hk])")


@dataclass(frozen=True, slots=True)
class _Forms:
    """One spelling of a name part: plain letters, phonetic form, and consonant key."""

    norm: str
    phon: str
    key: str


@dataclass(frozen=True, slots=True)
class _Part:
    """One name part: its core (without prefixes) and its full form (prefixes glued on)."""

    core: _Forms
    full: _Forms
    # The Somali readings of core and full (see the module's docstring), when they differ.
    somali: tuple[_Forms, ...] = ()


@dataclass(frozen=True, slots=True)
class _Comparison:
    """How two names compare."""

    score: float
    equal: bool
    swapped: bool
    missing_part: bool


def _words(name: str) -> list[str]:
    """Split a name into words of the letters a to z, given names first."""
    family, comma, given = name.partition(",")
    if comma:  # "Benali, Youssef"
        name = f"{given} {family}"
    text = unicodedata.normalize("NFC", name.casefold()).translate(_TRANSLATE)
    words: list[str] = []
    current: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if "a" <= char <= "z":
            current.append(char)
        elif unicodedata.combining(char):
            continue
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _symbols(word: str) -> list[str]:
    """Return the phonetic symbols of a word of the letters a to z."""
    symbols: list[str] = []
    i = 0
    while i < len(word):
        for size in range(min(_LONGEST_UNIT, len(word) - i), 0, -1):
            unit = word[i : i + size]
            if unit in _UNITS or size == 1:
                break
        before_vowel = word[i + size : i + size + 1] in _VOWEL_LETTERS
        if unit == "ij" and before_vowel:  # Dijana: an i, then a consonant j
            unit, size = "i", 1
        sound = _UNITS.get(unit, unit)
        if i == 0 and unit in {"ou", "oe"} and before_vowel:  # Ouassim, Wassim
            sound = "v"
        elif sound == _SEMIVOWEL:
            sound = "y" if before_vowel else "i"
        symbols.extend(sound)
        i += size
    if symbols and symbols[-1] == "d":  # final devoicing: Ahmed, Ahmet
        symbols[-1] = "t"
    return [s for n, s in enumerate(symbols) if n == 0 or s != symbols[n - 1]]


@lru_cache(maxsize=8192)
def _forms(word: str) -> _Forms:
    """Return the spelling, phonetic form and key of a word of the letters a to z."""
    symbols = _symbols(word)
    head = "a" if symbols[0] in _VOWEL_SYMBOLS else symbols[0]
    tail = "".join(s for s in symbols[1:] if s not in _VOWEL_SYMBOLS)
    return _Forms(norm=word, phon="".join(symbols), key=head + tail)


@lru_cache(maxsize=4096)
def _parts(name: str) -> tuple[_Part, ...]:
    """Return the name parts of a name, prefixes glued to the part they precede."""
    words = _words(name)
    if all(word in PARTICLES for word in words):  # "Van Der" on its own is a name
        return tuple(_Part(core=_forms(word), full=_forms(word)) for word in words)
    parts: list[_Part] = []
    prefixes: list[str] = []
    for word in words:
        if word in PARTICLES:
            prefixes.append(word)
            continue
        core = word
        if word[:2] in GLUED_ARTICLES and len(word) - 2 >= GLUED_MIN_REST:
            core = word[2:]
        full = "".join(prefixes) + word
        somali = tuple(
            _forms(reading)
            for reading in dict.fromkeys(_somali_reading(w) for w in (core, full))
            if reading
        )
        parts.append(_Part(core=_forms(core), full=_forms(full), somali=somali))
        prefixes = []
    return tuple(parts)


def _somali_reading(word: str) -> str:
    """Return a word as Somali orthography reads it (c the ayn, x an h), or "" if the same.

    "ch" and "ck" are not Somali spelling, so their c is kept.
    """
    if "c" not in word and "x" not in word:
        return ""
    reading = _SOMALI_AYN.sub("", word.replace("x", "h"))
    return reading if reading and reading != word else ""


def name_tokens(name: str) -> list[str]:
    """Return the phonetic key of each name part, without prefixes and duplicates.

    A part with a Somali reading gives that reading's key too, right after its own.
    """
    keys: list[str] = []
    for part in _parts(name):
        keys.append(part.core.key)
        keys.extend(form.key for form in part.somali[:1])  # the reading of the core
    return list(dict.fromkeys(keys))


def name_key(name: str) -> str:
    """Return the stored, indexed key of a name: its part keys, sorted and space-separated.

    Deterministic for `NAME_KEY_VERSION`; recompute every stored key when that version changes.
    """
    return " ".join(sorted(set(name_tokens(name))))


def _osa_distance(a: str, b: str) -> int:
    """Return the Damerau-Levenshtein distance (optimal string alignment) between two strings."""
    if a == b:
        return 0
    if not a or not b:
        return len(a) + len(b)
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            # Plain comparisons instead of min(): this loop is the hot path of a candidate search.
            best = previous[j - 1] + (char_a != char_b)
            if previous[j] + 1 < best:
                best = previous[j] + 1
            if current[j - 1] + 1 < best:
                best = current[j - 1] + 1
            if (
                i > 1
                and j > 1
                and char_a == b[j - 2]
                and a[i - 2] == char_b
                and before_previous[j - 2] + 1 < best
            ):
                best = before_previous[j - 2] + 1
            current[j] = best
        before_previous, previous = previous, current
    return previous[-1]


def _closeness(a: str, b: str) -> float:
    """Return 1 minus the edit distance relative to the longer string."""
    longest = max(len(a), len(b))
    return 1.0 - _osa_distance(a, b) / longest if longest else 1.0


@lru_cache(maxsize=65536)
def _forms_similarity(x: _Forms, y: _Forms) -> float:
    """Score two spellings of a name part."""
    if x.norm == y.norm:
        return 1.0
    if x.phon == y.phon:
        return SAME_SOUND
    if len(x.norm) == 1 or len(y.norm) == 1:
        return INITIAL if x.norm[0] == y.norm[0] else 0.0
    closeness = _closeness(x.phon, y.phon)
    if x.key == y.key:
        return min(SAME_KEY_BASE + (1.0 - SAME_KEY_BASE) * closeness, SAME_KEY_MAX)
    return DIFFERENT_KEY_FACTOR * closeness


def _part_similarity(x: _Part, y: _Part) -> float:
    """Score two name parts, with and without their prefixes (Ben Ali against Benali)."""
    forms_x = {x.core, x.full}
    forms_y = {y.core, y.full}
    score = max(_forms_similarity(fx, fy) for fx in forms_x for fy in forms_y)
    if x.somali or y.somali:  # a match through a reading is never an equal spelling
        read = max(
            _forms_similarity(fx, fy)
            for fx in forms_x.union(x.somali)
            for fy in forms_y.union(y.somali)
        )
        score = max(score, min(read, SAME_SOUND))
    return score


def _compare(a: str, b: str) -> _Comparison:
    """Compare two names, whatever the order of their parts."""
    if b < a:  # one order of the arguments, so the comparison is symmetric by construction
        a, b = b, a
    parts_a, parts_b = _parts(a), _parts(b)
    if not parts_a or not parts_b:
        same = not parts_a and not parts_b and a.strip().casefold() == b.strip().casefold()
        return _Comparison(float(same), equal=same, swapped=False, missing_part=False)
    pairs = sorted(
        (
            (-_part_similarity(x, y), i, j)
            for i, x in enumerate(parts_a)
            for j, y in enumerate(parts_b)
        )
    )
    shorter = min(len(parts_a), len(parts_b))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched: list[tuple[float, int, int]] = []
    for negative, i, j in pairs:  # greedy assignment, best pairs first
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matched.append((-negative, i, j))
            if len(matched) == shorter:
                break
    extra = max(len(parts_a), len(parts_b)) - shorter
    total = sum(score for score, _, _ in matched)
    score = min(1.0, max(0.0, total / (shorter + EXTRA_PART_WEIGHT * extra)))
    order = [j for score_, _, j in sorted(matched, key=lambda m: m[1]) if score_ >= SAME_PART]
    return _Comparison(
        score=score,
        equal=sorted(p.full.norm for p in parts_a) == sorted(p.full.norm for p in parts_b),
        swapped=order != sorted(order),
        missing_part=extra > 0,
    )


def similarity(a: str, b: str) -> float:
    """Return how alike two names are, from 0 to 1, whatever the order of their parts."""
    return _compare(a, b).score


def _digits(date: dt.date) -> str:
    """Return a date as the eight digits YYYYMMDD."""
    return f"{date.year:04d}{date.month:02d}{date.day:02d}"


def _compare_dates(a: dt.date | None, b: dt.date | None) -> tuple[float, str]:
    """Return the weight of two birth dates for the score, and the reason in Dutch."""
    if a is None or b is None:
        return 0.0, "geen geboortedatum om te vergelijken"
    if a == b:
        return DATE_SAME, "geboortedatum gelijk"
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return DATE_NEAR, "dag en maand van geboortedatum verwisseld"
    digits_a, digits_b = _digits(a), _digits(b)
    differ = [n for n, (x, y) in enumerate(zip(digits_a, digits_b, strict=True)) if x != y]
    if len(differ) == 1:
        return DATE_NEAR, "één cijfer van geboortedatum verschilt"
    first, last = differ[0], differ[-1]
    if (
        len(differ) == 2
        and last == first + 1
        and (digits_a[first], digits_a[last]) == (digits_b[last], digits_b[first])
    ):
        return DATE_NEAR, "twee cijfers van geboortedatum verwisseld"
    if a.year == b.year and (1, 1) in {(a.month, a.day), (b.month, b.day)}:
        # When the real birth date is unknown, 1 January is often registered instead.
        return 0.0, "geboortejaar gelijk; 1 januari is vaak een vervangende datum"
    return DATE_DIFFERENT, "geboortedatum verschilt"


def match_score(
    query_name: str,
    query_birth_date: dt.date | None,
    candidate_name: str,
    candidate_birth_date: dt.date | None,
) -> tuple[float, list[str]]:
    """Score whether a registered person may be the person sought, with the reasons in Dutch."""
    comparison = _compare(query_name, candidate_name)
    name = comparison.score
    if comparison.equal and name == NAME_EQUAL:
        reasons = ["naam gelijk"]
    elif name >= NAME_STRONG:
        reasons = ["naam lijkt sterk"]
    elif name >= CANDIDATE_THRESHOLD:
        reasons = ["naam lijkt"]
    else:
        reasons = ["naam verschilt"]
    if comparison.swapped:
        reasons.append("voor- en achternaam omgedraaid")
    if comparison.missing_part:
        reasons.append("een naamdeel ontbreekt bij één van beide")
    weight, date_reason = _compare_dates(query_birth_date, candidate_birth_date)
    reasons.append(date_reason)
    score = name + (1.0 - name) * weight if weight >= 0 else name * (1.0 + weight)
    return score, reasons
