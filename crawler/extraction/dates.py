"""Dates as pages write them, turned into ISO 8601 strings."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.extraction.text import CJK_RANGES

# Years outside this range are typos or placeholders ("0000-00-00", 20250), never a story date.
MIN_YEAR = 1990
MAX_YEAR = 2100

# Month names as pages write them, by language: full names, genitive forms (the form a date
# uses in Polish, Czech, Russian, Greek ...) and the abbreviations that name only a month.
# Keys are casefolded without accents (see _fold).
MONTH_NAMES: dict[str, dict[str, int]] = {
    "en": {
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
        "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
        "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    },
    "de": {
        "januar": 1, "janner": 1, "februar": 2, "marz": 3, "mai": 5, "juni": 6, "juli": 7,
        "oktober": 10, "dezember": 12, "okt": 10, "dez": 12, "mrz": 3,
    },
    "fr": {
        "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
        "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
        "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7,
    },
    "es": {
        "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
        "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
        "diciembre": 12, "ene": 1, "dic": 12,
    },
    "pt": {
        "janeiro": 1, "fevereiro": 2, "marco": 3, "maio": 5, "junho": 6, "julho": 7,
        "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12, "fev": 2, "out": 10,
        "dez": 12,
    },
    "it": {
        "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
        "settembre": 9, "ottobre": 10, "dicembre": 12, "gen": 1, "mag": 5, "giu": 6,
        "lug": 7, "ago": 8, "set": 9, "ott": 10,
    },
    "ca": {
        "gener": 1, "febrer": 2, "marc": 3, "maig": 5, "juny": 6, "juliol": 7, "agost": 8,
        "setembre": 9, "octubre": 10, "desembre": 12,
    },
    "nl": {
        "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8, "oktober": 10,
        "mrt": 3,
    },
    "sv_da_no": {
        "januari": 1, "januar": 1, "februari": 2, "mars": 3, "maj": 5, "juni": 6, "juli": 7,
        "augusti": 8, "desember": 12, "oktober": 10,
    },
    "pl": {
        "stycznia": 1, "styczen": 1, "lutego": 2, "luty": 2, "marca": 3, "marzec": 3,
        "kwietnia": 4, "kwiecien": 4, "maja": 5, "czerwca": 6, "czerwiec": 6, "lipca": 7,
        "lipiec": 7, "sierpnia": 8, "sierpien": 8, "wrzesnia": 9, "wrzesien": 9,
        "pazdziernika": 10, "pazdziernik": 10, "listopada": 11, "listopad": 11,
        "grudnia": 12, "grudzien": 12,
    },
    "cs": {
        "ledna": 1, "leden": 1, "unora": 2, "unor": 2, "brezna": 3, "brezen": 3, "dubna": 4,
        "duben": 4, "kvetna": 5, "kveten": 5, "cervna": 6, "cerven": 6, "cervence": 7,
        "cervenec": 7, "srpna": 8, "srpen": 8, "zari": 9, "rijna": 10, "rijen": 10,
        "prosince": 12, "prosinec": 12,
    },
    "ro": {
        "ianuarie": 1, "februarie": 2, "martie": 3, "aprilie": 4, "iunie": 6, "iulie": 7,
        "septembrie": 9, "octombrie": 10, "noiembrie": 11, "decembrie": 12,
    },
    "tr": {
        "ocak": 1, "subat": 2, "mart": 3, "nisan": 4, "mayis": 5, "haziran": 6, "temmuz": 7,
        "agustos": 8, "eylul": 9, "ekim": 10, "kasim": 11, "aralik": 12,
        "mayıs": 5, "kasım": 11, "aralık": 12,
    },
    "hu": {
        "januar": 1, "februar": 2, "marcius": 3, "aprilis": 4, "majus": 5, "junius": 6,
        "julius": 7, "augusztus": 8, "szeptember": 9, "oktober": 10,
    },
    "ru": {
        "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
        "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
        "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7,
        "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
    },
    "uk": {
        "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6,
        "липня": 7, "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
    },
    "el": {
        "ιανουαριου": 1, "φεβρουαριου": 2, "μαρτιου": 3, "απριλιου": 4, "μαιου": 5,
        "ιουνιου": 6, "ιουλιου": 7, "αυγουστου": 8, "σεπτεμβριου": 9, "οκτωβριου": 10,
        "νοεμβριου": 11, "δεκεμβριου": 12, "ιανουαριος": 1, "φεβρουαριος": 2,
        "μαρτιος": 3, "απριλιος": 4, "μαιος": 5, "ιουνιος": 6, "ιουλιος": 7,
        "αυγουστος": 8, "σεπτεμβριος": 9, "οκτωβριος": 10, "νοεμβριος": 11,
        "δεκεμβριος": 12,
    },
}
# Arabic month names: Egyptian and Gulf, Maghreb, and Levantine (Syriac) forms.
ARABIC_MONTHS = {
    "يناير": 1,
    "كانون الثاني": 1,
    "فبراير": 2,
    "شباط": 2,
    "مارس": 3,
    "آذار": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "نيسان": 4,
    "مايو": 5,
    "ماي": 5,
    "أيار": 5,
    "يونيو": 6,
    "يونية": 6,
    "حزيران": 6,
    "يوليوز": 7,
    "يوليو": 7,
    "يولية": 7,
    "تموز": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "غشت": 8,
    "آب": 8,
    "سبتمبر": 9,
    "شتنبر": 9,
    "أيلول": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "تشرين الأول": 10,
    "نوفمبر": 11,
    "نونبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "دجنبر": 12,
    "كانون الأول": 12,
}
# Languages whose numeric dates put the month first (08/22/2025).
# Languages whose numeric dates put the month first (08/22/2025).
MONTH_FIRST_LANGS = ("en-us", "en-ph", "en-ca")

# Time zone abbreviations written after a time, as hours east of UTC. Where one abbreviation
# names several zones, the one news pages mean most often (IST: India, CST: US Central).
ZONE_OFFSETS: dict[str, float] = {
    "z": 0, "utc": 0, "gmt": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1, "cest": 2,
    "mez": 1, "mesz": 2, "eet": 2, "eest": 3, "msk": 3, "ist": 5.5, "pkt": 5, "wib": 7,
    "ict": 7, "hkt": 8, "sgt": 8, "awst": 8, "jst": 9, "kst": 9, "acst": 9.5, "aest": 10,
    "aedt": 11, "nzst": 12, "nzdt": 13, "sast": 2, "wat": 1, "cat": 2, "eat": 3,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "akst": -9, "akdt": -8, "hst": -10,
}
# Abbreviations that name a zone with summer time rather than one offset ("11:00 AM ET").
ZONE_NAMES = {
    "et": "America/New_York",
    "ct": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
}

# The zone of languages written in one time zone only (or in zones that keep the same clock):
# a naive time on a page in one of these languages is read in that zone.
LANGUAGE_ZONES = {
    "ja": "Asia/Tokyo",
    "ko": "Asia/Seoul",
    "zh": "Asia/Shanghai",
    "de": "Europe/Berlin",
    "pl": "Europe/Warsaw",
    "cs": "Europe/Prague",
    "el": "Europe/Athens",
    "it": "Europe/Rome",
    "nl": "Europe/Amsterdam",
    "hu": "Europe/Budapest",
    "ro": "Europe/Bucharest",
    "tr": "Europe/Istanbul",
    "uk": "Europe/Kyiv",
    "en-gb": "Europe/London",
}

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-](?:\d{2}:?\d{2}|\d{3}|\d{1,2})(?!\d))?)?",
    re.IGNORECASE,
)
_COMPACT = re.compile(
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$"
)
_NUMERIC = re.compile(r"(?<![\d.])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})(?![\d])")
# Dotted dates with a two-digit year, as German and Polish pages write them: "25.04.24".
_DOTTED_SHORT = re.compile(r"(?<![\d.])(?P<a>\d{2})\.(?P<b>\d{2})\.(?P<y>\d{2})(?![\d.])")
# A zone written after an ISO time: "2025-04-28 14:07 MESZ".
_ZONE_AFTER = re.compile(r"\s*\(?([a-z]{1,5})\)?(?!\w)", re.IGNORECASE)
_WORD = r"(?P<mon>[^\W\d_]{3,})\.?"
# "5 June 2025", "01. April 2025", "5 de junio de 2025", "1er juin 2025", "5 d'abril de 2025"
_DAY_MONTH_YEAR = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|°)?(?:\.\s*|\s+)"
    rf"(?:de\s+|of\s+|d['’]\s*)?{_WORD},?\s*(?:de\s+|del\s+)?(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# "June 5, 2025", "Dec. 22, 2016"
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![^\W\d_]){_WORD}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# "2025. június 5." (Hungarian, Lithuanian)
_YEAR_MONTH_DAY = re.compile(
    rf"(?<!\d)(?P<y>\d{{4}})\.?\s+{_WORD}\s+(?P<d>\d{{1,2}})(?![\d:])", re.IGNORECASE
)
_ARABIC_MONTH = "|".join(sorted(map(re.escape, ARABIC_MONTHS), key=len, reverse=True))
# "24 أبريل 2020", and both names of a month as Levantine pages write it: "24 نيسان / أبريل 2020"
_ARABIC_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})\s+(?P<mon>{_ARABIC_MONTH})(?:\s*/\s*(?:{_ARABIC_MONTH}))?"
    r"(?!\w)\s*[،,]?\s*(?P<y>\d{4})(?!\d)"
)
# Chinese, Japanese and Korean dates: 2025年10月6日 14時30分, 2025년 10월 6일 14시 30분.
_CJK_DATE = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
    r"(?:[^\d]{0,8}?(?P<H>\d{1,2})\s*[時时시:：]\s*(?P<M>\d{1,2})(?!\d))?"
)
# A time of day, with its am/pm and zone when written: "4:23 pm ET", "14:07 Uhr", "15h25",
# "08:34 PM EDT", "10:00 (GMT+2)".
_TIME = re.compile(
    r"(?<![\d.])(?P<H>\d{1,2})(?:[:.]|\s?h\s?)(?P<M>\d{2})(?::(?P<S>\d{2}))?(?!\d)"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?|مساءً?|صباحاً?|[صم](?!\w))?(?:\s*(?:uhr|hrs?|h)\b\.?)?"
    r"(?:\s*\(?(?P<tz>(?:utc|gmt)\s*[+−-]\s*\d{1,2}(?::?\d{2})?|[+−-]\d{2}:?\d{2}|"
    r"[a-z]{1,5})\)?(?![\w+−-]))?",
    re.IGNORECASE,
)
# The form of Java's and JavaScript's Date.toString(), as CMSs write it into meta tags:
# "Mon Aug 03 12:45:00 EDT 2015", "Tue Dec 13 2016 18:06:00 GMT+0000 (Coordinated Universal Time)".
_PROGRAM_DATE = re.compile(
    r"^(?:[^\W\d_]{2,3}\.?,?\s+)?(?P<mon>[^\W\d_]{3})\.?\s+(?P<d>\d{1,2})\s+"
    r"(?:(?P<y1>\d{4})\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*"
    r"(?P<tz>(?:utc|gmt)?\s*[+-]\d{2}:?\d{2}|[a-z]{1,5})?(?:\s+\((?:[^()]{1,60})\))?"
    r"(?:\s+(?P<y2>\d{4}))?(?!\S)",
    re.IGNORECASE,
)
# A time this many characters after a date (or before it) belongs to it: "5 June 2025 at 14:30".
TIME_GAP = 16
# "+02:00", "+0200", "-500" (a CMS's -05:00), "GMT+2"
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+−-])\s*(\d{1,2}?)(?::?(\d{2}))?$", re.IGNORECASE)


def _fold(word: str) -> str:
    """A word casefolded and without accents, to look names up: "Février" -> "fevrier"."""
    folded = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _month_lookup() -> dict[str, int]:
    found: dict[str, int] = {}
    for names in MONTH_NAMES.values():
        for name, month in names.items():
            key = _fold(name)
            if found.setdefault(key, month) != month:
                raise ValueError(f"month name {name!r} names two months")
    return found


_MONTH_OF = _month_lookup()


def month_number(word: str) -> int | None:
    """The month (1-12) a month name or abbreviation names in any language we know, or None."""
    return _MONTH_OF.get(_fold(word.rstrip(".")))


def _tz(value: str | None, when: tuple[int, int, int, int, int] | None = None) -> tzinfo | None:
    """The zone of an offset or abbreviation ("+02:00", "Z", "GMT+2", "CEST", "ET"), or None."""
    if not value:
        return None
    value = value.strip().replace("−", "-")
    key = value.lower()
    if key in ZONE_OFFSETS:
        return timezone(timedelta(hours=ZONE_OFFSETS[key])) if ZONE_OFFSETS[key] else UTC
    if key in ZONE_NAMES:
        try:
            return ZoneInfo(ZONE_NAMES[key])
        except (ZoneInfoNotFoundError, ValueError):
            return None
    match = _OFFSET.match(value)
    if not match:
        return None
    sign, hours_text, minutes_text = match.groups()
    hours, minutes = int(hours_text), int(minutes_text or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if sign == "-" else offset) if offset else UTC


def _build(
    y: int,
    m: int,
    d: int,
    hh: int | None = None,
    mm: int | None = None,
    ss: int | None = None,
    tz: tzinfo | None = None,
) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        if hh is None:
            return date(y, m, d).isoformat()
        moment = datetime(y, m, d, hh, mm or 0, ss or 0, tzinfo=tz)
    except ValueError:
        return None
    if isinstance(tz, ZoneInfo):  # a named zone: write the offset it had that day
        moment = moment.astimezone(timezone(moment.utcoffset() or timedelta()))
    return moment.isoformat()


Clock = tuple[int | None, int | None, int | None, tzinfo | None]
_NO_CLOCK: Clock = (None, None, None, None)


def _clock(match: re.Match) -> Clock:
    hh, mm = int(match["H"]), int(match["M"])
    # Arabic pages write م or مساءً (evening) and ص or صباحاً (morning) after the time
    marker = match["ampm"] or ""
    ampm = "pm" if marker[:1] == "م" else "am" if marker[:1] == "ص" else marker.lower()
    ampm = ampm.replace(".", "").replace(" ", "")
    if ampm == "pm" and hh < 12:
        hh += 12
    elif ampm == "am" and hh == 12:
        hh = 0
    if hh > 23 or mm > 59:
        return _NO_CLOCK
    return hh, mm, int(match["S"]) if match["S"] else None, _tz(match["tz"])


def _time_near(text: str, start: int, end: int) -> Clock:
    """The time of day written just after a date (text[end:]) or just before it."""
    match = _TIME.search(text, end, end + TIME_GAP + 40)
    if match and match.start() - end <= TIME_GAP:
        return _clock(match)
    for match in _TIME.finditer(text, max(0, start - TIME_GAP - 24), start):
        if 0 <= start - match.end() <= 4:  # "14:07 Uhr, 25.04.2024"
            return _clock(match)
    return _NO_CLOCK


def day_first(lang: str | None) -> bool:
    """Whether numeric dates of a page in this language put the day first."""
    return not (lang or "").lower().replace("_", "-").startswith(MONTH_FIRST_LANGS)


def _from_match(
    match: re.Match, tz: tzinfo | None, seconds_default: int | None = None
) -> str | None:
    """A date (and time, when the match has one) from a match with named y/m/d/H/M/S groups."""
    if match["H"] is None:
        return _build(int(match["y"]), int(match["m"]), int(match["d"]))
    seconds = int(match["S"]) if match["S"] else seconds_default
    return _build(int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]),
                  int(match["M"]), seconds, tz)


def _worded(text: str) -> tuple[re.Match, int] | None:
    """The first date with a month name in the text, and its month."""
    best: tuple[re.Match, int] | None = None
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _YEAR_MONTH_DAY):
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[0].start():
                break
            month = month_number(match["mon"])
            if month:
                best = (match, month)
                break
    return best


def _numeric(text: str, lang: str | None) -> tuple[re.Match, int, int, int] | None:
    """The first numeric date (day and month in the page's order) in the text."""
    for pattern, century in ((_NUMERIC, 0), (_DOTTED_SHORT, 2000)):
        match = pattern.search(text)
        if match:
            a, b = int(match["a"]), int(match["b"])
            if a > 12 or (b <= 12 and day_first(lang)):
                d, m = a, b
            else:
                m, d = a, b
            return match, century + int(match["y"]), m, d
    return None


def parse_date(value: str | None, lang: str | None = None) -> str | None:
    """An ISO 8601 date or date-time (with its offset when given), or None when unreadable.

    Numeric dates like 05/08/2025 are read day first unless the page's language writes
    the month first (en-US). Month names are read in the languages of MONTH_NAMES; a time
    next to the date is kept, with its zone when one is written ("14:07 Uhr MESZ", "4 pm ET").
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()[:200]
    if not text:
        return None
    match = _ISO.search(text)
    if match:
        if match["H"] is None:  # "2025-04-28 | 14:07 Uhr"
            hh, mm, ss, tz = _time_near(text, match.start(), match.end())
            return _build(int(match["y"]), int(match["m"]), int(match["d"]), hh, mm, ss, tz)
        zone = match["tz"]
        if not zone:
            after = _ZONE_AFTER.match(text, match.end())
            zone = after.group(1) if after else None
        return _from_match(match, _tz(zone))
    match = _COMPACT.match(text)
    if match:
        return _from_match(match, None, seconds_default=0)
    if re.match(r"^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None:
            return _build(
                moment.year,
                moment.month,
                moment.day,
                moment.hour,
                moment.minute,
                moment.second,
                moment.tzinfo if moment.tzinfo else None,
            )
    match = _PROGRAM_DATE.match(text)
    month = month_number(match["mon"]) if match else None
    if match and month and bool(match["y1"]) != bool(match["y2"]):
        return _build(int(match["y1"] or match["y2"]), month, int(match["d"]), int(match["H"]),
                      int(match["M"]), int(match["S"] or 0), _tz(match["tz"]))
    match = _CJK_DATE.search(text)
    if match:
        hh = int(match["H"]) if match["H"] else None
        mm = int(match["M"]) if match["M"] else None
        if hh is not None and (hh > 23 or (mm or 0) > 59):
            hh = mm = None
        return _build(int(match["y"]), int(match["m"]), int(match["d"]), hh, mm)
    match = _ARABIC_DAY_MONTH_YEAR.search(text)
    if match:
        hh, mm, ss, tz = _time_near(text, match.start(), match.end())
        return _build(int(match["y"]), ARABIC_MONTHS[match["mon"]], int(match["d"]), hh, mm, ss, tz)
    worded = _worded(text)
    if worded:
        match, month = worded
        hh, mm, ss, tz = _time_near(text, match.start(), match.end())
        return _build(int(match["y"]), month, int(match["d"]), hh, mm, ss, tz)
    numeric = _numeric(text, lang)
    if numeric:
        match, y, m, d = numeric
        hh, mm, ss, tz = _time_near(text, match.start(), match.end())
        return _build(y, m, d, hh, mm, ss, tz)
    return None


def epoch_date(value: str | None) -> str | None:
    """A Unix time in seconds or milliseconds ("1481274780", "1481274780000") as ISO UTC."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) not in (10, 13):
        return None
    moment = datetime.fromtimestamp(int(value[:10]), UTC)
    return moment.isoformat() if MIN_YEAR <= moment.year <= MAX_YEAR else None


def _has_time(value: str) -> bool:
    return "T" in value


def _has_zone(value: str) -> bool:
    return _has_time(value) and (value.endswith("Z") or value[-6] in "+-")


def best_date(values: list[str]) -> str | None:
    """Of the ISO dates a page gives, most trusted first, the one that says the most.

    The first value wins unless a later one names the same day more exactly: a time where it
    has only the date, an offset where its time is naive (a page's visible "4:23 pm" beside
    its meta tag's "16:23-05:00"). A naive time with seconds and a zoned one without, at the
    same minute, become one time with both. A UTC time yields to the same clock time with
    another offset ("20:00Z" beside "20:00+09:00"): the CMS wrote its local clock as UTC.
    """
    if not values:
        return None
    first = values[0]
    same_day = [v for v in values[1:] if v[:10] == first[:10]]
    if not _has_time(first):
        timed = [v for v in same_day if _has_time(v)]
        zoned = [v for v in timed if _has_zone(v)]
        return (zoned or timed or [first])[0]
    if _has_zone(first):
        # a CMS that writes its local clock as UTC: the same time of day with the page's offset
        local = [v for v in same_day if _is_local_of(v, first)]
        return local[0] if local else first
    zoned = [v for v in same_day if _has_zone(v)]
    if not zoned:
        return first
    better = zoned[0]
    if better[11:16] == first[11:16] and better[17:19] == "00" and first[17:19] != "00":
        return first[:19] + better[19:]
    return better


def _is_utc(value: str) -> bool:
    return value.endswith(("Z", "+00:00", "-00:00"))


def _is_local_of(value: str, utc: str) -> bool:
    """True when value is the same clock time as a UTC value, in a zone other than UTC."""
    return (
        _is_utc(utc) and _has_zone(value) and not _is_utc(value) and value[11:16] == utc[11:16]
    )


def needs_confirming(value: str) -> bool:
    """True when a page's first date could be its local clock labelled UTC (see best_date)."""
    return _has_zone(value) and _is_utc(value)


def is_zoned(value: str | None) -> bool:
    """True when an ISO value carries a time and its offset."""
    return bool(value) and _has_zone(value)


def _zone_of(value: str) -> tzinfo | None:
    try:
        return datetime.fromisoformat(value).tzinfo
    except ValueError:
        return None


def language_zone(lang: str | None) -> tzinfo | None:
    """The time zone of a language spoken in one zone only (ja, pl, en-GB), else None."""
    tag = (lang or "").lower().replace("_", "-")
    name = LANGUAGE_ZONES.get(tag) or LANGUAGE_ZONES.get(tag.split("-")[0])
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def script_language(text: str | None) -> str | None:
    """The language a text's script names when only one language writes it: ja, ko or zh.

    Kana are Japanese only, Hangul Korean only; Han characters without either are Chinese
    (whose zones keep one clock). None unless those letters are most of the text's letters.
    """
    counts = dict.fromkeys(CJK_RANGES, 0)
    letters = 0
    for ch in (text or "")[:2000]:
        if not ch.isalpha():
            continue
        letters += 1
        code = ord(ch)
        for script, ranges in CJK_RANGES.items():
            if any(lo <= code <= hi for lo, hi in ranges):
                counts[script] += 1
                break
    if not letters or 2 * sum(counts.values()) < letters:
        return None
    if counts["kana"]:
        return "ja"
    if counts["hangul"]:
        return "ko"
    return "zh"


def with_zone(value: str | None, others: list[str], lang: str | None = None) -> str | None:
    """A naive time given the zone the page writes its other times in, else its language's.

    A page writes all its times in one zone: the offset of another of its dates is the
    offset of this one. Dates and zoned times come back unchanged.
    """
    if not value or not _has_time(value) or _has_zone(value):
        return value
    zone = next((_zone_of(v) for v in others if _has_zone(v)), None) or language_zone(lang)
    if zone is None:
        return value
    try:
        moment = datetime.fromisoformat(value).replace(tzinfo=zone)
    except ValueError:
        return value
    return moment.astimezone(timezone(moment.utcoffset() or timedelta())).isoformat()
