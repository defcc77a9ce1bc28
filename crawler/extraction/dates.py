"""Dates as pages write them, turned into ISO 8601 strings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

# Years outside this range are typos or placeholders ("0000-00-00", 20250), never a story date.
MIN_YEAR = 1990
MAX_YEAR = 2100

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
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
MONTH_FIRST_LANGS = ("en-us", "en-ph", "en-ca")

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_COMPACT = re.compile(
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T?(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$"
)
_NUMERIC = re.compile(r"(?<![\d.])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<y>\d{4})(?![\d])")
_MONTH_RE = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE},?\s+(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH_RE}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE
)
_ARABIC_DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s+(?P<mon>"
    + "|".join(sorted(map(re.escape, ARABIC_MONTHS), key=len, reverse=True))
    + r")(?!\w)\s*[،,]?\s*(?P<y>\d{4})(?!\d)"
)
# Chinese, Japanese and Korean dates: 2025年10月6日 14時30分, 2025년 10월 6일 14시 30분.
_CJK_DATE = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
    r"(?:[^\d]{0,8}?(?P<H>\d{1,2})\s*[時时시:：]\s*(?P<M>\d{1,2})(?!\d))?"
)
_TIME = re.compile(
    r"(?<!\d)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?|[صم](?!\w))?"
    r"(?:\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?",
    re.IGNORECASE,
)


def _tz(value: str | None) -> timezone | None:
    if not value:
        return None
    value = value.upper()
    if value in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(
    y: int,
    m: int,
    d: int,
    hh: int | None = None,
    mm: int | None = None,
    ss: int | None = None,
    tz: timezone | None = None,
) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        if hh is None:
            return date(y, m, d).isoformat()
        moment = datetime(y, m, d, hh, mm or 0, ss or 0, tzinfo=tz)
    except ValueError:
        return None
    return moment.isoformat()


def _time_after(
    text: str, start: int
) -> tuple[int | None, int | None, int | None, timezone | None]:
    match = _TIME.search(text, start)
    if not match or match.start() - start > 12:
        return None, None, None, None
    hh, mm = int(match["H"]), int(match["M"])
    # Arabic pages write م (evening) and ص (morning) after the time
    ampm = {"م": "pm", "ص": "am"}.get(match["ampm"] or "", (match["ampm"] or "").lower())
    ampm = ampm.replace(".", "")
    if ampm == "pm" and hh < 12:
        hh += 12
    elif ampm == "am" and hh == 12:
        hh = 0
    if hh > 23 or mm > 59:
        return None, None, None, None
    return hh, mm, int(match["S"]) if match["S"] else None, _tz(match["tz"])


def day_first(lang: str | None) -> bool:
    """Whether numeric dates of a page in this language put the day first."""
    return not (lang or "").lower().replace("_", "-").startswith(MONTH_FIRST_LANGS)



def _from_match(
    match: re.Match, tz: timezone | None, seconds_default: int | None = None
) -> str | None:
    """A date (and time, when the match has one) from a match with named y/m/d/H/M/S groups."""
    if match["H"] is None:
        return _build(int(match["y"]), int(match["m"]), int(match["d"]))
    seconds = int(match["S"]) if match["S"] else seconds_default
    return _build(int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]),
                  int(match["M"]), seconds, tz)

def parse_date(value: str | None, lang: str | None = None) -> str | None:
    """An ISO 8601 date or date-time (with its offset when given), or None when unreadable.

    Numeric dates like 05/08/2025 are read day first unless the page's language writes
    the month first (en-US).
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()[:200]
    if not text:
        return None
    match = _ISO.search(text)
    if match:
        return _from_match(match, _tz(match["tz"]))
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
    match = _CJK_DATE.search(text)
    if match:
        hh = int(match["H"]) if match["H"] else None
        mm = int(match["M"]) if match["M"] else None
        if hh is not None and (hh > 23 or (mm or 0) > 59):
            hh = mm = None
        return _build(int(match["y"]), int(match["m"]), int(match["d"]), hh, mm)
    match = _ARABIC_DAY_MONTH_YEAR.search(text)
    if match:
        hh, mm, ss, tz = _time_after(text, match.end())
        return _build(int(match["y"]), ARABIC_MONTHS[match["mon"]], int(match["d"]), hh, mm, ss, tz)
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            month = MONTHS[match["mon"][:3].lower()]
            hh, mm, ss, tz = _time_after(text, match.end())
            return _build(int(match["y"]), month, int(match["d"]), hh, mm, ss, tz)
    match = _NUMERIC.search(text)
    if match:
        a, b = int(match["a"]), int(match["b"])
        if a > 12 or (b <= 12 and day_first(lang)):
            d, m = a, b
        else:
            m, d = a, b
        hh, mm, ss, tz = _time_after(text, match.end())
        return _build(int(match["y"]), m, d, hh, mm, ss, tz)
    return None
