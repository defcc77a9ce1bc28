"""The Scrapy add-on that turns `scrapy crawl news` into a distributed worker when DISTRIBUTED
is on: scrapy-redis's scheduler and duplicate filter on the run's keys, items to a Redis stream
instead of the archive."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured, UsageError
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.distributed import Keys, current_key
from crawler.plan import plan_of

ARCHIVE_PIPELINE = "pipelines.archive.ArchivePipeline"
STREAM_PIPELINE = "pipelines.stream.StreamPipeline"
QUEUE = "crawler.distributed.queue.ReliableQueue"
SCHEDULER = "crawler.distributed.queue.Scheduler"
EXTENSION = "crawler.distributed.worker.WorkerExtension"
MIDDLEWARE = "crawler.distributed.worker.InflightMiddleware"
SCRAPY_ROBOTS = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
ROBOTS = "crawler.politeness.RunRobotsTxtMiddleware"  # one robots.txt per site per run
SLOTS = "crawler.politeness.SharedSlotMiddleware"  # one rate per site over all workers
AUTOTHROTTLE = "scrapy.extensions.throttle.AutoThrottle"
LOCAL_ROBOTS = "crawler.middlewares.SharedRobotsTxtMiddleware"


def worker_problem(settings: Any, spider_args: dict[str, Any]) -> str | None:
    """Why `scrapy crawl` cannot start as a distributed worker, None when it can. Names the run
    in the settings (DISTRIBUTED_RUN), so that every part of the worker joins the same one."""
    if spider_args.get("start_urls") or spider_args.get("sites"):
        return ("a distributed worker takes its sites from `crawler seed`, "
                "not from -a start_urls or -a sites")
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        return "distributed crawls need `pip install 'news-archive-crawler[distributed]'`"
    url, prefix = settings.get("REDIS_URL"), settings.get("DISTRIBUTED_PREFIX")
    try:
        server = redis.Redis.from_url(url)
        name = settings.get("DISTRIBUTED_RUN") or (
            server.get(current_key(prefix)) or b"").decode()
        if not name:
            return "no distributed run to join: seed one with `crawler seed`"
        if not server.exists(Keys(prefix, name).config):
            return f"no distributed run {name!r} in Redis: seed it with `crawler seed`"
    except (redis.RedisError, ValueError) as error:
        return f"cannot reach Redis at {url}: {error}"
    settings.set("DISTRIBUTED_RUN", name, "cmdline")
    return None


class DistributedAddon:
    """Configure the crawl as one worker of a distributed run (nothing when DISTRIBUTED is off)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> DistributedAddon:
        return cls(crawler)

    def update_settings(self, settings: Any) -> None:
        if not settings.getbool("DISTRIBUTED"):
            raise NotConfigured  # single-machine crawl: nothing to change, nothing to say
        # The spider joined the run when it made its plan (see `worker.join_run`).
        plan = plan_of(self.crawler)
        if plan is None or plan.run is None:
            raise UsageError(f"spider {self.crawler.spider.name!r} cannot crawl distributed: "
                             "only the news spiders can")
        keys = plan.run.keys
        for name, value in (
            ("SCHEDULER", SCHEDULER),
            ("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter"),
            ("SCHEDULER_QUEUE_CLASS", QUEUE),
            ("SCHEDULER_QUEUE_KEY", keys.requests),
            ("SCHEDULER_DUPEFILTER_KEY", keys.dupefilter),
            # The frontier outlives every worker: one that finishes must not clear it.
            ("SCHEDULER_PERSIST", True),
        ):
            rewrite(settings, name, value)
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        pipelines[STREAM_PIPELINE] = pipelines.pop(ARCHIVE_PIPELINE, 300)
        rewrite(settings, "ITEM_PIPELINES", pipelines)
        # The site's delay and AutoThrottle's estimate are the run's, kept in Redis by the
        # shared slots; a worker's own would add to them, unseen by the other workers.
        if settings.get("DISTRIBUTED_SITE_DELAY") is None:
            rewrite(settings, "DISTRIBUTED_SITE_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
        rewrite(settings, "DOWNLOAD_DELAY", 0)
        rewrite(settings, "EXTENSIONS",
                {**settings.getdict("EXTENSIONS"), EXTENSION: 0, AUTOTHROTTLE: None})
        # Outermost spider middleware: it sees the end of a callback's output last.
        rewrite(settings, "SPIDER_MIDDLEWARES",
                {**settings.getdict("SPIDER_MIDDLEWARES"), MIDDLEWARE: 0})
        rewrite(settings, "DOWNLOADER_MIDDLEWARES", {
            **settings.getdict("DOWNLOADER_MIDDLEWARES"), SCRAPY_ROBOTS: None, LOCAL_ROBOTS: None,
            ROBOTS: 100,
            # Last before the download: the lease is taken when the request really goes out.
            SLOTS: 950})


def rewrite(settings: Any, name: str, value: Any) -> None:
    """Replace a setting at the priority it was set with (the project's, for the item pipelines
    and the duplicate filter): an add-on's own priority is lower than the project's."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["addon"])
    settings.set(name, value, priority)
