from awards.sitemaps import HonourSitemap
from news.sitemaps import ArticleSitemap, CategorySitemap, StaticSitemap
from organizations.sitemaps import OrganizationSitemap

sitemaps = {
    "static": StaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "honours": HonourSitemap,
    "organizations": OrganizationSitemap,
}
