"""Arab Daily Digital and its sister site Asian Lite: the news spider sharpened by their profile."""

from __future__ import annotations

from spiders.news import NewsSpider


class ArabDailyDigitalSpider(NewsSpider):
    """`scrapy crawl arabdailydigital`: the profile's start URLs unless -a start_urls is given."""

    name = "arabdailydigital"
    profile_name = "arabdailydigital"
