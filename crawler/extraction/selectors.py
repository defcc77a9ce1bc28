"""Named content and noise selectors, grouped by concept and parsed once.

Each group is a `Rules` of CSS selectors answered from a page's `TreeIndex` (see css.py).
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extraction.css import Rules

# --- Content ----------------------------------------------------------------------------------

# Containers of the article text (WordPress themes, schema.org, common CMSs).
BODY_CONTAINER = Rules(
    "[itemprop~=articleBody], .entry-content, .td-post-content, .jeg_post_content .content-inner,"
    ".post-content, .single-post-content, .post-entry, .article-body, .article__body,"
    ".article-content, .articleBody, .story-body, .story-content, .post-body, .entry-body,"
    ".content-body, .body-content, .post-text, .text-content, #article-body, #articleBody,"
    "#content-body, .amp-wp-article-content"
)
# Wider landmarks that hold the article when no named container does.
ARTICLE_LANDMARKS = Rules(
    "article, main, [role=main], [itemtype*=Article], .single-post, .post, #content"
)

# Headlines, most specific first.
HEADLINES = Rules(
    "h1.entry-title, h1.post-title, h1.jeg_post_title, h1.tdb-title-text, h1.td-post-title,"
    "h1.article-title, h1.headline, h1[itemprop~=headline], h1.amp-wp-title, article h1, main h1"
)
ANY_H1 = Rules("h1")
PAGE_TITLE = Rules("title")

# Standfirsts (dek, subtitle, lead) shown under the headline.
STANDFIRSTS = Rules(
    ".standfirst, .entry-subtitle, .post-subtitle, .jeg_post_subtitle, .td-post-sub-title,"
    ".tdb-sub-title, .subtitle, .sub-title, .subheadline, .sub-headline, .article-subtitle,"
    ".article__subtitle, .article-summary, .article__standfirst, .dek, .post-excerpt,"
    ".entry-excerpt, .single-excerpt, .article-excerpt, p.excerpt, div.excerpt,"
    "[itemprop~=alternativeHeadline]"
)

# Bylines: the names of the authors in the markup, most specific first.
BYLINES = Rules(
    "[itemprop~=author] [itemprop~=name], .author-name, .entry-author-name, .jeg_meta_author a,"
    ".td-post-author-name a, .post-author-name, .byline .author, .byline a, .meta-author a,"
    "a[rel~=author], .author.vcard .fn, [itemprop~=author], .byline"
)
# Links to an author's page, as most CMSs write them: /author/jane-doe/, /writer/123/.
AUTHOR_LINKS = Rules(
    "a[href*='/author/'], a[href*='/authors/'], a[href*='/writer/'], a[href*='/autor/'],"
    "a[href*='/auteur/']"
)
# Boxes whose names are not the story's authors: comments, author bios, teasers.
NOT_BYLINE_BOXES = etree.XPath(
    "ancestor::*[contains(@class, 'comment') or contains(@id, 'comment') or "
    "contains(@class, 'related') or contains(@class, 'author-box') or contains(@class, 'widget')]"
)

# Dates shown with the article.
VISIBLE_DATES = Rules(
    "time[datetime][itemprop~=datePublished], [itemprop~=datePublished], time.entry-date.published,"
    "time.published, time.entry-date, article time[datetime], .entry-date, .post-date,"
    ".jeg_meta_date, .td-post-date time, .published, time[datetime]"
)
VISIBLE_MODIFIED = Rules(
    "[itemprop~=dateModified], time.updated, .updated[datetime], .modified-date"
)

# Class or id words of a dateline or byline in themes the selectors above do not name
# ("article-details__date", "author-line"), and words of boxes that show another date or name.
DATELINE_WORDS = re.compile(r"date|timestamp|publish|posted", re.IGNORECASE)
NOT_DATELINE_WORDS = re.compile(r"updat|modif|today|current|expir", re.IGNORECASE)
# A dateline that tells when the story changed, not when it appeared: "Last Updated: ...".
UPDATE_LABEL = re.compile(r"^\W*(?:last\s+)?(?:updated|modified|edited|revised)\b", re.IGNORECASE)
BYLINE_WORDS = re.compile(r"author|byline|writer|reporter", re.IGNORECASE)
NOT_BYLINE_WORDS = re.compile(r"bio|box|about|avatar|image|img|photo|desc|info", re.IGNORECASE)

# Section names in the markup (category links and breadcrumbs).
SECTION_LINKS = Rules(
    "a[rel~=category], .cat-links a, .jeg_meta_category a, .post-category a, .entry-category a,"
    ".td-category a, .category-name, [itemprop~=articleSection]"
)
BREADCRUMB_ITEMS = Rules(
    ".breadcrumb a, .breadcrumbs a, [itemtype*=BreadcrumbList] [itemprop~=name]"
)

# --- Noise, by concept ------------------------------------------------------------------------

# Elements that never hold readable text.
NON_TEXT = Rules(
    "script, style, noscript, template, svg, canvas, iframe, object, embed, video, audio,"
    "picture, img, source, link, meta, button, select, input, textarea, map, dialog"
)
# Forms: search boxes and sign-ups, but some CMSs wrap the whole page in one.
FORMS = Rules("form")
# Page chrome: site header, navigation, footer, sidebars, hidden and screen-reader text.
PAGE_CHROME = Rules(
    "body > header, header.site-header, #masthead, .site-header, #header, nav, [role=navigation],"
    "[role=banner], [role=contentinfo], [role=complementary], body > footer, footer.site-footer,"
    "article footer,"
    ".site-footer, .footer, .page-footer, .global-footer, #colophon, #footer, aside, .sidebar,"
    "#sidebar, .widget-area, .widget,"
    ".jeg_sidebar, .td-ss-main-sidebar, .breadcrumb, .breadcrumbs, .skip-link,"
    ".screen-reader-text, .menu, .mega-menu, .offcanvas, .mobile-menu, .search-form,"
    ".cookie-notice, [aria-hidden=true], [hidden], .hidden, .sr-only, .visually-hidden"
)
# Header date bars: "Today: 6 October 2025".
DATE_BARS = Rules(
    ".date-bar, .top-date, .header-date, .current-date, .today-date, .todays-date,"
    ".jeg_top_date, .td_data_time, .topbar-date, .date-today, .site-date"
)
# Reading-time badges: "4 mins read".
READ_TIMES = Rules(
    ".read-time, .reading-time, .rt-reading-time, .post-read-time, .span-reading-time,"
    ".jeg_meta_reading_time, .read-duration, .min-read, .estimated-reading-time"
)
# Article metadata lines: dates, bylines, categories, tags above or below the text.
ARTICLE_META = Rules(
    ".entry-meta, .post-meta, .jeg_meta_container, .jeg_post_meta, .td-module-meta-info,"
    ".meta-info, .article-meta, .byline, .posted-on, .entry-footer, .post-footer, .cat-links,"
    ".tags-links, .tag-links, .post-tags, .entry-tags, .jeg_post_tags, .td-tags, .tags,"
    ".tagcloud, .edit-link"
)
# Previous/next story navigation.
PREV_NEXT = Rules(
    ".post-navigation, .nav-links, .nav-previous, .nav-next, .jeg_prevnext_post,"
    ".td-post-next-prev, .single-navigation, .prev-next, .next-prev, .post-nav,"
    ".post-pagination, .previous-post, .next-post, .prev-post"
)
# Related, latest, popular and "don't miss" teaser blocks.
RELATED = Rules(
    ".related, .related-posts, .related-articles, .related-stories, .relatedposts,"
    ".jp-relatedposts, .yarpp-related, .crp_related, .td-related, .td_block_related_posts,"
    ".jeg_related, .jeg_postblock, .latest-posts, .recent-posts, .more-from, .more-stories,"
    ".popular-posts, .trending, .most-read, .recommended, .read-more-box, .also-read,"
    ".dont-miss, .rp4wp-related-posts, .wp-block-latest-posts, .post-list, .post-grid, .teasers"
)
# Share bars and share counts.
SHARE_BARS = Rules(
    ".share, .shares, .sharing, .social-share, .share-buttons, .sharedaddy,"
    ".addtoany_share_save_container, .a2a_kit, .jeg_share_button, .jeg_share_top_container,"
    ".jeg_share_bottom_container, .td-post-sharing, .ssba, .heateor_sss_sharing_container,"
    ".social-icons, .share-count, .social-links, .post-share, .entry-share"
)
# Newsletter and subscription boxes.
NEWSLETTERS = Rules(
    ".newsletter, .newsletter-box, .newsletter-signup, .subscribe, .subscribe-box, .mc4wp-form,"
    ".signup, .optin, .email-signup, .jetpack_subscription_widget"
)
# Advertisement slots and their labels.
ADS = Rules(
    ".ad, .ads, .advert, .adverts, .advertisement, .adsbygoogle, .ad-slot, .ad-container,"
    ".ad-wrapper, .ad-label, .sponsored, .jeg_ad, .td-a-rec, [id^=div-gpt-ad], [class^=ad-], ins"
)
# Comment threads and forms.
COMMENTS = Rules(
    "#comments, .comments-area, .comment-respond, #respond, .comments, .comment-list,"
    "#disqus_thread, .fb-comments, .jeg_comments"
)
# Author boxes under the article.
AUTHOR_BIOS = Rules(
    ".author-box, .author-bio, .about-author, .jeg_authorbox, .td-author-box, .saboxplugin-wrap,"
    ".author-info, .author-card, .post-author-box"
)
# Back-to-top links.
BACK_TO_TOP = Rules(
    ".back-to-top, #back-to-top, .go-to-top, .scroll-top, .scroll-to-top, #totop,"
    ".jeg_scroll_top, a[href='#top']"
)
# Images, captions and embedded media furniture inside the text.
MEDIA_FURNITURE = Rules(
    "figure, figcaption, .wp-caption, .wp-caption-text, .caption, .gallery, .image-credit,"
    ".photo-credit"
)

# Noise removed from the whole page before the text block is located.
PAGE_NOISE = (
    PAGE_CHROME
    + RELATED
    + COMMENTS
    + PREV_NEXT
    + SHARE_BARS
    + NEWSLETTERS
    + ADS
    + AUTHOR_BIOS
    + DATE_BARS
    + READ_TIMES
    + BACK_TO_TOP
    + FORMS
)
# Noise removed inside the text block once it is found.
BLOCK_NOISE = PAGE_NOISE + ARTICLE_META + MEDIA_FURNITURE + STANDFIRSTS + HEADLINES

# Class or id words of boxes that are noise wherever they appear (matched on word boundaries
# inside one class token, so "shared-content" or "address" never match "share" or "ad").
NOISE_WORDS = re.compile(
    r"(?:^|[_-])(?:related|share|sharing|social|newsletter|subscribe|subscription|signup|"
    r"comments?|advert|advertisement|ads?|sponsor(?:ed)?|promo|popular|trending|most-read|"
    r"recommended|read-?more|also-?read|more-stories|outbrain|taboola|breadcrumbs?|sidebar|"
    r"widget|cookie|consent|paywall|modal|popup|toolbar|author-?bio|pinned|pagination|pager)"
    r"(?:$|[_-])",
    re.IGNORECASE,
)

# Blocks of the text that introduce another story ("Read more: ...", "Also read ...").
TEASER_LEAD = re.compile(
    r"^\s*(?:read\s+more|read\s+also|also\s+read|see\s+also|related|recommended|more\s+on\s+this|"
    r"watch|listen|click\s+here|must\s+read|don'?t\s+miss|suggested)\b\s*[:|>»-]",
    re.IGNORECASE,
)

# --- Links ------------------------------------------------------------------------------------

LINK_ELEMENTS = etree.XPath("//a[@href]")
REL_NEXT = etree.XPath(
    "//link[@href][contains(concat(' ', @rel, ' '), ' next ')] | "
    "//a[@href][contains(concat(' ', @rel, ' '), ' next ')]"
)
