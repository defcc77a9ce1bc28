"""Research benchmark: what a researcher waits for on an archive of 100,000 articles.

Builds an archive of N articles (--articles) on eight sites through the real `Archive.save()`,
so full-text index, change kinds, similarity index and pages are filled as a crawl fills them:

  - English news text from a word bank (500-1,500 words; common words Zipf-distributed, a long
    tail of people's and places' names, so rare words are rare), sections, authors, published
    dates over a year;
  - 1 to 2V-1 versions per article (--versions-per-article V, on average), each an edit a news
    site makes: a new headline, an appended correction or update, paragraphs rewritten or added,
    a typo fixed, a headline put back (a revert);
  - 5% of stories syndicated to a second site a few hours later, trimmed and re-headlined, so
    `similar` has answers;
  - a 60-120 KB HTML page per version: that site's template (inline CSS and minified scripts,
    mega-menu, a rail of teaser cards, footer, ad slots, tracking ids), the story, teasers of
    other stories, JSON-LD. Its mix of markup, style, script and text is set so that zlib
    shrinks it about as much as the real pages of ../shared/extraction-benchmark (0.22).

The saves go in time order, one crawl per --batch stories, on one connection, while a worker
process writes the next stories' items. Generation is bound by Archive.save(), 4-6 ms a save on
a fresh archive on an idle 2-core machine, two to three times that on a large archive on a busy
one: the default 100,000 stories (307,000 saves) take about an hour. Generate once with --db
(--generate-only stops there) and measure again as often as needed; an archive of an older
schema is migrated first, and the migration timed.

Then it measures, each --repeat times on fresh random inputs (median and p95, warm OS cache;
the verdict goes by the p95), in-process on one read-only Archive as the CLI opens it:

  search   Archive.search: a rare word (a name in at most 0.2% of versions), a common word
           (in 10-40% of versions, as "government" is in a news archive), a two-word phrase
           from some story (two content words), with and without --site / --since, and
           a word in most versions (target < 200 ms; the table shows how many versions the
           queries matched); beside them, not the target's cases, the slow corners: that word
           with --until in the archive's first weeks (newest first, the search reads back
           through nearly every match) and with --rank (every match scored);
  crawler  the real `crawler` console script via subprocess (--cli-repeat times each, median
           and p95): search for each kind of word, history, diff, similar, beside
           `crawler --version` (the start-up alone, also with bytecode caching on when the
           environment turns it off);
  history  Archive.article + Archive.versions (target < 100 ms);
  diff     Archive.diff, unified, the last two versions (target < 100 ms);
  similar  Archive.similar on syndicated stories and on any story (target < 500 ms);
  export   `crawler export --format jsonl --all-versions -o FILE` (target >= 5,000 versions/s);
  pages    stored page bytes / raw page bytes (target <= 0.25), beside the same ratio for the
           real pages of ../shared/extraction-benchmark when it is there;
  size     the archive file per article and per version, and by table.

Each figure is printed beside its target (never asserted), then all of them as JSON, with the
query plans of the calls that missed. --db PATH keeps the archive there and reuses it when it
exists (the generation is skipped); without it the archive lives in a temporary folder, removed
at the end unless --keep.

Example:
    .venv/bin/python tests/benchmarks/research.py
    .venv/bin/python tests/benchmarks/research.py --articles 5000 --db research-5k.db
    .venv/bin/python tests/benchmarks/research.py --db research-5k.db --repeat 50
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REAL_PAGES = ROOT.parent / "shared" / "extraction-benchmark" / "html"
sys.path.insert(0, str(ROOT))

from crawler import extractor_version  # noqa: E402
from crawler.archive import Archive  # noqa: E402
from crawler.archive.schema import SCHEMA_VERSION  # noqa: E402
from crawler.archive.store import PAGE_COMPRESSION  # noqa: E402
from crawler.urls import canonical_url  # noqa: E402

# Targets, printed beside the figures.
TARGET_SEARCH_MS = 200
TARGET_HISTORY_MS = 100
TARGET_DIFF_MS = 100
TARGET_SIMILAR_MS = 500
TARGET_EXPORT_RATE = 5000  # versions per second
TARGET_PAGE_RATIO = 0.25

SPIDER = "research-benchmark"  # the crawls the generation records carry this spider name
VOCABULARY_SEED = 20251006  # the word bank is the same for every archive, so one can be reused
YEAR_START = datetime(2024, 10, 1, tzinfo=UTC)  # published dates spread over the next year
SYNDICATED_SHARE = 0.05
WORDS_RANGE = (500, 1500)
EDIT_KINDS = {  # kind of a later version: weight
    "paragraphs": 40, "headline": 20, "correction": 15, "update": 8, "typo": 10, "revert": 4,
    "summary": 3,
}

# ---------------------------------------------------------------------------------------------
# The word bank


def wordlist(text: str) -> list[str]:
    """The words of a block of text."""
    return text.split()


NOUNS = wordlist("""
council government minister plan report people year police city week money service court
police time area company official school hospital family decision month budget project law
change policy water housing health change road centre community proposal cost residents
business spokesman spokeswoman statement figure job worker union strike board investigation
election vote party leader campaign group members staff scheme support funding tax rate price
energy bill market economy trade deal agreement talks development site building home land
transport rail bus station airport port bridge river flood storm weather summer winter
spring autumn night morning evening weekend patients doctors nurses teachers pupils students
children parents victims suspects officers judge jury trial case evidence charge sentence
prison review inquiry committee chairman chief director manager owner landlord tenants rent
mortgage bank loan debt deficit growth inflation wages pension benefits contract tender
consultation survey study research data record number increase decrease rise fall cut
shortage delay problem issue concern question answer response challenge risk threat warning
crisis emergency incident accident fire crash collision injury death attack protest march
rally meeting event festival season match team club player coach fans ground stadium title
cup league game victory defeat goal draw result score history future past region county
district village town country nation border coast island valley farm farmers food supply
shops retailers customers visitors tourists passengers drivers cyclists pedestrians traffic
parking streets lights roadworks repairs maintenance network system software technology
internet phone app website platform users accounts privacy security breach hackers fraud
scam complaint regulator watchdog standards safety quality performance target progress
strategy vision priority approach option alternative solution measure rule regulation
guidance advice information details statement letter petition appeal application permission
planning permission licence fine penalty compensation payment grant award prize ceremony
""")
VERBS = wordlist("""
said announced warned confirmed revealed claimed insisted argued suggested admitted denied
agreed rejected approved backed criticised welcomed launched unveiled published released
introduced proposed planned delayed postponed cancelled scrapped reversed increased reduced
cut raised lowered expanded extended closed opened reopened completed started began ended
continued faced received reported recorded found showed discovered investigated examined
reviewed considered discussed debated voted called urged demanded asked told explained
described estimated expected predicted promised pledged vowed threatened blamed accused
charged arrested sentenced jailed cleared fined ordered banned allowed required forced
supported opposed challenged questioned defended protected replaced appointed resigned
retired hired sacked recruited trained funded invested spent saved lost won beat signed
""")
ADJECTIVES = wordlist("""
new local national public private major key senior former current latest recent final
first second third last next previous early late long short high low big small large
significant serious major minor urgent immediate further additional extra total full
annual monthly weekly daily regional rural urban coastal northern southern eastern western
central independent official controversial popular unpopular successful failed cheaper
expensive affordable vulnerable elderly young older younger disabled homeless unemployed
struggling growing rising falling record historic unprecedented unexpected surprising
widespread limited modest substantial dramatic sharp steady gradual temporary permanent
emergency environmental economic financial political social legal medical technical
""")
ADVERBS = wordlist("""
also now still already recently previously currently initially eventually finally later
earlier again only just even almost nearly around roughly about largely mainly partly
""")
RARE_WORDS = wordlist("""
moratorium procurement arbitration subsidence desalination ombudsman escrow covenant
amalgamation gerrymandering filibuster quango rapporteur sequestration precept tribunal
adjudication cladding asbestos legionella culvert sluice embankment dredging aquifer
salinity eutrophication microplastics particulates biomethane electrolyser heat-pump
interconnector substation pylon wayleave easement leasehold freehold ground-rent
conveyancing remortgage arrears insolvency administration liquidation receivership
furlough apprenticeship sabbatical secondment redundancy tribunal grievance whistleblower
safeguarding ofsted curriculum academy multi-academy catchment exclusion truancy
phlebotomy triage outpatient diagnostics endoscopy oncology paediatric geriatric hospice
ambulance paramedic locum agency-staff bed-blocking discharge reablement domiciliary
""")
FIRST_NAMES = wordlist("""
James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara
Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy
Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew
Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy
Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob
Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela
Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine
Alexander Debra Patrick Rachel Frank Carolyn Raymond Janet Jack Catherine Dennis Maria
Aisha Mohammed Priya Rajesh Chen Wei Olga Ivan Fatima Omar Sofia Lucas Amara Kwame Yusuf
Siobhan Niamh Cormac Eilidh Rhys Bethan Gareth Ffion Callum Isla Ruairi Morag Hamish
""")
SYLLABLES = wordlist("""
ash bur ton ley ford wick ham by thorp mere dale wood field worth stead well bridge brook
cot ing ley low mar ken bel cal dor fen gar hal kel lan mor nor pen ros sel tan vel wyn
al an ar el en er il in or un ad ed od ud ab eb ob ib
""")
PLACE_SUFFIXES = ("ton", "ford", "bury", "wick", "ham", "by", "field", "worth", "bridge",
                  "mouth", "stead", "dale", "ley", "minster", "thorpe", "cester")
SURNAME_SUFFIXES = ("son", "ley", "man", "er", "ton", "well", "more", "wood", "ford", "s", "")
ORG_KINDS = ("District Council", "County Council", "NHS Trust", "Chamber of Commerce",
             "Residents' Association", "Housing Association", "Police", "Fire and Rescue Service",
             "University", "College", "Water", "Community Trust", "Rugby Club", "FC",
             "Harbour Board", "Civic Society", "Business Improvement District")
ROLES = ("council leader", "chief executive", "spokesperson", "chair", "director", "mayor",
         "MP", "deputy leader", "cabinet member for finance", "chief constable", "head teacher",
         "union representative", "managing director", "opposition leader", "clinical director")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
PREPOSITIONS = ("in", "at", "near", "outside", "across", "around", "throughout")

# Sentence patterns: slots in braces, few fixed words in a row, so that five-word shingles
# nearly always hold a drawn word and unrelated stories share few of them (as real ones do).
SENTENCES = (
    "The {adj} {noun} {verb} the {noun} {prep} {place} on {weekday}.",
    "{Person}, the {role} of {org}, {verb} that the {noun} would {verb_base} {adv}.",
    "\u201cWe have {verb} the {noun} and the {noun},\u201d said {person}. \u201cThe {noun} is "
    "{adj}.\u201d",
    "{Org} {verb} {number} {nouns} {prep} {place} in {month}, {adv} {adj} than last {noun}.",
    "According to {org}, the {noun} {verb} by {percent} per cent over the {adj} {noun}.",
    "{Person} {verb} the {adj} {noun}, which {verb} \u00a3{amount} million {prep} {place}.",
    "It is {adv} {adj} whether the {noun} will {verb_base} the {noun} before {month}.",
    "The {noun} was {verb} after {number} {nouns} {verb} {prep} the {adj} {noun}.",
    "Critics {verb} that the {noun} {verb} {adj} {nouns} and {adj} {nouns} {prep} {place}.",
    "A {adj} {noun} at {org} {verb} the {noun} as {adj} and {adj}.",
    "{Person} told the {noun} that {nouns} {prep} {place} had {adv} {verb} the {noun}.",
    "The {rare} {noun} {verb} {prep} {place} {adv}, {person} said.",
    "Figures {verb} by {org} show {number} {nouns} {verb} the {adj} {noun} since {month}.",
    "Under the {adj} {noun}, {nouns} would be {verb} {prep} {place} and {place}.",
    "{Org} has {verb} a {adj} {noun} into the {rare} at {place}.",
    "The {noun} {verb} {adv} on {weekday} evening, when {person} {verb} the {noun}.",
    "{Person}, {age}, {verb} the {noun} {prep} {place} in {month}.",
    "Asked about the {noun}, {person} {verb}: \u201cThe {nouns} {verb} the {adj} {noun}.\u201d",
    "The {noun} of {org} {verb} {nouns} worth \u00a3{amount} million, {adv} {adj} {noun}.",
    "In a {adj} {noun} to {nouns}, {person} {verb} the {rare} would {verb_base} in {month}.",
    "More than {number} {nouns} {verb} {prep} {place}, where the {noun} {verb} the {noun}.",
    "{Org} {verb} it had {verb} the {noun} {adv}, and {verb} {adj} {nouns}.",
)
HEADLINES = (
    "{Place} {noun} {verb_present} as {nouns} {verb}",
    "{Org} {verb_present} {adj} {noun} plan",
    "{Adj} {noun} at {place}: {nouns} {verb}",
    "{Person} {verb_present} {noun} after {adj} {noun}",
    "{Place} {rare} {noun} {verb} {adv}",
    "{Number} {nouns} {verb} in {place} {noun} row",
    "Why the {noun} in {place} {verb_present} the {nouns}",
)
CORRECTIONS = (
    "Correction: An earlier version of this article said the {noun} {verb} {number} {nouns}. "
    "It {verb} {number}.",
    "Correction: This article was amended on {weekday} {day} {month}. An earlier version "
    "misnamed the {role} of {org}.",
    "Clarification: The {noun} described above was {verb} by {org}, not by {person}.",
    "Editor's note: This story has been updated to include a response from {org}.",
)
UPDATES = (
    "Update, {weekday}: {Org} {verb} on {weekday} that the {noun} would {verb_base} {adv}.",
    "Updated at {hour}:{minute}: {Person} has since {verb} the {adj} {noun}.",
)
TYPOS = (("the", "teh"), ("said", "siad"), ("council", "counicl"), ("their", "thier"),
         ("which", "whcih"), ("would", "woudl"), ("government", "goverment"))

SITES = (  # name, sections, URL style, authors, UTC offset of its dates, embeds state JSON
    ("northernledger.co.uk", ("news", "politics", "business", "sport", "environment", "health"),
     "dated", 28, "+01:00", False),
    ("harbourherald.com", ("local", "crime", "transport", "business", "opinion"),
     "slug-id", 22, "+00:00", True),
    ("eveningcourier.co.uk", ("news", "courts", "education", "sport", "property", "politics"),
     "section-id", 35, "+01:00", False),
    ("valleypost.net", ("news", "farming", "community", "weather", "politics"), "dated", 14,
     "+01:00", True),
    ("citygazette.com", ("metro", "politics", "business", "technology", "health", "culture"),
     "slug-id", 40, "-04:00", False),
    ("coastalobserver.org", ("news", "environment", "tourism", "transport"), "section-id", 12,
     "+00:00", False),
    ("metrotribune.com", ("news", "world", "business", "science", "sport", "opinion", "health"),
     "dated", 45, "-05:00", True),
    ("countyrecord.co.uk", ("news", "planning", "courts", "schools", "sport"), "slug-id", 18,
     "+01:00", False),
)


class WordBank:
    """Zipf-weighted word lists and a long tail of names, the same for every archive."""

    def __init__(self) -> None:
        rng = random.Random(VOCABULARY_SEED)
        self.places = self._unique(rng, 6000, lambda: self._name(rng, PLACE_SUFFIXES))
        self.surnames = self._unique(rng, 8000, lambda: self._name(rng, SURNAME_SUFFIXES))
        self.orgs = [f"{rng.choice(self.places)} {rng.choice(ORG_KINDS)}" for _ in range(3000)]
        self.lists: dict[str, tuple[list[str], list[float]]] = {}
        for name, words in (("noun", NOUNS), ("verb", VERBS), ("adj", ADJECTIVES),
                            ("adv", ADVERBS), ("rare", RARE_WORDS), ("first", FIRST_NAMES),
                            ("surname", self.surnames), ("place", self.places),
                            ("org", self.orgs), ("role", list(ROLES)),
                            ("prep", list(PREPOSITIONS))):
            words = list(dict.fromkeys(words))
            rng.shuffle(words)  # which word is frequent is chance, not list order
            self.lists[name] = (words, list(itertools.accumulate(
                1 / (rank + 1) ** 1.05 for rank in range(len(words)))))

    @staticmethod
    def _name(rng: random.Random, suffixes: Sequence[str]) -> str:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 1, 2))))
        return (stem + rng.choice(suffixes)).capitalize()

    @staticmethod
    def _unique(rng: random.Random, count: int, make: Callable[[], str]) -> list[str]:
        names: dict[str, None] = {}
        for _ in range(count * 4):
            names[make()] = None
            if len(names) >= count:
                break
        return list(names)

    def pick(self, rng: random.Random, kind: str) -> str:
        words, cumulative = self.lists[kind]
        return words[bisect.bisect(cumulative, rng.random() * cumulative[-1])]

    def common(self, kind: str, count: int) -> list[str]:
        """The most frequent words of a kind."""
        return self.lists[kind][0][:count]


def plural(noun: str) -> str:
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun if noun in ("people", "police", "staff", "data", "evidence") else noun + "s"


def base_form(verb: str) -> str:
    """A rough present form of a past-tense verb, for "would ..." slots."""
    irregular = {"said": "say", "began": "begin", "won": "win", "lost": "lose", "beat": "beat",
                 "told": "tell", "found": "find", "spent": "spend", "cut": "cut"}
    if verb in irregular:
        return irregular[verb]
    if verb.endswith("ied"):
        return verb[:-3] + "y"
    if verb.endswith(("ssed", "shed", "ched", "xed")):
        return verb[:-2]
    if verb.endswith("ed") and len(verb) > 4 and verb[-3] == verb[-4] and verb[-3] not in "ls":
        return verb[:-3]
    if verb.endswith(("ated", "ised", "ved", "ced", "ged", "sed", "ured", "ized", "oted")):
        return verb[:-1]
    return verb[:-2] if verb.endswith("ed") else verb


SLOT = re.compile(r"\{(\w+)\}")


class Writer:
    """Draws headlines, standfirsts, paragraphs and edits of stories from the word bank."""

    def __init__(self, bank: WordBank, rng: random.Random) -> None:
        self.bank = bank
        self.rng = rng

    def person(self) -> str:
        return f"{self.bank.pick(self.rng, 'first')} {self.bank.pick(self.rng, 'surname')}"

    def slot(self, name: str, cast: dict[str, list[str]]) -> str:
        rng, bank = self.rng, self.bank
        lower = name.lower()
        # A story keeps coming back to its own few people, places and organisations.
        if lower in cast and rng.random() < 0.6:
            value = rng.choice(cast[lower])
        elif lower == "person":
            value = self.person()
        elif lower in ("noun", "adj", "adv", "rare", "place", "org", "role", "prep", "verb"):
            value = bank.pick(rng, lower)
        elif lower == "nouns":
            value = plural(bank.pick(rng, "noun"))
        elif lower == "verb_base":
            value = base_form(bank.pick(rng, "verb"))
        elif lower == "verb_present":
            value = base_form(bank.pick(rng, "verb")) + "s"
        elif lower == "weekday":
            value = rng.choice(WEEKDAYS)
        elif lower == "month":
            value = rng.choice(MONTHS)
        elif lower == "number":
            value = str(rng.choice((rng.randint(2, 40), rng.randint(40, 900),
                                    rng.randint(1000, 25000))))
        elif lower == "percent":
            value = str(rng.randint(2, 60))
        elif lower == "amount":
            value = f"{rng.randint(1, 250)}.{rng.randint(0, 9)}"
        elif lower == "age":
            value = str(rng.randint(19, 88))
        elif lower == "day":
            value = str(rng.randint(1, 28))
        elif lower == "hour":
            value = f"{rng.randint(7, 22):02d}"
        elif lower == "minute":
            value = f"{rng.randint(0, 59):02d}"
        else:
            raise KeyError(name)
        return value[:1].upper() + value[1:] if name[:1].isupper() else value

    def fill(self, template: str, cast: dict[str, list[str]]) -> str:
        return SLOT.sub(lambda m: self.slot(m.group(1), cast), template)

    def cast(self) -> dict[str, list[str]]:
        """The people, places and organisations one story is about."""
        return {"person": [self.person() for _ in range(self.rng.randint(2, 4))],
                "place": [self.bank.pick(self.rng, "place") for _ in range(2)],
                "org": [self.bank.pick(self.rng, "org") for _ in range(2)],
                "noun": [self.bank.pick(self.rng, "noun") for _ in range(3)]}

    def sentence(self, cast: dict[str, list[str]]) -> str:
        return self.fill(self.rng.choice(SENTENCES), cast)

    def paragraph(self, cast: dict[str, list[str]]) -> str:
        return " ".join(self.sentence(cast) for _ in range(self.rng.choice((1, 2, 2, 3))))

    def headline(self, cast: dict[str, list[str]]) -> str:
        return self.fill(self.rng.choice(HEADLINES), cast)

    def body(self, cast: dict[str, list[str]]) -> list[str]:
        words = self.rng.randint(*WORDS_RANGE)
        paragraphs: list[str] = []
        count = 0
        while count < words:
            paragraph = self.paragraph(cast)
            paragraphs.append(paragraph)
            count += paragraph.count(" ") + 1
        return paragraphs

    def edit(self, story: dict[str, Any], kind: str, history: list[dict[str, Any]]
             ) -> dict[str, Any]:
        """A later version of a story: the same dict with title, summary or body edited."""
        rng, cast = self.rng, story["cast"]
        new = {**story, "paragraphs": list(story["paragraphs"])}
        paragraphs = new["paragraphs"]
        if kind == "headline":
            new["title"] = self.headline(cast)
        elif kind == "summary":
            new["summary"] = self.sentence(cast)
        elif kind == "correction":
            paragraphs.append(self.fill(rng.choice(CORRECTIONS), cast))
        elif kind == "update":
            paragraphs.insert(0, self.fill(rng.choice(UPDATES), cast))
            for _ in range(rng.randint(1, 4)):
                paragraphs.insert(rng.randint(1, len(paragraphs)), self.paragraph(cast))
        elif kind == "typo":
            for index in rng.sample(range(len(paragraphs)), len(paragraphs)):
                for right, wrong in TYPOS:
                    if f" {wrong} " in paragraphs[index]:  # fix a typo of an earlier version
                        paragraphs[index] = paragraphs[index].replace(f" {wrong} ", f" {right} ",
                                                                      1)
                        return new
                    if f" {right} " in paragraphs[index]:
                        paragraphs[index] = paragraphs[index].replace(f" {right} ", f" {wrong} ",
                                                                      1)
                        return new
        elif kind == "revert" and len(history) >= 2:
            return {**history[-2], "paragraphs": list(history[-2]["paragraphs"])}
        else:  # paragraphs rewritten, added or cut
            for _ in range(rng.randint(1, 4)):
                action = rng.random()
                index = rng.randrange(len(paragraphs))
                if action < 0.5:
                    paragraphs[index] = self.paragraph(cast)
                elif action < 0.8 or len(paragraphs) < 10:
                    paragraphs.insert(index, self.paragraph(cast))
                else:
                    del paragraphs[index]
        return new


# ---------------------------------------------------------------------------------------------
# Site templates and pages

CSS_PROPERTIES = (
    ("display", ("block", "flex", "none", "inline-block", "grid")),
    ("margin", ("0", "0 auto", "8px 0", "0 0 16px", "24px 0 12px")),
    ("padding", ("0", "4px 8px", "12px", "16px 24px", "0 16px")),
    ("color", ("#121212", "#333", "#595959", "#fff", "#c70000", "#0a4f8f")),
    ("background-color", ("#fff", "#f6f6f6", "#121212", "#ffe500", "#e9eff1")),
    ("font-size", ("12px", "14px", "16px", "1.125rem", "1.5rem", "2.25rem")),
    ("line-height", ("1.2", "1.35", "1.5", "24px")),
    ("font-weight", ("400", "700", "bold")),
    ("border-bottom", ("1px solid #dcdcdc", "0", "2px solid currentColor")),
    ("position", ("relative", "absolute", "sticky")),
    ("width", ("100%", "auto", "300px", "calc(100% - 32px)")),
    ("max-width", ("1300px", "620px", "100%")),
    ("justify-content", ("space-between", "center", "flex-start")),
    ("text-transform", ("uppercase", "none")),
    ("transition", ("opacity .2s ease-in-out", "transform .3s")),
)
JS_PROPERTIES = ("push", "length", "dataset", "querySelector", "addEventListener", "getItem",
                 "setItem", "innerHTML", "classList", "contains", "forEach", "map", "filter",
                 "then", "catch", "json", "slot", "targeting", "config", "consent", "user",
                 "page", "section", "prebid", "bidders", "timeout", "cmd", "refresh")


def _identifiers(rng: random.Random, count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
    return list(dict.fromkeys(
        "".join(rng.choice(letters) for _ in range(rng.choice((1, 1, 2, 2, 3))))
        for _ in range(count)))


def _css(rng: random.Random, classes: list[str], size: int) -> str:
    rules: list[str] = []
    total = 0
    while total < size:
        selector = ",".join(
            "." + "".join(rng.choice(classes) for _ in range(rng.choice((1, 1, 2))))
            + rng.choice(("", "", ":hover", " a", ">li", "::before"))
            for _ in range(rng.choice((1, 1, 2))))
        declarations = ";".join(f"{name}:{rng.choice(values)}" for name, values in
                                rng.sample(CSS_PROPERTIES, rng.randint(1, 5)))
        rule = f"{selector}{{{declarations}}}"
        if rng.random() < 0.08:
            rule = f"@media (min-width:{rng.choice((480, 740, 980, 1140))}px){{{rule}}}"
        rules.append(rule)
        total += len(rule)
    return "".join(rules)


def _javascript(rng: random.Random, size: int) -> str:
    names = _identifiers(rng, 400)
    chunks: list[str] = []
    total = 0
    while total < size:
        a, b, c, d = (rng.choice(names) for _ in range(4))
        p, q = rng.choice(JS_PROPERTIES), rng.choice(JS_PROPERTIES)
        chunk = rng.choice((
            f"function {a}({b},{c}){{var {d}={b}.{p}||{{}};if({d}.{q}!=={rng.randint(0, 99)})"
            f"return {c}({d},\"{p}-{q}\");for(var i=0;i<{b}.length;i++){d}[i]={b}[i]*"
            f"{rng.randint(2, 64)};return {d}}}",
            f"{a}.{p}=function({b}){{return this.{q}.filter(function({c}){{return {c}.{p}==="
            f"{b}}})}};",
            f"var {a}=[{','.join(str(rng.randint(0, 4096)) for _ in range(rng.randint(3, 12)))}];",
            f"{a}.{p}(\"{rng.choice(JS_PROPERTIES)}\",function({b}){{{b}.preventDefault();"
            f"{c}.{q}.toggle(\"is-{rng.choice(JS_PROPERTIES)}\")}},!1);",
            f"try{{{a}=JSON.parse(localStorage.getItem(\"{p}_{rng.getrandbits(24):x}\"))}}catch"
            f"({b}){{{a}=null}}",
            f"{a}&&{a}.{p}?{b}({a}.{p},{{{q}:{rng.randint(0, 9999)},{p}:!0}}):{c}.{q}.push("
            f"[\"{rng.getrandbits(32):08x}\",{rng.randint(0, 600)}]);",
        ))
        chunks.append(chunk)
        total += len(chunk)
    return "".join(chunks)


class SiteTemplate:
    """One site's page chrome: the same head, scripts, menus and footer on every page."""

    def __init__(self, bank: WordBank, name: str, sections: Sequence[str], style: str,
                 authors: int, offset: str, state_json: bool) -> None:
        rng = random.Random(f"site {name}")
        self.name, self.sections, self.style, self.offset = name, sections, style, offset
        self.state_json = state_json
        writer = Writer(bank, rng)
        self.authors = [writer.person() for _ in range(authors)]
        prefix = name.split(".")[0][:3]
        classes = list(dict.fromkeys(
            f"{prefix}-{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}"
            + rng.choice(("", "__item", "__link", "__title", "--active", "__wrap", "--large"))
            for _ in range(260)))
        self.classes = classes
        base = rng.randint(24_000, 48_000)  # this site's chrome: some sites are heavier
        css = _css(rng, classes, int(base * 0.3))
        scripts = [_javascript(rng, int(base * 0.3 / 3)) for _ in range(3)]
        topics = [bank.pick(rng, "noun") for _ in range(60)]
        menu = "".join(
            f'<li class="{rng.choice(classes)}"><a href="https://www.{name}/{section}/" '
            f'data-link-name="nav : primary : {section}">{section.title()}</a><ul>'
            + "".join(f'<li><a class="{rng.choice(classes)}" href="https://www.{name}/{section}/'
                      f'{topic}/" data-link-name="nav : secondary : {topic}">{topic.title()}'
                      f"</a></li>" for topic in rng.sample(topics, 14))
            + "</ul></li>" for section in sections)
        legal = " ".join(writer.sentence(writer.cast()) for _ in range(6))
        footer_links = "".join(
            f'<li><a href="https://www.{name}/info/{word}" class="{rng.choice(classes)}">'
            f"{word.title()}</a></li>" for word in rng.sample(NOUNS, 48))
        self.head = (
            '<meta charset="utf-8"><meta name="viewport" content="width=device-width,'
            'initial-scale=1"><link rel="preconnect" href="https://assets.' + name + '">'
            + "".join(f'<link rel="preload" as="font" crossorigin href="https://assets.{name}/'
                      f'fonts/{rng.getrandbits(40):x}.woff2">' for _ in range(8))
            + f'<link rel="icon" href="https://assets.{name}/favicon.ico"><style>{css}</style>')
        self.scripts = scripts
        self.header = (
            f'<header class="{classes[0]}"><a class="{classes[1]}" href="https://www.{name}/">'
            f'<svg viewBox="0 0 160 30"><path d="M{rng.randint(1, 9)} 0h160v30H0z"/></svg>'
            f'</a><nav class="{classes[2]}" aria-label="Sections"><ul>{menu}</ul></nav>'
            f'<form action="https://www.{name}/search"><input name="q" placeholder="Search">'
            f"</form></header>")
        cards = "".join(self._card(rng, writer) for _ in range(base // 1500))
        self.footer = (
            f'<section class="{classes[7]}" data-component="onwards"><h2>More from {name}</h2>'
            f'{cards}</section><footer class="{classes[3]}"><ul>{footer_links}</ul><p>{legal}</p>'
            f"<p>\u00a9 {name} 2025. All rights reserved.</p></footer>")

    def _card(self, rng: random.Random, writer: Writer) -> str:
        """A teaser card of the site's onward-journey rail: mostly markup around a headline."""
        c = [rng.choice(self.classes) for _ in range(6)]
        path = f"https://www.{self.name}/{rng.choice(self.sections)}/{rng.getrandbits(30)}"
        image = f"https://i.{self.name}/img/{rng.getrandbits(64):016x}"
        return (
            f'<div class="{c[0]}"><div class="{c[1]}"><a href="{path}" class="{c[2]}" '
            f'data-link-name="onwards | card"><picture class="{c[3]}"><source media="(min-width:'
            f'980px)" srcset="{image}/460.jpg"><source media="(min-width:740px)" srcset="{image}'
            f'/300.jpg"><img src="{image}/140.jpg" alt="" loading="lazy" width="140" height="84">'
            f'</picture></a></div><div class="{c[4]}"><h3 class="{c[5]}"><a href="{path}" '
            f'class="{c[2]}">{escape(writer.headline(writer.cast()))}</a></h3><div class="'
            f'{c[1]}-meta"><span class="{c[3]}-kicker">{rng.choice(self.sections).title()}'
            f'</span><svg class="icon" width="12" height="12" aria-hidden="true"><use href="#'
            f'icon-clock"></use></svg></div></div></div>')

    def url(self, section: str, slug: str, number: int, published: datetime) -> str:
        if self.style == "dated":
            path = f"/{section}/{published:%Y/%m/%d}/{slug}/"
        elif self.style == "slug-id":
            path = f"/{section}/{slug}-{number}"
        else:
            path = f"/{section}/article-{number}.html"
        return f"https://www.{self.name}{path}"

    def page(self, rng: random.Random, writer: Writer, version: dict[str, Any]) -> bytes:
        """The HTML of one version's page, 60-120 KB."""
        classes, name = self.classes, self.name
        nonce = f"{rng.getrandbits(128):032x}"
        paragraphs = version["paragraphs"]
        body: list[str] = []
        for index, paragraph in enumerate(paragraphs):
            body.append(f"<p>{escape(paragraph)}</p>")
            if index % 6 == 5:
                body.append(
                    f'<aside class="{rng.choice(classes)}" data-component="rich-link"><a href='
                    f'"https://www.{name}/{rng.choice(self.sections)}/{rng.getrandbits(30)}">'
                    f"{escape(writer.headline(version['cast']))}</a></aside>"
                    f'<div id="ad-slot-{rng.getrandbits(32):08x}" class="ad-slot" data-ad-unit='
                    f'"/{rng.getrandbits(20)}/{name}/{version["section"]}/article" data-targeting'
                    f'=\'{{"pos":"inline{index // 6}","k":"{rng.getrandbits(48):x}"}}\'></div>')
        published, authors = version["published"], version["authors"]
        byline = ", ".join(f'<a rel="author" href="https://www.{name}/profile/'
                           f'{slug_of(a)}">{escape(a)}</a>' for a in authors)
        teasers = "".join(
            f'<li class="{rng.choice(classes)}"><a href="https://www.{name}/'
            f'{rng.choice(self.sections)}/{rng.getrandbits(30)}" data-link-name="most-read : '
            f'{n}"><span>{escape(writer.headline(writer.cast()))}</span></a></li>'
            for n in range(rng.randint(8, 14)))
        latest = "".join(
            f'<li><a href="https://www.{name}/{rng.choice(self.sections)}/'
            f'{rng.getrandbits(30)}"><h3>{escape(writer.headline(writer.cast()))}</h3><p>'
            f"{escape(writer.sentence(writer.cast()))}</p></a><time>{rng.randint(1, 59)} min ago"
            f"</time></li>" for _ in range(rng.randint(4, 10)))
        ld = json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle",
            "headline": version["title"], "description": version["summary"],
            "datePublished": version["published_text"], "dateModified": version["fetched_at"],
            "author": [{"@type": "Person", "name": a} for a in authors],
            "publisher": {"@type": "Organization", "name": name},
            "mainEntityOfPage": version["url"],
            "image": [f"https://i.{name}/img/{rng.getrandbits(128):032x}/{w}.jpg"
                      for w in (1200, 800, 400)]}, ensure_ascii=False)
        state = ""
        if self.state_json:
            state = (f'<script id="__STATE__" type="application/json" nonce="{nonce}">'
                     + json.dumps({"page": {"id": rng.getrandbits(40), "section":
                                            version["section"], "blocks": [
                                                {"type": "p", "text": p} for p in paragraphs]},
                                   "ab": {f"t{n}": rng.choice("ab") for n in range(12)},
                                   "session": f"{rng.getrandbits(96):024x}"},
                                  ensure_ascii=False) + "</script>")
        images = ", ".join(f"https://i.{name}/img/{rng.getrandbits(128):032x}/{w}.jpg {w}w"
                           for w in (320, 640, 960, 1280, 1920))
        html = (
            f'<!DOCTYPE html><html lang="en-GB"><head>{self.head}'
            f"<title>{escape(version['title'])} | {name}</title>"
            f'<meta name="description" content="{escape(version["summary"])}">'
            f'<meta property="og:title" content="{escape(version["title"])}">'
            f'<meta property="og:url" content="{version["url"]}">'
            f'<link rel="canonical" href="{version["url"]}">'
            f'<script type="application/ld+json">{ld}</script>'
            f'<script nonce="{nonce}">{self.scripts[0]}</script></head><body class='
            f'"{classes[4]} section-{version["section"]}">{self.header}'
            f'<main><article><header><p class="{classes[5]}"><a href="https://www.{name}/'
            f'{version["section"]}/">{version["section"].title()}</a></p>'
            f"<h1>{escape(version['title'])}</h1><p class=\"standfirst\">"
            f"{escape(version['summary'])}</p><p class=\"byline\">By {byline}</p>"
            f'<time datetime="{version["published_text"]}">{published:%A %d %B %Y %H.%M}</time>'
            f'</header><figure><img srcset="{images}" alt="" loading="eager"></figure>'
            f'<div class="article-body">{"".join(body)}</div></article>'
            f'<aside class="{classes[6]}"><h2>Most read</h2><ol>{teasers}</ol>'
            f"<h2>Latest</h2><ul>{latest}</ul></aside></main>{self.footer}"
            f'<script nonce="{nonce}">{self.scripts[1]}</script>{state}'
            f'<img src="https://pixel.{name}/t.gif?cid={rng.getrandbits(128):032x}&pv='
            f'{rng.getrandbits(64):016x}" width="1" height="1" alt="">'
            f'<script nonce="{nonce}" async>{self.scripts[2]}</script></body></html>')
        return html.encode("utf-8")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


# ---------------------------------------------------------------------------------------------
# Stories, their versions and the items a crawl would save

def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(moment: datetime, offset: str) -> str:
    sign = 1 if offset[0] == "+" else -1
    zone = timedelta(hours=sign * int(offset[1:3]), minutes=sign * int(offset[4:6]))
    return (moment + zone).strftime("%Y-%m-%dT%H:%M:%S") + offset


class Generator:
    """Every version of every story, as the items the crawl's pipelines hand to the archive."""

    def __init__(self, articles: int, versions: float, seed: int) -> None:
        self.articles, self.versions, self.seed = articles, versions, seed
        self.bank = WordBank()
        self.sites = [SiteTemplate(self.bank, *site) for site in SITES]
        self.weights = list(itertools.accumulate(len(s.authors) for s in self.sites))
        self.extractor = extractor_version()

    def story_versions(self, index: int) -> list[dict[str, Any]]:
        """One story's versions (and its syndicated copy's), each a dict of its fields."""
        rng = random.Random(f"{self.seed} story {index}")
        writer = Writer(self.bank, rng)
        site = rng.choices(self.sites, cum_weights=self.weights)[0]
        cast = writer.cast()
        day = 365 * (index + rng.random()) / self.articles
        published = YEAR_START + timedelta(days=day)
        title = writer.headline(cast)
        section = rng.choice(site.sections)
        story = {
            "site": site, "cast": cast, "title": title, "summary": writer.sentence(cast),
            "paragraphs": writer.body(cast), "section": section, "published": published,
            "authors": rng.sample(site.authors, rng.choice((1, 1, 1, 2, 2, 3))),
            "url": site.url(section, slug_of(title)[:60], 100_000 + index, published),
        }
        count = rng.randint(1, max(1, round(2 * self.versions - 1)))
        fetched = published + timedelta(minutes=rng.randint(2, 90))
        history = [{**story, "fetched_at": fetched}]
        kinds, weights = list(EDIT_KINDS), list(EDIT_KINDS.values())
        for _ in range(count - 1):
            fetched += timedelta(hours=rng.expovariate(1 / 10) + 0.25)
            kind = rng.choices(kinds, weights)[0]
            history.append({**writer.edit(history[-1], kind, history), "fetched_at": fetched})
        if rng.random() < SYNDICATED_SHARE:
            history.extend(self.syndicate(rng, writer, history[0], index))
        return history

    def syndicate(self, rng: random.Random, writer: Writer, original: dict[str, Any],
                  index: int) -> list[dict[str, Any]]:
        """The story republished on another site: trimmed, perhaps re-headlined, credited."""
        site = rng.choice([s for s in self.sites if s is not original["site"]])
        section = rng.choice(site.sections)
        published = original["published"] + timedelta(hours=rng.uniform(1, 8))
        paragraphs = original["paragraphs"][:len(original["paragraphs"]) - rng.randint(0, 2)]
        paragraphs.append(f"This article first appeared in {original['site'].name}.")
        title = original["title"] if rng.random() < 0.5 else writer.headline(original["cast"])
        copy = {**original, "site": site, "section": section, "published": published,
                "paragraphs": paragraphs, "title": title,
                "url": site.url(section, slug_of(title)[:60], 900_000 + index, published),
                "fetched_at": published + timedelta(minutes=rng.randint(2, 90))}
        copies = [copy]
        if rng.random() < 0.4:
            later = writer.edit(copy, rng.choice(("headline", "typo", "paragraphs")), copies)
            copies.append({**later, "fetched_at": copy["fetched_at"] + timedelta(hours=3)})
        return copies

    def item(self, rng: random.Random, writer: Writer, version: dict[str, Any],
             first: datetime) -> dict[str, Any]:
        """The item the crawl's pipelines would hand Archive.save() for one fetch."""
        site: SiteTemplate = version["site"]
        version = {**version, "published_text": iso_local(version["published"], site.offset),
                   "fetched_at": iso_utc(version["fetched_at"]), "section": version["section"]}
        page = site.page(rng, writer, version)
        modified = version["fetched_at"] if version["fetched_at"] != iso_utc(first) else None
        url = canonical_url(version["url"])
        return {
            "url": url, "site": site.name, "fetched_url": version["url"], "status": 200,
            "fetched_at": version["fetched_at"], "title": version["title"],
            "summary": version["summary"], "authors": version["authors"],
            "published": version["published_text"], "modified": modified,
            "section": version["section"], "body": "\n\n".join(version["paragraphs"]),
            "lang": "en", "extractor": self.extractor, "encoding": "utf-8", "page": page,
            "etag": f'W/"{zlib.crc32(page):08x}"',
            "headers": {"Content-Type": "text/html; charset=utf-8", "Server": "nginx",
                        "Cache-Control": "max-age=60", "Vary": "Accept-Encoding",
                        "X-Cache": rng.choice(("HIT", "MISS"))},
        }

    def chunk(self, start: int, stop: int) -> list[dict[str, Any]]:
        """The items of stories start..stop-1 (and their copies), in the order of fetching."""
        items = []
        for index in range(start, stop):
            rng = random.Random(f"{self.seed} page {index}")
            writer = Writer(self.bank, rng)
            versions = self.story_versions(index)
            firsts: dict[str, datetime] = {}
            for version in versions:
                first = firsts.setdefault(version["url"], version["fetched_at"])
                items.append(self.item(rng, writer, version, first))
        items.sort(key=lambda item: item["fetched_at"])
        return items


_GENERATOR: Generator | None = None


def _start_worker(articles: int, versions: float, seed: int) -> None:
    global _GENERATOR
    _GENERATOR = Generator(articles, versions, seed)


def _chunk(bounds: tuple[int, int]) -> list[dict[str, Any]]:
    assert _GENERATOR is not None
    return _GENERATOR.chunk(*bounds)


CHUNK = 50  # stories a worker generates at a time
AHEAD = 2  # chunks generated ahead of the saves: the worker is faster, memory is not endless


def prefetched(pool: Any, chunks: list[tuple[int, int]]) -> Iterator[list[dict[str, Any]]]:
    """The items of each chunk in turn, generated by the pool at most AHEAD chunks ahead."""
    pending: deque = deque()
    for bounds in chunks:
        pending.append(pool.apply_async(_chunk, (bounds,)))
        if len(pending) > AHEAD:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def generate(path: Path, articles: int, versions: float, seed: int, batch: int) -> dict[str, Any]:
    """Fill a new archive through Archive.save(); returns the generation's figures."""
    chunks = [(start, min(start + CHUNK, articles)) for start in range(0, articles, CHUNK)]
    outcomes: dict[str, int] = {}
    saved = page_bytes = 0
    save_seconds = batch_seconds = 0.0
    batch_saves = 0
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    # One worker writes the next stories' items (text and pages) while this process saves.
    with context.Pool(1, _start_worker, (articles, versions, seed)) as pool, \
            Archive.open(path) as archive:
        crawl_id, crawl_started, crawl_counts = None, "", dict.fromkeys(
            ("pages_fetched", "articles_new", "versions_new", "unchanged"), 0)
        done = 0
        for (start, stop), items in zip(chunks, prefetched(pool, chunks), strict=True):
            if crawl_id is None:
                crawl_started = items[0]["fetched_at"]
                crawl_id = archive.start_crawl(SPIDER, [f"stories {start}-"], crawl_started)
            before = time.perf_counter()
            for item in items:
                outcome = archive.save(item, crawl_id)
                outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
                crawl_counts["pages_fetched"] += 1
                crawl_counts["articles_new"] += outcome == "new_article"
                crawl_counts["versions_new"] += outcome in ("new_article", "new_version")
                crawl_counts["unchanged"] += outcome == "unchanged"
                page_bytes += len(item["page"])
            spent = time.perf_counter() - before
            save_seconds += spent
            batch_seconds += spent
            batch_saves += len(items)
            saved += len(items)
            done = stop
            if done % batch == 0 or done == articles:
                archive.finish_crawl(crawl_id, "finished", crawl_counts,
                                     {"seed": seed, "articles": articles, "versions": versions},
                                     items[-1]["fetched_at"])
                crawl_id = None
                crawl_counts = dict.fromkeys(crawl_counts, 0)
                elapsed = time.perf_counter() - started
                print(f"  {done:>7} stories, {saved:>8} saves in {elapsed:7.1f} s: "
                      f"{saved / elapsed:6.1f} saves/s overall, "
                      f"{1000 * batch_seconds / batch_saves:5.1f} ms a save in this batch",
                      file=sys.stderr, flush=True)
                if done < articles:
                    batch_seconds, batch_saves = 0.0, 0
        elapsed = time.perf_counter() - started
        figures = {
            "stories": articles, "saves": saved, "outcomes": outcomes,
            "seconds": round(elapsed, 1), "save_seconds": round(save_seconds, 1),
            "saves_per_s": round(saved / elapsed, 1),
            "saves_per_s_in_save": round(saved / save_seconds, 1),
            "save_ms": round(1000 * save_seconds / saved, 2),
            "last_batch_save_ms": round(1000 * batch_seconds / batch_saves, 2),
            "raw_page_mb_per_s": round(page_bytes / save_seconds / 1e6, 1),
        }
        # Kept with the last crawl, so a run that reuses the archive can report them.
        last = archive.crawls(1)[0]
        with archive.db.atomic():
            archive.db.execute("UPDATE crawls SET stats = ? WHERE id = ?", (json.dumps(
                {**json.loads(last["stats"]), "generation": figures}), last["id"]))
        archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return figures


def migrate_if_older(path: Path) -> dict[str, Any] | None:
    """Bring a reused archive of an older schema up to date, as the next crawl would; timed."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    if version >= SCHEMA_VERSION:
        return None
    print(f"Migrating schema {version} -> {SCHEMA_VERSION} (a backup first)", file=sys.stderr)
    start = time.perf_counter()
    with Archive.open(path):
        pass
    seconds = time.perf_counter() - start
    backup = path.with_name(f"{path.name}.v{version}.bak")
    figures = {"from": version, "to": SCHEMA_VERSION, "seconds": round(seconds, 1),
               "backup": str(backup)}
    print(f"  migrated in {seconds:.0f} s, backup at {backup}", file=sys.stderr)
    return figures


def recorded_generation(path: Path) -> dict[str, Any] | None:
    """The generation figures an earlier run kept in the archive, if any."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT stats FROM crawls WHERE spider = ? ORDER BY id DESC LIMIT 1",
                           (SPIDER,)).fetchone()
    finally:
        conn.close()
    return json.loads(row[0]).get("generation") if row else None


# ---------------------------------------------------------------------------------------------
# Measuring

WORD_TOKEN = re.compile(r"[A-Za-z][a-z]+")
# Words a researcher's phrase does not hold ("that the", "confirmed the").
FUNCTION_WORDS = frozenset(wordlist("""
the a an of in on at to for by with from and or but that this it its is was were be been has
had have would will as than which when where who said near outside across around throughout
about after before over under into
"""))
COMMON_BAND = (0.10, 0.40)  # share of versions a "common word" is in, as "government" is
MOST = 0.80  # share of versions the stress case's word is in at least


def timed(function: Callable[[], Any]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Inputs:
    """Random arguments drawn from the archive itself, so a reused archive works the same."""

    def __init__(self, path: Path, seed: int) -> None:
        self.rng = random.Random(f"{seed} inputs")
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self.max_id = self.conn.execute("SELECT MAX(id) FROM articles").fetchone()[0]
        self.sites = [s for (s,) in self.conn.execute("SELECT DISTINCT site FROM articles")]
        self.edited = [i for (i,) in self.conn.execute(
            "SELECT article_id FROM versions WHERE version = 2")]
        self.syndicated = [i for (i,) in self.conn.execute(
            "SELECT DISTINCT article_id FROM similar")]
        newest = self.conn.execute("SELECT MAX(published) FROM versions").fetchone()[0]
        self.newest = datetime.fromisoformat(newest[:10])
        self.bank = WordBank()
        # Names past the first thousand of their Zipf ranking: each in a few stories at most.
        self.tail = {w for kind in ("place", "surname") for w in self.bank.lists[kind][0][1000:]
                     if len(w) > 4}
        self.versions = self.conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        # Every word of the bank by the share of versions it is in (a few ms a word).
        shares = {word: self.matches(word) / max(self.versions, 1)
                  for kind in ("noun", "verb", "adj") for word in self.bank.lists[kind][0]}
        low, high = COMMON_BAND
        self.common_words = [w for w, share in shares.items() if low <= share <= high] or [
            min(shares, key=lambda w: abs(shares[w] - (low + high) / 2))]
        self.most_words = [w for w, share in shares.items() if share >= MOST] or [
            max(shares, key=shares.__getitem__)]

    def url(self, ids: Sequence[int] | None = None) -> str:
        while True:
            article_id = self.rng.choice(ids) if ids else self.rng.randint(1, self.max_id)
            row = self.conn.execute("SELECT url FROM articles WHERE id = ?",
                                    (article_id,)).fetchone()
            if row:
                return row[0]

    def body(self) -> str:
        url = self.url()
        return self.conn.execute(
            "SELECT v.body FROM versions v JOIN articles a ON a.id = v.article_id "
            "WHERE a.url = ? ORDER BY v.version DESC LIMIT 1", (url,)).fetchone()[0]

    def rare(self) -> str:
        """A name from the long tail that some story uses, in at most 0.2% of versions."""
        most = max(5, self.versions // 500)
        for _ in range(50):
            words = [w for w in WORD_TOKEN.findall(self.body()) if w in self.tail]
            if words:
                word = self.rng.choice(words)
                if self.matches(word) <= most:
                    return word
        raise SystemExit("no rare word found in 50 stories: is this a generated archive?")

    def common(self) -> str:
        """A word in 10-40% of versions."""
        return self.rng.choice(self.common_words)

    def most(self) -> str:
        """A word in most versions: the worst case of a ranked search."""
        return self.rng.choice(self.most_words)

    def phrase(self) -> str:
        """Two words in a row from some story's text, as an FTS5 phrase."""
        sentence = self.rng.choice(re.split(r"[.,:;\u201c\u201d]", self.body()))
        words = WORD_TOKEN.findall(sentence)
        pairs = [(a, b) for a, b in itertools.pairwise(words)
                 if a.lower() not in FUNCTION_WORDS and b.lower() not in FUNCTION_WORDS]
        if not pairs:
            return self.phrase()
        return '"{} {}"'.format(*self.rng.choice(pairs))

    def site(self) -> str:
        return self.rng.choice(self.sites)

    def since(self) -> str:
        """A date in the archive's last three months."""
        return (self.newest - timedelta(days=self.rng.randint(7, 90))).strftime("%Y-%m-%d")

    def until(self) -> str:
        """A date in the archive's first three weeks."""
        return (YEAR_START + timedelta(days=self.rng.randint(7, 21))).strftime("%Y-%m-%d")

    def matches(self, query: str) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM versions_fts WHERE versions_fts MATCH ?",
                                 (query,)).fetchone()[0]


def statements(archive: Archive, call: Callable[[], Any]) -> list[str]:
    """The SQL statements (parameters filled in) one call runs."""
    seen: list[str] = []
    archive.conn.set_trace_callback(seen.append)
    try:
        call()
    finally:
        archive.conn.set_trace_callback(None)
    return [s for s in dict.fromkeys(seen) if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def query_plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN of a statement, as indented lines."""
    rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def verdict(value: float, target: float, median: float | None = None,
            higher_is_better: bool = False) -> str:
    """A figure against its target: met, met by the median only, or missed."""
    if higher_is_better:
        return "met" if value >= target else "MISSED"
    if value < target:
        return "met"
    return "median only" if median is not None and median < target else "MISSED"


def measure(name: str, target: float, repeat: int, draw: Callable[[], dict[str, Any]],
            call: Callable[[dict[str, Any]], Any], archive: Archive) -> dict[str, Any]:
    """Time one kind of call on `repeat` fresh random inputs, after one warm-up call.

    The verdict goes by the p95: a researcher waits that long one time in twenty.
    """
    call(draw())
    times, inputs = [], []
    for _ in range(repeat):
        detail = draw()
        times.append(timed(lambda: call(detail)))  # noqa: B023 -- called at once, in the loop
        inputs.append(detail)
    slowest = inputs[times.index(max(times))]
    median, p95 = statistics.median(times), percentile(times, 0.95)
    result = {"name": name, "n": repeat, "median_ms": round(median, 1), "p95_ms": round(p95, 1),
              "max_ms": round(max(times), 1), "target_ms": target,
              "verdict": verdict(p95, target, median), "slowest_input": slowest}
    if any("matches" in d for d in inputs):
        result["median_matches"] = statistics.median(d["matches"] for d in inputs)
    if result["verdict"] != "met":
        result["plans"] = {sql: query_plan(archive.conn, sql)
                           for sql in statements(archive, lambda: call(slowest))}
    print(f"  {name:<36} median {median:8.1f} ms  p95 {p95:8.1f} ms", file=sys.stderr,
          flush=True)
    return result


def search_draw(inputs: Inputs, word: Callable[[], str], site: bool, since: bool,
                until: bool = False, rank: bool = False) -> Callable[[], dict[str, Any]]:
    """Random arguments of one kind of search, with how many versions the query matches."""
    def draw() -> dict[str, Any]:
        detail: dict[str, Any] = {"query": word()}
        if site:
            detail["site"] = inputs.site()
        if since:
            detail["since"] = inputs.since()
        if until:
            detail["until"] = inputs.until()
        if rank:
            detail["rank"] = True
        detail["matches"] = inputs.matches(detail["query"])
        return detail
    return draw


def crawler_command() -> list[str]:
    """The installed `crawler` console script beside this Python, else `python -m crawler`."""
    script = Path(sys.executable).with_name("crawler")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "crawler"]


def run_cli(*args: str, bytecode: bool = False) -> tuple[float, subprocess.CompletedProcess]:
    """Wall milliseconds of one `crawler ...` and its result (bytecode: allow .pyc caching)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    done = subprocess.run([*crawler_command(), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise SystemExit(f"crawler {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return elapsed, done


def cli_figure(name: str, repeat: int, args: Callable[[], tuple[str, ...]],
               bytecode: bool = False) -> dict[str, Any]:
    """Median and p95 wall time of `repeat` runs of the real command on fresh inputs."""
    times, queries = [], []
    for _ in range(repeat):
        arguments = args()
        elapsed, _ = run_cli(*arguments, bytecode=bytecode)
        times.append(elapsed)
        queries.append(" ".join(a for a in arguments if not a.endswith(".db"))[:60])
    median, p95 = statistics.median(times), percentile(times, 0.95)
    target = TARGET_SEARCH_MS if "search" in name or "--version" in name else (
        TARGET_SIMILAR_MS if "similar" in name else TARGET_HISTORY_MS)
    print(f"  {name:<36} median {median:8.1f} ms  p95 {p95:8.1f} ms", file=sys.stderr,
          flush=True)
    return {"name": name, "n": repeat, "median_ms": round(median, 1), "p95_ms": round(p95, 1),
            "max_ms": round(max(times), 1), "target_ms": target,
            "verdict": verdict(p95, target, median), "slowest_input": queries[
                times.index(max(times))]}


def table_sizes(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes of the file each part of the archive takes (tables with their indexes)."""
    groups = {"pages": "pages", "versions_fts": "full-text index",
              "latest_fts": "full-text index of newest versions", "versions": "versions",
              "fetches": "fetches", "signatures": "similarity index",
              "similarity_bands": "similarity index", "similar": "similarity index"}
    owner = {name: table for name, table in conn.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")}
    sizes: dict[str, int] = {}
    try:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:
        return {}  # SQLite built without the dbstat table
    for name, size in rows:
        table = owner.get(name, name)
        key = next((label for prefix, label in groups.items() if table.startswith(prefix)),
                   "other")
        sizes[key] = sizes.get(key, 0) + size
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def real_page_ratio() -> float | None:
    """Stored / raw bytes of the extraction benchmark's real pages at the archive's level."""
    if not REAL_PAGES.is_dir():
        return None
    import gzip

    raw = stored = 0
    for path in sorted(REAL_PAGES.glob("*.html.gz")):
        page = gzip.decompress(path.read_bytes())
        raw += len(page)
        stored += len(zlib.compress(page, PAGE_COMPRESSION))
    return round(stored / raw, 3) if raw else None


def measure_all(path: Path, repeat: int, seed: int, export_repeat: int, work: Path,
                cli_repeat: int = 10) -> dict[str, Any]:
    """Every figure of the archive at path."""
    inputs = Inputs(path, seed)
    results: list[dict[str, Any]] = []
    with Archive.open(path, readonly=True) as archive:
        def run_search(d: dict[str, Any]) -> list[dict[str, Any]]:
            return archive.search(d["query"], site=d.get("site"), since=d.get("since"),
                                  until=d.get("until"), rank=d.get("rank", False))

        kinds = {"rare word": inputs.rare, "common word": inputs.common,
                 "phrase": inputs.phrase, "word in most versions": inputs.most}
        for label, word, site, since in (
            ("rare word", inputs.rare, False, False),
            ("common word", inputs.common, False, False),
            ("phrase", inputs.phrase, False, False),
            ("rare word --site", inputs.rare, True, False),
            ("common word --site", inputs.common, True, False),
            ("common word --since", inputs.common, False, True),
            ("phrase --site --since", inputs.phrase, True, True),
            ("word in most versions", inputs.most, False, False),
        ):
            results.append(measure(
                f"search: {label}", TARGET_SEARCH_MS, repeat,
                search_draw(inputs, word, site, since), run_search, archive))
        # The slow corners, beside the target's cases: newest first has to read back through
        # nearly every match for an early --until; --rank scores every match.
        corners = (("word in most versions --until (early)", True, False),
                   ("word in most versions --rank", False, True))
        for label, until, rank in corners:
            results.append(measure(
                f"search: {label}", TARGET_SEARCH_MS, repeat,
                search_draw(inputs, inputs.most, False, False, until, rank), run_search,
                archive))
        results.append(measure(
            "history (article + versions)", TARGET_HISTORY_MS, repeat,
            lambda: {"url": inputs.url()},
            lambda d: archive.versions(archive.article(d["url"])["id"]), archive))
        results.append(measure(
            "diff (unified, last two)", TARGET_DIFF_MS, repeat,
            lambda: {"url": inputs.url(inputs.edited)}, lambda d: archive.diff(d["url"]),
            archive))
        if inputs.syndicated:
            results.append(measure(
                "similar: a syndicated story", TARGET_SIMILAR_MS, repeat,
                lambda: {"url": inputs.url(inputs.syndicated)},
                lambda d: archive.similar(d["url"]), archive))
        results.append(measure(
            "similar: any story", TARGET_SIMILAR_MS, repeat, lambda: {"url": inputs.url()},
            lambda d: archive.similar(d["url"]), archive))
        counts = archive.counts()
    run_cli("--version", bytecode=True)  # writes the bytecode cache the next runs may use
    cli = [cli_figure("crawler --version (start-up only)", cli_repeat, lambda: ("--version",)),
           cli_figure("crawler --version (bytecode cached)", cli_repeat, lambda: ("--version",),
                      bytecode=True)]
    startup = cli[0]["median_ms"]
    for label, word in kinds.items():
        cli.append(cli_figure(f"crawler search: {label}", cli_repeat,
                              lambda w=word: ("search", w(), "--db", str(path))))
    cli.append(cli_figure("crawler search: common word (bytecode cached)", cli_repeat,
                          lambda: ("search", inputs.common(), "--db", str(path)),
                          bytecode=True))
    cli.append(cli_figure("crawler history", cli_repeat,
                          lambda: ("history", inputs.url(), "--db", str(path))))
    cli.append(cli_figure("crawler diff", cli_repeat,
                          lambda: ("diff", inputs.url(inputs.edited), "--db", str(path))))
    cli.append(cli_figure("crawler similar", cli_repeat,
                          lambda: ("similar", inputs.url(inputs.syndicated or None), "--db",
                                   str(path))))
    exports = []
    output = work / "export.jsonl"
    for _ in range(export_repeat):
        elapsed, _ = run_cli("export", "--format", "jsonl", "--all-versions", "-o", str(output),
                             "--db", str(path))
        with open(output, "rb") as lines:
            rows = sum(1 for _ in lines)
        exports.append({"seconds": round(elapsed / 1000, 2), "rows": rows,
                        "versions_per_s": round(rows / (elapsed / 1000)),
                        "versions_per_s_after_startup": round(
                            rows / max((elapsed - startup) / 1000, 1e-3)),
                        "mb": round(output.stat().st_size / 1e6, 1)})
        print(f"  export: {rows} versions in {elapsed / 1000:.1f} s", file=sys.stderr, flush=True)
    output.unlink(missing_ok=True)
    rate = statistics.median(e["versions_per_s"] for e in exports)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    stored, raw, pages = conn.execute(
        "SELECT SUM(LENGTH(content)), SUM(size), COUNT(*) FROM pages").fetchone()
    size = path.stat().st_size
    parts = table_sizes(conn)
    conn.close()
    inputs.conn.close()
    ratio = stored / raw if raw else 0.0
    return {
        "counts": counts,
        "queries": results,
        "cli": cli,
        "export": {"runs": exports, "versions_per_s": rate, "target": TARGET_EXPORT_RATE,
                   "verdict": verdict(rate, TARGET_EXPORT_RATE, higher_is_better=True)},
        "pages": {"count": pages, "raw_mb": round(raw / 1e6, 1),
                  "stored_mb": round(stored / 1e6, 1), "ratio": round(ratio, 3),
                  "target": TARGET_PAGE_RATIO,
                  "verdict": "met" if ratio <= TARGET_PAGE_RATIO else "MISSED",
                  "mean_raw_kb": round(raw / pages / 1000, 1) if pages else 0,
                  "real_pages_ratio": real_page_ratio()},
        "size": {"file_mb": round(size / 1e6, 1),
                 "kb_per_article": round(size / counts["articles"] / 1000, 1),
                 "kb_per_version": round(size / counts["versions"] / 1000, 1),
                 "mb_by_part": {k: round(v / 1e6, 1) for k, v in parts.items()}},
    }


# ---------------------------------------------------------------------------------------------
# Report

def report(results: dict[str, Any]) -> None:
    """The figures beside their targets, then the query plans of the misses."""
    figures = results["figures"]
    counts, generation = figures["counts"], results.get("generation")
    print(f"\nArchive: {counts['articles']} articles, {counts['versions']} versions "
          f"({results['archive']})")
    if generation:
        print(f"Generation: {generation['saves']} saves of {generation['stories']} stories in "
              f"{generation['seconds']:.0f} s: {generation['saves_per_s']} saves/s overall, "
              f"{generation['save_ms']} ms per Archive.save() "
              f"({generation['saves_per_s_in_save']} saves/s, "
              f"{generation['raw_page_mb_per_s']} MB/s of raw pages)")
    migration = results.get("migration")
    if migration:
        print(f"Migrated from schema {migration['from']} to {migration['to']} in "
              f"{migration['seconds']:.0f} s, the backup included")
    rows = [("figure", "median", "p95", "target", "verdict", "matches")]
    for q in figures["queries"]:
        matches = q.get("median_matches")
        rows.append((q["name"], f"{q['median_ms']:.1f} ms", f"{q['p95_ms']:.1f} ms",
                     f"< {q['target_ms']} ms", q["verdict"],
                     "" if matches is None else f"{matches:.0f}"))
    for c in figures["cli"]:
        rows.append((c["name"], f"{c['median_ms']:.0f} ms", f"{c['p95_ms']:.0f} ms",
                     f"< {c['target_ms']} ms", c["verdict"], ""))
    export, pages, size = figures["export"], figures["pages"], figures["size"]
    rows.append(("export jsonl --all-versions (CLI)", f"{export['versions_per_s']} /s",
                 f"({len(export['runs'])} run)", f">= {export['target']} /s",
                 export["verdict"], ""))
    rows.append(("pages: stored / raw bytes", f"{pages['ratio']:.3f}",
                 f"{pages['mean_raw_kb']} KB avg", f"<= {pages['target']}", pages["verdict"], ""))
    if pages["real_pages_ratio"] is not None:
        rows.append(("  (real pages, same zlib level)", f"{pages['real_pages_ratio']:.3f}", "",
                     "", "", ""))
    rows.append(("archive file", f"{size['file_mb']} MB", "", "", "", ""))
    rows.append(("  per article / per version", f"{size['kb_per_article']} KB",
                 f"{size['kb_per_version']} KB", "", "", ""))
    for part, mb in size["mb_by_part"].items():
        rows.append((f"  {part}", f"{mb} MB", "", "", "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    for q in figures["queries"]:
        if q.get("plans"):
            print(f"\nQuery plan of '{q['name']}' (slowest input: {q['slowest_input']}):")
            for sql, plan in q["plans"].items():
                print("  " + " ".join(sql.split())[:300])
                print("\n".join("    " + line for line in plan))
    print()
    print(json.dumps(results, indent=2))


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the archive, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000, help="stories to generate")
    parser.add_argument("--versions-per-article", type=float, default=3,
                        help="mean versions per story (each has 1 to 2V-1)")
    parser.add_argument("--db", type=Path,
                        help="archive to reuse, or to generate and keep when it does not exist")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated archive (its path is printed)")
    parser.add_argument("--repeat", type=int, default=30, help="random inputs per figure")
    parser.add_argument("--export-repeat", type=int, default=1, help="export runs")
    parser.add_argument("--cli-repeat", type=int, default=10,
                        help="runs of each real `crawler` command")
    parser.add_argument("--batch", type=int, default=1000,
                        help="stories per recorded crawl (a multiple of 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json-out", type=Path, help="also write the JSON to this file")
    parser.add_argument("--generate-only", action="store_true",
                        help="generate the --db archive and stop (measure it in a later run)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="research-bench-"))
    path = args.db.resolve() if args.db else work / "archive.db"
    generation = None
    try:
        migration = None
        if path.exists():
            print(f"Reusing {path}", file=sys.stderr)
            generation = recorded_generation(path)
            migration = migrate_if_older(path)
        else:
            print(f"Generating {args.articles} stories into {path}", file=sys.stderr)
            generation = generate(path, args.articles, args.versions_per_article, args.seed,
                                  max(CHUNK, args.batch // CHUNK * CHUNK))
        if args.generate_only:
            print(json.dumps({"generation": generation}, indent=2))
            return 0
        print("Measuring", file=sys.stderr)
        figures = measure_all(path, args.repeat, args.seed, args.export_repeat, work,
                              args.cli_repeat)
        results = {"archive": str(path) if (args.db or args.keep) else "temporary",
                   "articles": args.articles, "versions_per_article": args.versions_per_article,
                   "repeat": args.repeat, "generation": generation, "migration": migration,
                   "figures": figures, "sqlite": sqlite3.sqlite_version}
        report(results)
        if args.json_out:
            args.json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    finally:
        if args.keep and not args.db:
            print(f"Kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
