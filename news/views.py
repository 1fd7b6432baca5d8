from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView

from kexie.downloads import protected_file_response
from kexie.pagecache import fragments
from kexie.useragents import is_bot
from kexie.views import PaginatedListMixin, StaffPreviewMixin
from news import tamper
from news.models import Article, Attachment, Category
from organizations.models import Organization

HOME_SECTION_SIZE = 6


def with_shared_relations(request, article):
    """``article`` with its category (and the category's parent) and its organization
    taken from copies shared by every request of the content generation.

    The article page's own query then joins nothing: compiling the three joins
    with the ORM cost the cold page more than a millisecond, several times their
    run time. Categories and organizations are small tables whose every change
    replaces the generation (kexie.pagecache), so one copy per generation in each
    process is exact. A relation already loaded (a staff preview) is kept.
    """
    if not Article.category.is_cached(article):
        categories = fragments.memo(request, "news.categories", Category.objects.by_id)
        if article.category_id in categories:
            article.category = categories[article.category_id]
    if article.organization_id and not Article.organization.is_cached(article):
        organizations = fragments.memo(
            request, "organizations.names", Organization.objects.names_by_id
        )
        if article.organization_id in organizations:
            article.organization = organizations[article.organization_id]
    return article


def latest_per_section(articles, sections, size=HOME_SECTION_SIZE):
    """The newest ``size`` of ``articles`` in each section, in one query.

    PostgreSQL: a UNION ALL of one LIMIT query per section, each reading only the
    top of its own index range, so the cost does not grow with the archive.
    Databases that cannot slice inside a UNION (SQLite) number the rows instead.
    """
    if not sections:
        return []
    order = ["-is_pinned", "-publish_at", "-id"]
    if connection.features.supports_slicing_ordering_in_compound:
        newest = articles.order_by(*order)
        parts = [newest.filter(category=section)[:size] for section in sections]
        return parts[0].union(*parts[1:], all=True)
    numbered = articles.filter(category__in=sections).annotate(
        row=Window(
            RowNumber(),
            partition_by=F("category"),
            order_by=[F("is_pinned").desc(), F("publish_at").desc(), F("id").desc()],
        )
    )
    return numbered.filter(row__lte=size)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        sections = list(Category.objects.filter(show_on_home=True))
        by_category = {}
        for article in latest_per_section(published.defer("body"), sections):
            by_category.setdefault(article.category_id, []).append(article)
        for section in sections:
            rows = by_category.get(section.pk, [])
            rows.sort(key=lambda a: (not a.is_pinned, -a.publish_at.timestamp(), -a.pk))
            section.latest = tamper.vet(rows)
        headlines = tamper.vet(published.filter(is_headline=True).for_list().defer("body")[:5])
        return super().get_context_data(headlines=headlines, sections=sections, **kwargs)


class ArticleListView(PaginatedListMixin, ListView):
    template_name = "news/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_list().defer("body")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = tamper.vet(context["articles"])
        return context


class AllArticlesView(ArticleListView):
    """/news/: every published article; ``?org=<slug>`` lists one organization's submissions."""

    def get_queryset(self):
        queryset = super().get_queryset()
        self.organization = None
        slug = self.request.GET.get("org")
        if slug is not None:
            self.organization = (
                Organization.objects.active().filter(slug=slug[:80]).only("name", "slug").first()
            )
            if self.organization is None:
                raise Http404
            queryset = queryset.filter(organization=self.organization)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.organization, **kwargs)


class CategoryView(ArticleListView):
    template_name = "news/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(
            Category.objects.select_related("parent"), slug=self.kwargs["slug"]
        )
        return super().get_queryset().in_category(self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "news/article_detail.html"
    context_object_name = "article"
    serves_approved_only = True

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.attachments = self.get_attachments()
        if self.serves_approved_only:
            # A row changed outside the workflow shows its approved revision, or nothing;
            # an attachment changed so is left out (it has no approved revision).
            self.object = tamper.served(self.object)
            if self.object is None:
                return TemplateResponse(request, "news/article_unavailable.html", status=503)
            self.attachments = tamper.vet_attachments(self.attachments)
        self.object = with_shared_relations(request, self.object)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_queryset(self):
        # No joins: the category and organization come from with_shared_relations().
        return Article.objects.published()

    def get_attachments(self):
        # Most articles have none: the ids of those that do, shared by every request
        # of the content generation, spare them the query.
        with_files = fragments.memo(
            self.request, "news.attachments", Attachment.objects.article_ids
        )
        if self.object.pk not in with_files:
            return []
        return list(self.object.attachments.all())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attachments=self.attachments, **self.neighbours(self.object), **kwargs
        )

    @staticmethod
    def neighbours(article):
        """The previous and next published articles of the same category, by publish time."""
        previous, following = Article.objects.neighbours(article)
        return {"previous_article": previous, "next_article": following}


class ArticlePreviewView(StaffPreviewMixin, ArticleDetailView):
    """Staff preview of any article, whatever its status; never cached, never counted."""

    permission_required = "news.view_article"
    template_name = "news/article_detail.html"
    serves_approved_only = False  # staff see the row as it is

    def get_queryset(self):
        return (
            Article.objects.visible_to(self.request.user)
            .select_related("category__parent", "organization")
            .prefetch_related("attachments")
        )

    def get_object(self, queryset=None):
        return DetailView.get_object(self, queryset)

    def get_attachments(self):
        return list(self.object.attachments.all())  # prefetched with the article


def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("article"), pk=pk)
    article = attachment.article
    staff = request.user.has_perm("news.view_article") and article.is_visible_to(request.user)
    if not staff and not (article.is_public and tamper.attachment_served(attachment)):
        raise Http404  # unpublished, or changed past the application: staff only
    return protected_file_response(
        attachment.file, filename=attachment.original_name, public=article.is_public
    )


@csrf_exempt  # it only counts; a cross-site page cannot make it do anything else
@require_POST
@never_cache
def article_views(request, pk):
    """Counts one reading of an article; static/js/site.js calls it from the article page.

    Counting apart from the page lets the page itself be cached. The answer is
    the current total, which the page shows. Obvious bots and requests made by
    other sites are not counted; HEAD and staff previews never call this.
    """
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponseForbidden()
    if is_bot(request.headers.get("User-Agent", "")):
        views = Article.objects.published().filter(pk=pk).values_list("view_count", flat=True)
        total = views.first()
    else:
        total = Article.objects.count_view(pk)
    if total is None:
        raise Http404
    return JsonResponse({"views": total})
