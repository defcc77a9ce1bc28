"""URL rules: the canonical form of an article URL, tracking parameters, and the same-site test."""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import safe_url_string

# Query parameters that identify a campaign or a click, never a page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "ocid", "cmpid", "cmp", "ncid", "ito", "ref", "ref_src", "ref_url",
        "share", "smid", "sref", "rss", "amp", "outputtype", "print", "mbid", "spm",
        "wt.mc_id", "s_cid", "guccounter", "guce_referrer", "guce_referrer_sig", "_hsenc", "_hsmi",
        "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id", "rb_clickid", "at_medium",
        "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    }
)
# Prefixes of tracking-parameter families (utm_source, utm_medium, pk_campaign ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "ga_", "at_", "itm_", "__")
# Path suffixes and segments of AMP and print variants of a page.
VARIANT_SUFFIX = re.compile(r"/(?:amp|print)(?:\.html?)?(/?)$", re.IGNORECASE)
VARIANT_EXTENSION = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)
VARIANT_PREFIX = re.compile(r"^/(?:amp|print)(?=/)", re.IGNORECASE)
# Index documents that name the same resource as their directory.
INDEX_DOCUMENT = re.compile(r"/index\.(?:html?|php|aspx?)$", re.IGNORECASE)
# Hosts that are the same site as the bare domain.
HOST_ALIAS_PREFIX = re.compile(r"^(?:www\d*|m|mobile|amp)\.", re.IGNORECASE)
# Second-level labels under which a country's sites register (news.co.uk, abc.net.au).
PUBLIC_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go"})
WEB_SCHEMES = ("http", "https")
# URLs whose site is remembered: a site's menus and sidebars repeat the same links on every
# page; a bound keeps a long crawl's memory flat.
URL_CACHE_SIZE = 8192


@lru_cache(maxsize=URL_CACHE_SIZE)
def is_web_url(url: str) -> bool:
    """True when the URL is an absolute http(s) URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def host_of(url: str) -> str:
    """The URL's host, lower case, without www./m./amp. prefixes and port."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return HOST_ALIAS_PREFIX.sub("", host)


@lru_cache(maxsize=URL_CACHE_SIZE)
def site_of(url: str) -> str:
    """The registered domain a URL belongs to (news.example.co.uk -> example.co.uk).

    A numeric or local host is no registered domain: there the port tells sites apart.
    """
    host = host_of(url)
    if not host:
        return ""
    if host == "localhost" or re.fullmatch(r"[\d.]+|[0-9a-f:]+", host):
        port = urlsplit(url).port
        return f"{host}:{port}" if port else host
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in PUBLIC_SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def same_site(url: str, sites: set[str] | frozenset[str]) -> bool:
    """True when the URL is http(s) and belongs to one of the given sites."""
    return is_web_url(url) and site_of(url) in sites


def ip_literal(host: str) -> str | None:
    """The host as a normalised IP address when it is one (127.1 and [::1] included), else None."""
    text = host.strip("[]").split("%")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if re.fullmatch(r"(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}", text, re.IGNORECASE):
        try:  # the short and hexadecimal IPv4 forms that resolvers accept (127.1, 0x7f000001)
            return socket.inet_ntoa(socket.inet_aton(text))
        except OSError:
            return None
    return None


def is_public_address(address: str) -> bool:
    """True for a global unicast IP address: not loopback, private, link-local (the cloud
    metadata service), shared, reserved, multicast or unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _is_tracking(name: str) -> bool:
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _without_variant(path: str) -> str:
    previous = None
    while path != previous:  # variants may nest: /amp/story/amp/
        previous = path
        path = VARIANT_PREFIX.sub("", path)
        path = VARIANT_EXTENSION.sub("", path)
        path = VARIANT_SUFFIX.sub(r"\1", path) or "/"
    return path


@lru_cache(maxsize=URL_CACHE_SIZE)
def canonical_url(url: str) -> str:
    """The one URL that names a page whatever variant reached it.

    Lower-cases scheme and host, drops www./m./amp. hosts, default ports, fragments,
    tracking parameters, AMP and print variants and index documents; sorts the query;
    keeps the scheme, since some sites serve only one of http and https.
    """
    url = safe_url_string(url.strip())
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = host_of(url)
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/%:@!$&'()*+,;=~-._")
    path = INDEX_DOCUMENT.sub("/", _without_variant(re.sub(r"/{2,}", "/", path)))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((k, v) for k, v in pairs if not _is_tracking(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def request_url(url: str) -> str:
    """The URL to fetch for a link: no fragment, tracking parameters, AMP or print variant.

    The host is left as written: a site may answer on www. only.
    """
    parts = urlsplit(safe_url_string(url.strip()))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not _is_tracking(k)])
    path = _without_variant(parts.path or "/")
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))
