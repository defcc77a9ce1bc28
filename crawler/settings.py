"""Scrapy settings of the news archive crawler: constants only, each with a one-line comment."""

BOT_NAME = "news-archive-crawler"  # the project's name in logs and the User-Agent
SPIDER_MODULES = ["spiders"]  # where `scrapy list` and `scrapy crawl` find spiders
NEWSPIDER_MODULE = "spiders"  # where `scrapy genspider` writes a new spider
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` that reports bad arguments in one line

# Politeness
ROBOTSTXT_OBEY = True  # never fetch what a site's robots.txt forbids
ROBOTSTXT_MAX_BYTES = 500 * 1024  # bytes of a robots.txt read and obeyed (RFC 9309's minimum)
ROBOTSTXT_MAX_RULES = 20000  # Allow/Disallow rules kept of one robots.txt: the matcher's memory
USER_AGENT = "news-archive-crawler/0.1"  # names the project; add your contact with -s USER_AGENT=
CONCURRENT_REQUESTS = 16  # requests in flight over all sites
CONCURRENT_REQUESTS_PER_DOMAIN = 4  # requests in flight to one site
DOWNLOAD_DELAY = 0.25  # seconds between requests to one site (randomised 0.5x-1.5x)
AUTOTHROTTLE_ENABLED = True  # slow down for sites that answer slowly
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # requests AutoThrottle aims to have in flight per site
DOWNLOAD_TIMEOUT = 30  # seconds before a request is given up
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # bytes: larger responses are dropped as no news page
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024  # bytes: larger responses are logged
RETRY_TIMES = 2  # retries of a failed request (5xx, 429, timeouts)
REFUSAL_BACKOFF = "1h, 6h, 1d, 3d"  # waits before retrying a 401/403/451 or timed-out page
REFUSAL_GIVE_UP = "14d"  # a page refused this long (first refusal to last) is given up
RETRY_AFTER_MAX = 60  # seconds at most a 429/503's Retry-After is waited for before a retry
COOKIES_ENABLED = False  # news pages need no session; cookies only make responses vary
TELNETCONSOLE_ENABLED = False  # no open port on the crawling machine
REMOTE_CONTROL_ENABLED = False  # nor Scrapy's remote control server's
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"  # the current fingerprint algorithm
LOG_LEVEL = "INFO"  # DEBUG shows every dropped item and skipped link

# What a crawl may reach (see the README's "Security")
SCOPE_ALLOW_PRIVATE = False  # True lets links reach loopback/private/link-local addresses
SCOPE_RESOLVER = "crawler.middlewares.system_addresses"  # host name -> IP addresses function
TWISTED_DNS_RESOLVER = "crawler.middlewares.ScopeResolver"  # connects where the scope checked

# Components
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ScopeMiddleware": 40,  # first: off-site and private addresses refused
    "crawler.middlewares.BudgetMiddleware": 45,  # a site past its time budget fetches no more
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,  # replaced by ours:
    "crawler.middlewares.SharedRobotsTxtMiddleware": 100,  # every waiting request gets the rules
    "crawler.middlewares.RetryAfterMiddleware": 560,  # just before Scrapy's retry (550)
    "crawler.middlewares.RedirectLoopMiddleware": 610,  # just before Scrapy's redirects (600)
}
DUPEFILTER_CLASS = "crawler.dupefilter.DiskDupeFilter"  # seen requests on disk: flat memory
ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,  # drop article pages with too short a body
    "pipelines.dedupe.DedupePipeline": 200,  # one story = one article within a crawl
    "pipelines.archive.ArchivePipeline": 300,  # write new versions to the archive
}

# The archive
ARCHIVE_PATH = "archive.db"  # SQLite file of the archive, relative to the working directory
ARCHIVE_ENABLED = True  # False runs the spider without writing an archive (scrapy parse, -O)
ARCHIVE_LOCK_WAIT = 0  # seconds a crawl waits for another crawl of the same archive (0: exit now)
ARCHIVE_BATCH_SIZE = 200  # prepared articles committed to the archive in one transaction
ARCHIVE_BATCH_SECONDS = 1.0  # longest a prepared article waits for its batch's commit
CRAWL_POOL_PROCESSES = -1  # processes reading pages and preparing records (-1: per core, 0: inline)
CRAWL_CLOCK = ""  # ISO 8601 time a crawl takes as now, for tests and replays ("": real clock)

# Discovery bounds: generous for a real site, finite for a calendar or endless pagination
NEWS_MAX_PAGES = 2000  # pagination pages followed in one listing chain
NEWS_MAX_HOPS = 3  # non-pagination link hops from a start URL (home -> section -> tag -> ...)
NEWS_RECRAWL_MAX_HOPS = 1  # the same on a site already archived (unless -a backfill=1)
NEWS_MAX_DRY_PAGES = 1  # listing pages in a row without a new article before paging stops
NEWS_MAX_LISTINGS = 20000  # listing pages fetched per crawl over all sites
NEWS_SITEMAP_MAX_DEPTH = 2  # sitemap indexes followed below robots.txt's (the protocol: 1)
NEWS_SITEMAP_MAX_ENTRIES = 50000  # URLs read from one sitemap (the protocol's limit)
NEWS_SITEMAP_MAX_PER_SITE = 200000  # sitemap URLs taken per site in one crawl

# Cleaning
CLEAN_MIN_BODY_CHARS = 200  # items whose clean body is shorter are dropped as not articles

# Distributed crawls (off: one process, no Redis; see the README's "Crawling on many machines")
ADDONS = {"crawler.distributed.addon.DistributedAddon": 0}  # makes a worker when DISTRIBUTED is on
DISTRIBUTED = False  # crawl as a worker of a run seeded by `crawler seed`; items go to Redis
REDIS_URL = "redis://localhost:6379/0"  # the Redis server of distributed crawls
DISTRIBUTED_RUN = ""  # the run a worker joins ("": the one `crawler seed` made last)
DISTRIBUTED_PREFIX = "crawler"  # first part of every Redis key (`crawler seed --prefix`)
DISTRIBUTED_HEARTBEAT = 1.0  # seconds between a worker's heartbeats
DISTRIBUTED_WORKER_TIMEOUT = 30.0  # seconds without a heartbeat before a worker counts as dead
DISTRIBUTED_IDLE_CLOSE = 5.0  # seconds the whole run must be idle before a worker exits (0: never)
SCHEDULER_SERIALIZER = "crawler.distributed.serializer"  # queued requests as JSON, never pickle
DISTRIBUTED_SITE_DELAY = None  # seconds between requests to a site over all workers (None: as one)
DISTRIBUTED_ROBOTS_TTL = 86400  # seconds a run keeps a site's robots.txt (RFC 9309: 24 h at most)
DISTRIBUTED_KEEP = 86400  # seconds a done run's keys (frontier, filters) stay in Redis
