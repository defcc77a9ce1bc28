"""What someone who can write to the run's Redis can do to a worker: put data in its queue,
never code; and what a crawl's processes offer the network: no listening port."""

from __future__ import annotations

import os
import pickle
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO_ROOT, _env, crawl_command
from scrapy import Request
from security_site import Page, SecuritySite, article, serve_site

from crawler.distributed import serializer
from crawler.distributed.serializer import RequestCodecError

redis = pytest.importorskip("redis", reason="needs the distributed extra")
pytest.importorskip("scrapy_redis", reason="needs the distributed extra")
from test_distributed import cli, processes, redis_url, worker_argv  # noqa: E402, F401

from crawler.distributed import Keys  # noqa: E402


class Mkdir:
    """A pickled object that makes a folder when it is unpickled."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str]]:
        return os.mkdir, (self.path,)


def test_requests_go_through_the_queue_as_json_and_come_back_equal() -> None:
    request = Request("http://example.com/a?b=1", meta={"hops": 2, "chain": "x", "article": True},
                      headers={"If-None-Match": '"1"'}, priority=10, body=b"\x00\xff")
    data = serializer.dumps(request.to_dict())
    assert data.startswith(b"{")
    again = serializer.loads(data)
    assert again["meta"] == request.meta and again["body"] == b"\x00\xff"
    assert again["headers"] == {"If-None-Match": [b'"1"']}
    assert again["priority"] == 10


@pytest.mark.parametrize("data", [
    pickle.dumps({"url": "http://example.com/"}),
    b'{"url": "http://example.com/", "method": "GET", "_class": "os.system"}',
    b'{"url": "http://example.com/", "method": "GET", "callback": "closed"}',
    b'{"url": "http://example.com/", "method": "GET", "meta": []}',
    b'{"url": "http://example.com/"}',
    b"[1, 2]",
])
def test_anything_but_our_json_request_is_refused(data: bytes) -> None:
    with pytest.raises(RequestCodecError):
        serializer.loads(data)


def test_a_request_of_another_class_is_not_queued() -> None:
    with pytest.raises(TypeError):
        serializer.dumps({"url": "http://example.com/", "_class": "x.Y"})


def test_a_pickled_request_in_the_queue_runs_nothing_on_a_worker(
        redis_url: str, tmp_path: Path, processes: Callable) -> None:  # noqa: F811
    marker = tmp_path / "owned"
    site = SecuritySite({"/": Page(article("Home")), "/robots.txt": Page(
        "User-agent: *\n", content_type="text/plain")})
    with serve_site(site):
        seeded = cli("seed", "--redis", redis_url, "--run", "r1", site.url("/"))
        assert seeded.returncode == 0, seeded.stderr
        client = redis.Redis.from_url(redis_url)
        client.lpush(Keys("crawler", "r1").requests, pickle.dumps(Mkdir(str(marker))))
        worker = processes(*worker_argv(redis_url, f"ARCHIVE_PATH={tmp_path / 'never.db'}"))
        done = worker.wait(timeout=90)
        client.close()
    assert not marker.exists(), "a pickled queue entry ran code on the worker"
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Dropped a queued entry that is not a request" in done.stderr
    assert site.requested("/")


def test_a_pickle_serializer_is_refused(redis_url: str, tmp_path: Path,  # noqa: F811
                                        processes: Callable) -> None:  # noqa: F811
    site = SecuritySite({"/": Page(article("Home"))})
    with serve_site(site):
        assert cli("seed", "--redis", redis_url, "--run", "r1", site.url("/")).returncode == 0
        worker = processes(*worker_argv(redis_url, "SCHEDULER_SERIALIZER=scrapy_redis.picklecompat",
                                        f"ARCHIVE_PATH={tmp_path / 'never.db'}"))
        done = worker.wait(timeout=90)
    assert done.returncode != 0 or "SCHEDULER_SERIALIZER must be" in done.stderr
    assert "SCHEDULER_SERIALIZER must be crawler.distributed.serializer" in done.stderr


def listening_inodes() -> set[str]:
    """Socket inodes of every TCP socket on the machine in the LISTEN state."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def socket_inodes(pid: int) -> set[str]:
    """Inodes of the sockets a process holds open."""
    inodes = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def test_a_crawl_listens_on_no_tcp_port(tmp_path: Path) -> None:
    site = SecuritySite({
        "/": Page(article("Home", '<a href="/2025/10/01/slow-story/">slow</a>')),
        "/2025/10/01/slow-story/": Page(article("A slow story"), delay=3),
    })
    with serve_site(site):
        command = crawl_command(site.url("/"), tmp_path / "archive.db")
        log = tmp_path / "crawl.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(command, cwd=REPO_ROOT, env=_env(),
                                    stdout=subprocess.DEVNULL, stderr=out)
        listening: set[str] = set()
        samples = 0
        while proc.poll() is None:
            held = socket_inodes(proc.pid)
            if held:
                samples += 1
                listening |= held & listening_inodes()
            time.sleep(0.1)
        stderr = log.read_text(errors="replace")
    assert proc.returncode == 0, stderr[-3000:]
    assert samples >= 5, "the crawl ended before its sockets could be looked at"
    assert site.requested("/2025/10/01/slow-story/")
    assert not listening, f"the crawl listens on TCP: {sorted(listening)}\n{stderr[-2000:]}"
    assert "listening on" not in stderr.lower()
