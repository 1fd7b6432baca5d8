from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import ListView

from awards.charts import level_totals, year_chart
from awards.filters import HonourFilter
from awards.models import Honour
from kexie.views import PaginatedListMixin
from news.models import Article

HONOURS_PER_PAGE = 100


class HonourListView(PaginatedListMixin, ListView):
    """The 荣誉榜: filters, counts per level, the per-year chart and the grouped list."""

    template_name = "awards/honour_list.html"
    context_object_name = "honours"
    paginate_by = HONOURS_PER_PAGE

    def get_queryset(self):
        self.filterset = HonourFilter(self.request.GET or None, queryset=Honour.objects.for_list())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        # One aggregate query feeds both the counts per level and the chart.
        rows = list(self.object_list.per_year_and_level())
        chart = year_chart(rows)
        return super().get_context_data(
            filter=self.filterset,
            level_totals=level_totals(rows),
            chart=chart,
            total_recipients=chart.total,
            is_filtered=bool(self.filterset.is_bound and self.filterset.form.has_changed()),
            **kwargs,
        )


class RecipientView(ListView):
    """Every honour of one person or unit, gathered by their recipient key."""

    template_name = "awards/recipient_detail.html"
    context_object_name = "honours"

    def get_queryset(self):
        public_articles = Article.objects.published().only("id", "title", "publish_at")
        return Honour.objects.for_recipient(self.kwargs["key"]).prefetch_related(
            Prefetch("articles", queryset=public_articles, to_attr="public_articles")
        )

    def get_context_data(self, **kwargs):
        honours = list(self.object_list)
        if not honours:
            raise Http404
        # The newest honour's name is the one to show: it is the most recent spelling.
        latest = honours[0]
        organization = next((h.organization for h in honours if h.organization_id), None)
        return super().get_context_data(
            honours=honours,
            recipient=latest,
            organization=organization,
            organization_url=next((h.organization_url() for h in honours if h.organization_id), ""),
            recipients_total=sum(h.group_size for h in honours),
            **kwargs,
        )
