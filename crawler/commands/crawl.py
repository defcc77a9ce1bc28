"""`scrapy crawl` that rejects bad spider arguments with one line and a non-zero exit."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

USAGE_EXIT = 2  # exit status for bad arguments, as for any command-line usage error


def fail(message: str) -> None:
    """Print one error line and exit with the usage status."""
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(USAGE_EXIT)


class Command(ScrapyCrawl):
    """Scrapy's crawl command, checking -a arguments before anything starts."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1:
            return
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            fail(f"no spider named {args[0]!r} (see `scrapy list`)")
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(**opts.spargs)
            except UsageError as error:
                fail(str(error))
