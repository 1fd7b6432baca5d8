from django.core.paginator import Paginator
from django.views.generic import TemplateView

from kexie import search

PAGE_SIZE = 20
OTHER_KINDS_SHOWN = 10


class SearchView(TemplateView):
    """``/search/?q=``: published articles (paged), organizations and honours, grouped."""

    template_name = "search/results.html"
    paged_kind = "article"

    def get_context_data(self, **kwargs):
        query = search.parse_query(self.request.GET.get("q", ""))
        groups = []
        page_obj = None
        page = self.request.GET.get("page")
        for name, results in search.search(query).items():
            if name == self.paged_kind:
                number = int(page) if page and page.isdigit() and 0 < int(page) < 10**6 else 1
                results.expect((number - 1) * PAGE_SIZE, number * PAGE_SIZE)
                page_obj = Paginator(results, PAGE_SIZE).get_page(page)
                hits = page_obj.object_list
            else:
                results.expect(0, OTHER_KINDS_SHOWN)
                hits = results[:OTHER_KINDS_SHOWN] if results.count() else []
            groups.append({"kind": results.kind, "hits": hits, "count": results.count()})
        return super().get_context_data(
            query=query,
            search_query=query.text,
            groups=[group for group in groups if group["count"]],
            total=sum(group["count"] for group in groups),
            page_obj=page_obj,
            max_length=search.MAX_QUERY_LENGTH,
            **kwargs,
        )
