from news.sitemaps import ArticleSitemap, CategorySitemap, StaticSitemap
from organizations.sitemaps import OrganizationSitemap

sitemaps = {
    "static": StaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
    "organizations": OrganizationSitemap,
}
