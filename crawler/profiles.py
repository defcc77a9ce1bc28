"""Site profiles: small declarative TOML files naming a site's selectors and noise.

A profile lives in ``crawler/profiles/<name>.toml``::

    name = "example"
    domains = ["example.com"]
    start_urls = ["https://example.com/"]

    [selectors]          # CSS selectors tried in order; the first that yields text wins
    title = ["h1.entry-title"]
    summary = [".standfirst"]
    authors = [".byline a"]
    published = ["time.published"]
    modified = ["time.updated"]
    section = [".cat-links a"]
    body = [".entry-content"]

    [noise]
    selectors = [".related-posts"]      # removed before the body is read
    patterns = ["^Follow us on .*$"]    # body paragraphs that match are dropped
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cssselect import SelectorError
from lxml import etree
from parsel.csstranslator import HTMLTranslator

from crawler.items import SELECTOR_FIELDS
from crawler.urls import host_of, site_of

PROFILE_DIR = Path(__file__).with_name("profiles")
_TOP_KEYS = frozenset({"name", "domains", "start_urls", "selectors", "noise"})
_NOISE_KEYS = frozenset({"selectors", "patterns"})
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TRANSLATOR = HTMLTranslator()


class ProfileError(ValueError):
    """A profile file that is missing, unreadable or malformed."""


@dataclass(frozen=True)
class Profile:
    """What a crawl needs to know about one site beyond the generic rules."""

    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...] = ()
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    noise_selectors: tuple[str, ...] = ()
    noise_patterns: tuple[re.Pattern[str], ...] = ()
    # compiled forms of the selectors above, built once when the profile loads
    xpaths: dict[str, tuple[etree.XPath, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    noise_xpath: etree.XPath | None = field(default=None, compare=False, repr=False)

    def field_xpaths(self, name: str) -> tuple[etree.XPath, ...]:
        """The compiled selectors of one field, in the order the profile lists them."""
        return self.xpaths.get(name, ())

    def matches(self, url: str) -> bool:
        """True when the URL belongs to one of the profile's domains."""
        site, host = site_of(url), host_of(url)
        return any(site == d or host == d or host.endswith("." + d) for d in self.domains)


def _strings(value: object, where: str, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProfileError(f"{source}: {where} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _compile_css(css: str, where: str, source: str) -> etree.XPath:
    try:
        return etree.XPath(_TRANSLATOR.css_to_xpath(css))
    except (SelectorError, etree.XPathError) as err:
        raise ProfileError(f"{source}: {where} has an invalid CSS selector {css!r}: {err}") from err


def parse_profile(data: dict, source: str = "<profile>") -> Profile:
    """A Profile from the parsed TOML of a profile file; ProfileError when malformed."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ProfileError(f"{source}: unknown keys {', '.join(sorted(unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ProfileError(f"{source}: 'name' must be a lower-case identifier")
    domains = tuple(
        d.lower().removeprefix("www.") for d in _strings(data.get("domains"), "domains", source)
    )
    if not domains:
        raise ProfileError(f"{source}: 'domains' must name at least one domain")
    start_urls = _strings(data.get("start_urls", []), "start_urls", source)

    raw_selectors = data.get("selectors", {})
    if not isinstance(raw_selectors, dict):
        raise ProfileError(f"{source}: [selectors] must be a table")
    unknown = set(raw_selectors) - set(SELECTOR_FIELDS)
    if unknown:
        raise ProfileError(f"{source}: [selectors] has unknown fields {', '.join(sorted(unknown))}")
    selectors: dict[str, tuple[str, ...]] = {}
    xpaths: dict[str, tuple[etree.XPath, ...]] = {}
    for key, value in raw_selectors.items():
        selectors[key] = _strings(value, f"selectors.{key}", source)
        xpaths[key] = tuple(_compile_css(c, f"selectors.{key}", source) for c in selectors[key])

    noise = data.get("noise", {})
    if not isinstance(noise, dict) or set(noise) - _NOISE_KEYS:
        raise ProfileError(f"{source}: [noise] may hold only 'selectors' and 'patterns'")
    noise_selectors = _strings(noise.get("selectors", []), "noise.selectors", source)
    noise_xpath = (
        _compile_css(", ".join(noise_selectors), "noise.selectors", source)
        if noise_selectors
        else None
    )
    patterns = []
    for pattern in _strings(noise.get("patterns", []), "noise.patterns", source):
        try:
            patterns.append(re.compile(pattern, re.IGNORECASE))
        except re.error as err:
            raise ProfileError(
                f"{source}: noise.patterns has an invalid regex {pattern!r}: {err}"
            ) from err

    return Profile(
        name=name,
        domains=domains,
        start_urls=start_urls,
        selectors=selectors,
        noise_selectors=noise_selectors,
        noise_patterns=tuple(patterns),
        xpaths=xpaths,
        noise_xpath=noise_xpath,
    )


def load_profile_file(path: str | Path) -> Profile:
    """Load one profile file; ProfileError when it is missing or malformed."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ProfileError(f"{path.name}: no such profile file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ProfileError(f"{path.name}: cannot read: {err}") from err
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"{path.name}: invalid TOML: {err}") from err
    profile = parse_profile(data, path.name)
    if profile.name != path.stem:
        raise ProfileError(f"{path.name}: name {profile.name!r} differs from the file name")
    return profile


@lru_cache(maxsize=64)
def load_profile(name: str) -> Profile:
    """The shipped profile of this name; ProfileError when there is none or it is malformed."""
    if not _NAME.match(name or ""):
        raise ProfileError(f"{name!r} is not a profile name")
    path = PROFILE_DIR / f"{name}.toml"
    if not path.is_file():
        raise ProfileError(f"no profile named {name!r}")
    return load_profile_file(path)


@lru_cache(maxsize=1)
def all_profiles() -> tuple[Profile, ...]:
    """Every shipped profile, by name."""
    return tuple(load_profile(p.stem) for p in sorted(PROFILE_DIR.glob("*.toml")))


def profile_for_url(url: str) -> Profile | None:
    """The profile whose domains hold this URL's site, or None."""
    profiles = all_profiles()
    try:
        return next((p for p in profiles if p.matches(url)), None)
    except ValueError:  # an unparsable URL has no profile
        return None
