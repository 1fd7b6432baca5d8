"""Telling obvious robots from readers by their User-Agent (for view counting)."""

import re

# Crawlers announce themselves; scripts and command-line clients use their
# library's name. A reader's browser matches none of these.
BOT_RE = re.compile(
    r"bot|spider|crawl|slurp|archiver|facebookexternalhit|bingpreview|curl|wget|"
    r"python-requests|python-urllib|aiohttp|httpx|go-http-client|java/|okhttp|libwww|"
    r"scrapy|phantomjs|wrk",
    re.IGNORECASE,
)


def is_bot(user_agent):
    return not user_agent.strip() or BOT_RE.search(user_agent) is not None
