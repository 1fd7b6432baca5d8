from django.core.paginator import Paginator
from django.views.generic import TemplateView

from kexie import search
from kexie.views import PAGE_SIZE

# On the page of all kinds, every kind but the first shows this many results and links
# to its own paged list (``?q=…&kind=organization``) when it has more.
OTHER_KINDS_SHOWN = 10


def _page_number(value):
    # Paginator.get_page forgives junk too, but the slice is asked for before it runs.
    return int(value) if value and value.isdigit() and 0 < int(value) < 10**6 else 1


class SearchView(TemplateView):
    """``/search/?q=``: every registered kind, grouped; the first kind paged, the rest
    linking to their own paged list; ``&kind=<name>`` pages one kind alone."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        query = search.parse_query(self.request.GET.get("q", ""))
        names = {kind.name for kind in search.registered_kinds()}
        only = self.request.GET.get("kind")
        only = only if only in names else None
        groups = []
        page_obj = None
        for position, results in enumerate(search.search(query, [only] if only else None).values()):
            group = {"kind": results.kind, "paged": position == 0}
            if group["paged"]:
                number = _page_number(self.request.GET.get("page"))
                results.expect((number - 1) * PAGE_SIZE, number * PAGE_SIZE)
                page_obj = Paginator(results, PAGE_SIZE).get_page(self.request.GET.get("page"))
                group["hits"] = page_obj.object_list
            else:
                results.expect(0, OTHER_KINDS_SHOWN)
                group["hits"] = results[:OTHER_KINDS_SHOWN] if results.count() else []
            # The real number of results, never the number shown.
            group["count"] = results.count()
            group["more"] = group["count"] > len(group["hits"]) and not group["paged"]
            groups.append(group)
        return super().get_context_data(
            query=query,
            search_query=query.text,
            kind=only,
            groups=[group for group in groups if group["count"]],
            total=sum(group["count"] for group in groups),
            page_obj=page_obj,
            **kwargs,
        )
