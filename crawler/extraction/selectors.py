"""Named content and noise selectors, grouped by concept and compiled once."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from parsel.csstranslator import HTMLTranslator

_TRANSLATOR = HTMLTranslator()


@lru_cache(maxsize=1024)
def css_xpath(css: str) -> etree.XPath:
    """One CSS selector (or a comma-separated group) compiled to an lxml XPath."""
    return etree.XPath(_TRANSLATOR.css_to_xpath(css))


def compile_group(*selectors: str) -> etree.XPath:
    """A union of CSS selectors compiled as one XPath, evaluated in one pass."""
    return css_xpath(", ".join(selectors))


# --- Content ----------------------------------------------------------------------------------

# Containers of the article text, most specific first (WordPress themes, schema.org, CMSs).
BODY_CONTAINERS = (
    "[itemprop~=articleBody]",
    ".entry-content",
    ".td-post-content",
    ".jeg_post_content .content-inner",
    ".post-content",
    ".single-post-content",
    ".post-entry",
    ".article-body",
    ".article__body",
    ".article-content",
    ".articleBody",
    ".story-body",
    ".story-content",
    ".post-body",
    ".entry-body",
    ".content-body",
    ".body-content",
    ".post-text",
    ".text-content",
    "#article-body",
    "#articleBody",
    "#content-body",
)
BODY_CONTAINER = compile_group(*BODY_CONTAINERS)
# Wider landmarks that hold the article when no named container does.
ARTICLE_LANDMARKS = compile_group(
    "article", "main", "[role=main]", "[itemtype*='Article']", ".single-post", ".post", "#content"
)

# Headlines, most specific first.
HEADLINES = compile_group(
    "h1.entry-title",
    "h1.post-title",
    "h1.jeg_post_title",
    "h1.tdb-title-text",
    "h1.td-post-title",
    "h1.article-title",
    "h1.headline",
    "h1[itemprop~=headline]",
    "article h1",
    "main h1",
)
ANY_H1 = css_xpath("h1")
PAGE_TITLE = css_xpath("title")

# Standfirsts (dek, subtitle, lead) shown under the headline.
STANDFIRSTS = compile_group(
    ".standfirst",
    ".entry-subtitle",
    ".post-subtitle",
    ".jeg_post_subtitle",
    ".td-post-sub-title",
    ".tdb-sub-title",
    ".subtitle",
    ".sub-title",
    ".subheadline",
    ".sub-headline",
    ".article-subtitle",
    ".article__subtitle",
    ".article-summary",
    ".article__standfirst",
    ".dek",
    ".post-excerpt",
    ".entry-excerpt",
    ".single-excerpt",
    ".article-excerpt",
    "p.excerpt",
    "div.excerpt",
    "[itemprop~=alternativeHeadline]",
)

# Bylines: the names of the authors in the markup, most specific first.
BYLINES = tuple(
    css_xpath(css)
    for css in (
        "[itemprop~=author] [itemprop~=name]",
        ".author-name",
        ".entry-author-name",
        ".jeg_meta_author a",
        ".td-post-author-name a",
        ".post-author-name",
        ".byline .author",
        ".byline a",
        ".meta-author a",
        "a[rel~=author]",
        ".author.vcard .fn",
        "[itemprop~=author]",
        ".byline",
    )
)
# Boxes whose names are not the story's authors: comments, author bios, teasers.
NOT_BYLINE_BOXES = etree.XPath(
    "ancestor::*[contains(@class, 'comment') or contains(@id, 'comment') or "
    "contains(@class, 'related') or contains(@class, 'author-box') or contains(@class, 'widget')]"
)

# Dates shown with the article.
VISIBLE_DATES = compile_group(
    "time[datetime][itemprop~=datePublished]",
    "[itemprop~=datePublished]",
    "time.entry-date.published",
    "time.published",
    "time.entry-date",
    "article time[datetime]",
    ".entry-date",
    ".post-date",
    ".jeg_meta_date",
    ".td-post-date time",
    ".published",
)
VISIBLE_MODIFIED = compile_group(
    "[itemprop~=dateModified]", "time.updated", ".updated[datetime]", ".modified-date"
)

# Section names in the markup (category links and breadcrumbs).
SECTION_LINKS = compile_group(
    "a[rel~=category]",
    ".cat-links a",
    ".jeg_meta_category a",
    ".post-category a",
    ".entry-category a",
    ".td-category a",
    ".category-name",
)
BREADCRUMB_ITEMS = compile_group(
    ".breadcrumb a", ".breadcrumbs a", "[itemtype*=BreadcrumbList] [itemprop~=name]"
)

# --- Noise, by concept ------------------------------------------------------------------------

# Elements that never hold readable text.
NON_TEXT_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "embed",
    "video",
    "audio",
    "picture",
    "img",
    "source",
    "link",
    "meta",
    "button",
    "select",
    "input",
    "textarea",
    "map",
    "dialog",
)
NON_TEXT = compile_group(*NON_TEXT_TAGS)
# Forms: search boxes and sign-ups, but some CMSs wrap the whole page in one.
FORMS = css_xpath("form")

# Page chrome: site header, navigation, footer, sidebars.
PAGE_CHROME = compile_group(
    "body > header",
    "header.site-header",
    "#masthead",
    ".site-header",
    "#header",
    "nav",
    "[role=navigation]",
    "[role=banner]",
    "[role=contentinfo]",
    "[role=complementary]",
    "body > footer",
    "footer.site-footer",
    ".site-footer",
    "#colophon",
    "#footer",
    "aside",
    ".sidebar",
    "#sidebar",
    ".widget-area",
    ".widget",
    ".jeg_sidebar",
    ".td-ss-main-sidebar",
    ".breadcrumb",
    ".breadcrumbs",
    ".skip-link",
    ".screen-reader-text",
    ".menu",
    ".mega-menu",
    ".offcanvas",
    ".mobile-menu",
    ".search-form",
    ".cookie-notice",
    "[aria-hidden=true]",
    "[hidden]",
    ".hidden",
    ".sr-only",
    ".visually-hidden",
)
# Header date bars: "Today: 6 October 2025".
DATE_BARS = compile_group(
    ".date-bar",
    ".top-date",
    ".header-date",
    ".current-date",
    ".today-date",
    ".todays-date",
    ".jeg_top_date",
    ".td_data_time",
    ".topbar-date",
    ".date-today",
    ".site-date",
)
# Reading-time badges: "4 mins read".
READ_TIMES = compile_group(
    ".read-time",
    ".reading-time",
    ".rt-reading-time",
    ".post-read-time",
    ".span-reading-time",
    ".jeg_meta_reading_time",
    ".read-duration",
    ".min-read",
    ".estimated-reading-time",
)
# Article metadata lines: dates, bylines, categories, comment counts above or below the text.
ARTICLE_META = compile_group(
    ".entry-meta",
    ".post-meta",
    ".jeg_meta_container",
    ".jeg_post_meta",
    ".td-module-meta-info",
    ".meta-info",
    ".article-meta",
    ".byline",
    ".posted-on",
    ".entry-footer",
    ".post-footer",
    ".cat-links",
    ".tags-links",
    ".tag-links",
    ".post-tags",
    ".entry-tags",
    ".jeg_post_tags",
    ".td-tags",
    ".tags",
    ".tagcloud",
    ".edit-link",
)
# Previous/next story navigation.
PREV_NEXT = compile_group(
    ".post-navigation",
    ".navigation.post-navigation",
    ".nav-links",
    ".nav-previous",
    ".nav-next",
    ".jeg_prevnext_post",
    ".td-post-next-prev",
    ".single-navigation",
    ".prev-next",
    ".next-prev",
    ".post-nav",
    ".post-pagination",
    ".previous-post",
    ".next-post",
    ".prev-post",
)
# Related, latest, popular and "don't miss" teaser blocks.
RELATED = compile_group(
    ".related",
    ".related-posts",
    ".related-articles",
    ".related-stories",
    ".relatedposts",
    ".jp-relatedposts",
    ".yarpp-related",
    ".crp_related",
    ".td-related",
    ".td_block_related_posts",
    ".jeg_related",
    ".jeg_postblock",
    ".latest-posts",
    ".recent-posts",
    ".more-from",
    ".more-stories",
    ".popular-posts",
    ".trending",
    ".most-read",
    ".recommended",
    ".read-more-box",
    ".also-read",
    ".dont-miss",
    ".rp4wp-related-posts",
    ".wp-block-latest-posts",
    ".post-list",
    ".post-grid",
    ".teasers",
)
# Share bars and share counts.
SHARE_BARS = compile_group(
    ".share",
    ".shares",
    ".sharing",
    ".social-share",
    ".share-buttons",
    ".sharedaddy",
    ".addtoany_share_save_container",
    ".a2a_kit",
    ".jeg_share_button",
    ".jeg_share_top_container",
    ".jeg_share_bottom_container",
    ".td-post-sharing",
    ".ssba",
    ".heateor_sss_sharing_container",
    ".social-icons",
    ".share-count",
    ".social-links",
    ".post-share",
    ".entry-share",
)
# Newsletter and subscription boxes.
NEWSLETTERS = compile_group(
    ".newsletter",
    ".newsletter-box",
    ".newsletter-signup",
    ".subscribe",
    ".subscribe-box",
    ".mc4wp-form",
    ".signup",
    ".optin",
    ".email-signup",
    ".jetpack_subscription_widget",
)
# Advertisement slots and their labels.
ADS = compile_group(
    ".ad",
    ".ads",
    ".advert",
    ".adverts",
    ".advertisement",
    ".adsbygoogle",
    ".ad-slot",
    ".ad-container",
    ".ad-wrapper",
    ".ad-label",
    ".sponsored",
    ".jeg_ad",
    ".td-a-rec",
    "[id^=div-gpt-ad]",
    "[class^='ad-']",
    "ins",
)
# Comment threads and forms.
COMMENTS = compile_group(
    "#comments",
    ".comments-area",
    ".comment-respond",
    "#respond",
    ".comments",
    ".comment-list",
    "#disqus_thread",
    ".fb-comments",
    ".jeg_comments",
)
# Author boxes under the article.
AUTHOR_BIOS = compile_group(
    ".author-box",
    ".author-bio",
    ".about-author",
    ".jeg_authorbox",
    ".td-author-box",
    ".saboxplugin-wrap",
    ".author-info",
    ".author-card",
    ".post-author-box",
)
# Back-to-top links.
BACK_TO_TOP = compile_group(
    ".back-to-top",
    "#back-to-top",
    ".go-to-top",
    ".scroll-top",
    ".scroll-to-top",
    "#totop",
    ".jeg_scroll_top",
    "a[href='#top']",
)
# Images, captions and embedded media furniture inside the text.
MEDIA_FURNITURE = compile_group(
    "figure",
    "figcaption",
    ".wp-caption",
    ".wp-caption-text",
    ".caption",
    ".gallery",
    ".image-credit",
    ".photo-credit",
)

# Every noise group, removed before the body is located.
NOISE_GROUPS = (
    NON_TEXT,
    FORMS,
    PAGE_CHROME,
    DATE_BARS,
    READ_TIMES,
    ARTICLE_META,
    PREV_NEXT,
    RELATED,
    SHARE_BARS,
    NEWSLETTERS,
    ADS,
    COMMENTS,
    AUTHOR_BIOS,
    BACK_TO_TOP,
    MEDIA_FURNITURE,
    STANDFIRSTS,
    HEADLINES,
)

# Class or id words of boxes that are noise wherever they appear (matched whole, on word
# boundaries, so "shared-content" or "address" never match "share" or "ad").
NOISE_WORDS = re.compile(
    r"(?:^|[\s_-])(?:related|share|sharing|social|newsletter|subscribe|subscription|signup|"
    r"comments?|advert|advertisement|ads?|sponsor(?:ed)?|promo|popular|trending|most-read|"
    r"recommended|read-?more|also-?read|more-stories|outbrain|taboola|breadcrumbs?|sidebar|"
    r"widget|cookie|consent|paywall|modal|popup|toolbar|author-?bio|newsletter)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Cheap prefilter for NOISE_WORDS: only elements whose class or id contain one of these.
NOISE_WORD_CANDIDATES = etree.XPath(
    "//*[@class or @id]["
    + " or ".join(
        f"contains(@class, '{w}') or contains(@id, '{w}')"
        for w in (
            "related",
            "share",
            "sharing",
            "social",
            "newsletter",
            "subscri",
            "signup",
            "comment",
            "advert",
            "ad",
            "sponsor",
            "promo",
            "popular",
            "trending",
            "most-read",
            "recommend",
            "read",
            "more-stories",
            "outbrain",
            "taboola",
            "breadcrumb",
            "sidebar",
            "widget",
            "cookie",
            "consent",
            "paywall",
            "modal",
            "popup",
            "toolbar",
            "bio",
        )
    )
    + "]"
)

# Blocks of the text that introduce another story ("Read more: ...", "Also read ...").
TEASER_LEAD = re.compile(
    r"^\s*(?:read\s+more|read\s+also|also\s+read|see\s+also|related|recommended|more\s+on\s+this|"
    r"watch|listen|click\s+here|must\s+read|don'?t\s+miss|suggested)\b\s*[:|>»-]",
    re.IGNORECASE,
)

# --- Links ------------------------------------------------------------------------------------

LINK_ELEMENTS = css_xpath("a[href]")
REL_NEXT = compile_group("link[rel~=next][href]", "a[rel~=next][href]")
