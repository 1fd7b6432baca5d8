from awards.sitemaps import HonourSitemap
from news.sitemaps import ArticleSitemap, CategorySitemap, StaticSitemap

sitemaps = {
    "static": StaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "honours": HonourSitemap,
}
