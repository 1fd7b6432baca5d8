from django.urls import path

from news import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.AllArticlesView.as_view(), name="article-list"),
    path("category/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("<int:pk>.html", views.ArticleDetailView.as_view(), name="article-detail"),
    path("<int:pk>/views/", views.article_views, name="article-views"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
]
