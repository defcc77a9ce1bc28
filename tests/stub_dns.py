"""A stub DNS for crawls under test (SCOPE_RESOLVER=tests.stub_dns.resolve): fixed answers for
names under .test, and no answer for any other name, so that no lookup leaves the machine."""

from __future__ import annotations

import socket

ANSWERS = {
    "news.test": ["127.0.0.1"],  # the site under test, served on loopback
    "www.news.test": ["127.0.0.1"],
    "internal.news.test": ["127.0.0.2"],  # loopback, but not the start URL's address
    "private.news.test": ["10.0.0.5"],
    "metadata.news.test": ["169.254.169.254"],
    "mixed.news.test": ["127.0.0.1", "10.0.0.5"],
}


def resolve(host: str) -> list[str]:
    """The stub's addresses of a host; socket.gaierror for a name it does not know."""
    try:
        return list(ANSWERS[host.lower().rstrip(".")])
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} is not a test name") from None
